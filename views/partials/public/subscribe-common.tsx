import type { Child } from 'hono/jsx'
import type { PublicPageContext } from '../../../src/app/get-public-incident.ts'
import { PublicLayout } from '../../layouts/public.tsx'

// The frame of every subscription page: the public layout plus subscribe.css.

export function SubscriptionLayout(props: {
  page: PublicPageContext
  title: string
  children: Child
}) {
  return (
    <PublicLayout
      page={props.page}
      title={props.title}
      head={<link rel="stylesheet" href="/css/subscribe.css" />}
    >
      <div class="subscribe">{props.children}</div>
    </PublicLayout>
  )
}

/** A form whose only content is one button (confirm, unsubscribe, subscribe again). */
export function ButtonForm(props: {
  action: string
  label: string
  kind?: 'primary' | 'secondary' | 'danger'
  hidden?: Record<string, string>
}) {
  const kind = props.kind ?? 'primary'
  return (
    <form method="post" action={props.action} class="button-form">
      {Object.entries(props.hidden ?? {}).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      <button type="submit" class={kind === 'primary' ? undefined : kind}>
        {props.label}
      </button>
    </form>
  )
}

/** The notice at the top of a page after an action ("Saved", "Subscribed again"). */
export function Notice(props: { message?: string | null | undefined }) {
  if (!props.message) return null
  return (
    <div class="flash flash-ok" role="status">
      {props.message}
    </div>
  )
}
