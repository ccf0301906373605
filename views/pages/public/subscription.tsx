import type { PublicPageContext } from '../../../src/app/get-public-incident.ts'
import type { SubscriberState } from '../../../src/domain/enums.ts'
import { FormAlert } from '../../partials/form.tsx'
import { ButtonForm, Notice, SubscriptionLayout } from '../../partials/public/subscribe-common.tsx'
import {
  ScopeFieldset,
  type ScopeChoice,
  type ScopeSection,
} from '../../partials/public/subscribe-scope.tsx'

// The pages behind the links in every message: confirm, manage, unsubscribe. None of them changes
// anything on GET (mail scanners fetch links); every change is a button that POSTs.

/** The path of a subscription's manage page; the other actions hang off it. */
export const managePath = (token: string) => `/subscriptions/${encodeURIComponent(token)}`

/** GET /subscriptions/confirm/:token */
export function ConfirmPromptPage(props: { page: PublicPageContext; action: string }) {
  return (
    <SubscriptionLayout page={props.page} title="Confirm your subscription">
      <h1 class="page-title">Confirm your subscription</h1>
      <p>One more step: confirm that you want status updates from {props.page.name}.</p>
      <ButtonForm action={props.action} label="Confirm subscription" />
    </SubscriptionLayout>
  )
}

/** POST /subscriptions/confirm/:token */
export function ConfirmedPage(props: { page: PublicPageContext; token: string }) {
  return (
    <SubscriptionLayout page={props.page} title="Subscribed">
      <h1 class="page-title">You're subscribed</h1>
      <p>You will get a message whenever {props.page.name} posts an update.</p>
      <p>
        Every message has a link to change what you receive or to unsubscribe, and so does{' '}
        <a href={managePath(props.token)}>your subscription page</a>.
      </p>
      <p class="more">
        <a href="/">Back to the status page</a>
      </p>
    </SubscriptionLayout>
  )
}

export interface ManageView {
  token: string
  channelLabel: string
  /** The address, or an endpoint URL cut to its origin and the start of its path. */
  target: string
  state: SubscriberState
}

const STATE_TEXT: Record<SubscriberState, string> = {
  pending: 'Waiting for confirmation: use the link in the confirmation message.',
  active: 'Active: you receive updates.',
  quarantined:
    'Paused: deliveries to this endpoint kept failing. The page’s team has been told and can resume it.',
  unsubscribed: 'Unsubscribed: nothing is sent.',
}

/** GET /subscriptions/:token, and the answer to its forms. */
export function ManagePage(props: {
  page: PublicPageContext
  view: ManageView
  sections: ScopeSection[]
  choice: ScopeChoice
  notice?: string | null
  errors?: { scope?: string; form?: string }
}) {
  const { view } = props
  const path = managePath(view.token)
  return (
    <SubscriptionLayout page={props.page} title="Your subscription">
      <h1 class="page-title">Your subscription</h1>
      <Notice message={props.notice} />
      <FormAlert message={props.errors?.form} />
      <dl class="facts subscription-facts">
        <dt>Channel</dt>
        <dd>{view.channelLabel}</dd>
        <dt>Sent to</dt>
        <dd>
          <code>{view.target}</code>
        </dd>
        <dt>State</dt>
        <dd class={`subscription-state state-${view.state}`}>{STATE_TEXT[view.state]}</dd>
      </dl>
      <form method="post" action={path} class="subscribe-form">
        <ScopeFieldset
          sections={props.sections}
          choice={props.choice}
          error={props.errors?.scope}
        />
        <p class="form-actions">
          <button type="submit">Save components</button>
        </p>
      </form>
      <section class="panel">
        {view.state === 'unsubscribed' ? (
          <>
            <h2>Subscribe again</h2>
            <p>Start receiving updates again at the same address, with the components above.</p>
            <ButtonForm action={`${path}/resubscribe`} label="Subscribe again" />
          </>
        ) : (
          <>
            <h2>Unsubscribe</h2>
            <p>Stop all messages from {props.page.name}. You can subscribe again from this page.</p>
            <ButtonForm action={`${path}/unsubscribe`} label="Unsubscribe" kind="danger" />
          </>
        )}
      </section>
    </SubscriptionLayout>
  )
}

/** GET /subscriptions/:token/unsubscribe: a button, never an unsubscribe by itself. */
export function UnsubscribePromptPage(props: { page: PublicPageContext; token: string }) {
  const path = managePath(props.token)
  return (
    <SubscriptionLayout page={props.page} title="Unsubscribe">
      <h1 class="page-title">Unsubscribe</h1>
      <p>Stop all status updates from {props.page.name}?</p>
      <ButtonForm action={`${path}/unsubscribe`} label="Unsubscribe" kind="danger" />
      <p class="more">
        Or <a href={path}>choose which components you hear about</a> instead.
      </p>
    </SubscriptionLayout>
  )
}

/** POST /subscriptions/:token/unsubscribe (RFC 8058 one-click and the buttons): 200, no redirect. */
export function UnsubscribedPage(props: { page: PublicPageContext; token: string }) {
  const path = managePath(props.token)
  return (
    <SubscriptionLayout page={props.page} title="Unsubscribed">
      <h1 class="page-title">You are unsubscribed</h1>
      <p>Nothing more will be sent from {props.page.name}.</p>
      <p>Changed your mind?</p>
      <ButtonForm action={`${path}/resubscribe`} label="Subscribe again" kind="secondary" />
      <p class="more">
        <a href="/">Back to the status page</a>
      </p>
    </SubscriptionLayout>
  )
}

/** An unknown, expired or used-up link (404). */
export function SubscriptionNotFoundPage(props: { page: PublicPageContext; message: string }) {
  return (
    <SubscriptionLayout page={props.page} title="Link not valid">
      <h1 class="page-title">This link does not work</h1>
      <p>{props.message}</p>
      <p class="more">
        <a href="/subscribe">Subscribe to updates</a> · <a href="/">Back to the status page</a>
      </p>
    </SubscriptionLayout>
  )
}
