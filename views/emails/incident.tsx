import { renderMarkdown } from '../markdown.ts'
import { EmailLayout, renderEmail } from './layout.tsx'

// The broadcast e-mail: an incident update (opened, updated, resolved) or a component status
// change. Every string here is prepared by src/app/broadcast/formats/email.ts; bodies are markdown.

export type EmailTone = 'resolved' | 'none' | 'minor' | 'major' | 'critical' | 'maintenance'

export interface EmailUpdateView {
  statusLabel: string
  /** Markdown. */
  body: string
  time: string
}

export interface IncidentEmailView {
  subject: string
  pageName: string
  pageUrl: string
  title: string
  statusLabel: string
  impactText: string | null
  tone: EmailTone
  /** Markdown. */
  body: string
  time: string
  changes: { name: string; from: string | null; to: string }[]
  url: string
  linkLabel: string
  earlier: EmailUpdateView[]
  /** Earlier updates left out of the mail (they are on the incident page). */
  earlierOmitted: number
  manageUrl: string
  unsubscribeUrl: string
}

function Markdown(props: { source: string }) {
  return <div class="markdown" dangerouslySetInnerHTML={{ __html: renderMarkdown(props.source) }} />
}

export function IncidentEmail(props: { view: IncidentEmailView }) {
  const v = props.view
  return (
    <EmailLayout
      title={v.subject}
      pageName={v.pageName}
      pageUrl={v.pageUrl}
      footer={
        <p>
          You are receiving this because you subscribed to status updates from {v.pageName}.{' '}
          <a href={v.manageUrl}>Manage your subscription</a> ·{' '}
          <a href={v.unsubscribeUrl}>Unsubscribe</a>
        </p>
      }
    >
      <h1>{v.title}</h1>
      <p class={`status tone-${v.tone}`}>
        {v.statusLabel}
        {v.impactText ? ` · ${v.impactText}` : ''}
      </p>
      {v.body.trim() ? <Markdown source={v.body} /> : null}
      {v.changes.length ? (
        <table class="changes" role="presentation" cellpadding="0" cellspacing="0" border={0}>
          {v.changes.map((c) => (
            <tr>
              <td>{c.name}</td>
              <td>{c.from && c.from !== c.to ? `${c.from} → ${c.to}` : c.to}</td>
            </tr>
          ))}
        </table>
      ) : null}
      <p class="when">{v.time}</p>
      <a class="button" href={v.url}>
        {v.linkLabel}
      </a>
      {v.earlier.length ? (
        <div class="earlier">
          <h2>Earlier updates</h2>
          {v.earlier.map((u) => (
            <div class="earlier-item">
              <p class="earlier-label">
                {u.statusLabel} · {u.time}
              </p>
              <Markdown source={u.body} />
            </div>
          ))}
          {v.earlierOmitted > 0 ? (
            <p>
              <a href={v.url}>
                {v.earlierOmitted} more earlier {v.earlierOmitted === 1 ? 'update' : 'updates'}
              </a>
            </p>
          ) : null}
        </div>
      ) : null}
    </EmailLayout>
  )
}

export function renderIncidentEmail(view: IncidentEmailView): string {
  return renderEmail(<IncidentEmail view={view} />)
}
