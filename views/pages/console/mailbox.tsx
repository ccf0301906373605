import type { CapturedMail } from '../../../src/app/ports.ts'
import { ConsoleLayout, type ConsoleContext } from '../../layouts/console.tsx'
import { Time } from '../../partials/console/common.tsx'
import { SubscribersAssets } from './subscribers-common.tsx'

// The development mailbox: with no SMTP server configured, subscriber mail is kept in the database
// and read here instead of being sent.

export const mailPath = (id: string) => `/console/mailbox/${encodeURIComponent(id)}`

function TransportBanner(props: { kind: 'smtp' | 'capture' }) {
  return props.kind === 'capture' ? (
    <div class="flash flash-info mailbox-banner" role="status">
      <strong>No SMTP server configured: mail is captured here.</strong> Nothing leaves this server.
      Set <code>SMTP_URL</code> (e.g. <code>smtp://user:pass@host:587</code>) to send for real.
    </div>
  ) : (
    <div class="flash flash-ok mailbox-banner" role="status">
      Mail goes out through the configured SMTP server; nothing new is captured here.
    </div>
  )
}

export function MailboxPage(props: {
  ctx: ConsoleContext
  kind: 'smtp' | 'capture'
  mail: CapturedMail[]
  limit: number
  tz: string
}) {
  return (
    <ConsoleLayout ctx={{ ...props.ctx, section: 'mailbox' }} title="Mailbox">
      <SubscribersAssets />
      <div class="page-head">
        <h1>Mailbox</h1>
      </div>
      <TransportBanner kind={props.kind} />
      {props.mail.length === 0 ? (
        <p class="empty">No captured mail.</p>
      ) : (
        <div class="table-wrap">
          <table class="table mailbox-table">
            <thead>
              <tr>
                <th scope="col">Received</th>
                <th scope="col">To</th>
                <th scope="col">Subject</th>
              </tr>
            </thead>
            <tbody>
              {props.mail.map((m) => (
                <tr>
                  <td>
                    <Time ms={m.createdAt} tz={props.tz} />
                  </td>
                  <td>{m.to}</td>
                  <td>
                    <a href={mailPath(m.id)}>{m.subject || '(no subject)'}</a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {props.mail.length >= props.limit && (
        <p class="muted">The newest {props.limit} messages are listed.</p>
      )}
    </ConsoleLayout>
  )
}

export function MailPage(props: {
  ctx: ConsoleContext
  kind: 'smtp' | 'capture'
  mail: CapturedMail
  tz: string
}) {
  const { mail } = props
  return (
    <ConsoleLayout ctx={{ ...props.ctx, section: 'mailbox' }} title={mail.subject || 'Mail'}>
      <SubscribersAssets />
      <p>
        <a href="/console/mailbox">← Mailbox</a>
      </p>
      <div class="page-head">
        <h1 class="mail-subject">{mail.subject || '(no subject)'}</h1>
      </div>
      <TransportBanner kind={props.kind} />
      <section class="card" aria-labelledby="headers-title">
        <h2 id="headers-title">Headers</h2>
        <dl class="mail-headers">
          <dt>Received</dt>
          <dd>
            <Time ms={mail.createdAt} tz={props.tz} />
          </dd>
          <dt>To</dt>
          <dd>{mail.to}</dd>
          {Object.entries(mail.headers).map(([name, value]) => (
            <>
              <dt>{name}</dt>
              <dd>
                <code>{value}</code>
              </dd>
            </>
          ))}
        </dl>
      </section>
      <section class="card" aria-labelledby="html-title">
        <h2 id="html-title">HTML part</h2>
        {mail.html ? (
          <>
            {/* An empty sandbox: no scripts, no forms, no same-origin access. The frame inherits
                this page's CSP, so the mail's <style> block is dropped; its layout is built to
                read well without it. */}
            <iframe
              class="mail-html"
              title="The HTML part of the mail"
              sandbox=""
              referrerpolicy="no-referrer"
              srcdoc={mail.html}
            ></iframe>
            <details class="mail-source">
              <summary>HTML source</summary>
              <pre>
                <code>{mail.html}</code>
              </pre>
            </details>
          </>
        ) : (
          <p class="muted">This mail has no HTML part.</p>
        )}
      </section>
      <section class="card" aria-labelledby="text-title">
        <h2 id="text-title">Text part</h2>
        <pre class="mail-text">{mail.text}</pre>
      </section>
    </ConsoleLayout>
  )
}
