import nodemailer from 'nodemailer'
import type { Mailer, SendOutcome } from '../../app/ports.ts'

// Pooled SMTP through nodemailer. A 5xx reply to the recipient or the message is permanent (the
// address is refused); connection failures, timeouts and 4xx replies are worth retrying.

export function createSmtpMailer(url: string, opts: { maxConnections?: number } = {}): Mailer {
  const transport = nodemailer.createTransport({
    url,
    pool: true,
    maxConnections: opts.maxConnections ?? 5,
    maxMessages: Infinity,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
  } as Parameters<typeof nodemailer.createTransport>[0])
  return {
    kind: 'smtp',
    async send(m): Promise<SendOutcome> {
      try {
        await transport.sendMail({
          from: m.from,
          to: m.to,
          ...(m.replyTo ? { replyTo: m.replyTo } : {}),
          subject: m.subject,
          text: m.text,
          html: m.html,
          messageId: m.messageId,
          headers: m.headers,
        })
        return { ok: true }
      } catch (error) {
        return classify(error)
      }
    },
    async close() {
      transport.close()
    },
  }
}

export function classify(error: unknown): SendOutcome {
  const e = error as { responseCode?: number; code?: string; message?: string }
  const code = e.responseCode
  const reason = (code ? `SMTP ${code}: ` : '') + oneLine(e.message ?? String(error))
  // Authentication replies are about our configuration, not the address: retry (and fix the
  // credentials) rather than killing every delivery.
  if (code !== undefined && [530, 534, 535, 538].includes(code))
    return { ok: false, permanent: false, reason }
  if (e.code === 'EAUTH') return { ok: false, permanent: false, reason }
  if (code !== undefined && code >= 500 && code < 600) return { ok: false, permanent: true, reason }
  if (e.code === 'EENVELOPE' && code === undefined) return { ok: false, permanent: true, reason }
  return { ok: false, permanent: false, reason }
}

function oneLine(text: string): string {
  // Never echo credentials from a connection URL into a delivery's recorded error.
  return text
    .replace(/\s+/g, ' ')
    .replace(/\/\/[^@\s]*@/g, '//***@')
    .slice(0, 300)
}
