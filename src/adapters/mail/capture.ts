import type { Clock, Ids, Mailer, Store } from '../../app/ports.ts'

/** With no SMTP server configured, mail is kept in the database for the console's dev mailbox. */
export function createCaptureMailer(deps: { store: Store; ids: Ids; clock: Clock }): Mailer {
  return {
    kind: 'capture',
    async send(message) {
      await deps.store.commit([
        {
          type: 'mail.capture',
          mail: {
            id: deps.ids.next(),
            to: message.to,
            subject: message.subject,
            text: message.text,
            html: message.html,
            headers: {
              From: message.from,
              ...(message.replyTo ? { 'Reply-To': message.replyTo } : {}),
              'Message-ID': message.messageId,
              ...message.headers,
            },
            createdAt: deps.clock.now(),
          },
        },
      ])
      return { ok: true }
    },
  }
}
