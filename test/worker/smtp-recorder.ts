import type { AddressInfo, Socket } from 'node:net'
import { SMTPServer } from 'smtp-server'
import { parseHeaders } from '../support/mail-sink.ts'

// A real SMTP server on 127.0.0.1 for the Worker mail tests: it requires the one account it knows
// when the client logs in (AUTH is optional, as on a relay that trusts its network), counts
// connections, can refuse recipients with a chosen reply, and can hang up after each message the
// way a server restarting or timing out an idle client does.

export const SMTP_USER = 'herald'
/** Characters that must be percent-encoded in SMTP_URL and decoded again by the mailer. */
export const SMTP_PASSWORD = 'p@ss:w/rd%'

export interface RecordedMail {
  mailFrom: string
  rcptTo: string[]
  /** The account the client logged in with, if it did. */
  user: string | null
  raw: string
  /** Unfolded, names lower-cased. */
  headers: Record<string, string>
}

export interface SmtpRecorder {
  port: number
  /** smtp://herald:…@127.0.0.1:port (`credentials: false` for none). */
  url(opts?: { credentials?: boolean }): string
  messages: RecordedMail[]
  readonly connections: number
  /** Recipient → the code its RCPT TO is answered with (e.g. 550, 451). */
  refuse: Map<string, number>
  /** Close each connection right after a message was accepted. */
  hangUpAfterMessage: boolean
  waitFor(count: number, timeoutMs: number): Promise<RecordedMail[]>
  close(): Promise<void>
}

export async function startSmtpRecorder(): Promise<SmtpRecorder> {
  const messages: RecordedMail[] = []
  const sockets = new Map<number, Socket>()
  let connections = 0
  // What the tests set (refuse, hangUpAfterMessage) is read from here by the server's handlers.
  const self: SmtpRecorder = {
    port: 0,
    messages,
    get connections() {
      return connections
    },
    refuse: new Map<string, number>(),
    hangUpAfterMessage: false,
    url({ credentials = true } = {}) {
      const auth = credentials
        ? `${encodeURIComponent(SMTP_USER)}:${encodeURIComponent(SMTP_PASSWORD)}@`
        : ''
      return `smtp://${auth}127.0.0.1:${self.port}`
    },
    async waitFor(count: number, timeoutMs: number) {
      const until = Date.now() + timeoutMs
      while (messages.length < count && Date.now() < until)
        await new Promise((r) => setTimeout(r, 50))
      return messages
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets.values()) socket.destroy()
        server.close(() => resolve())
      }),
  }
  const server = new SMTPServer({
    authOptional: true,
    // No TLS certificate here: the Worker's smtp:// client would upgrade if STARTTLS were offered.
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onConnect(_session, cb) {
      connections++
      cb()
    },
    onAuth(auth, _session, cb) {
      if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD)
        return cb(null, { user: auth.username })
      cb(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }))
    },
    onRcptTo(address, _session, cb) {
      const code = self.refuse.get(address.address.toLowerCase())
      if (code) return cb(Object.assign(new Error('Refused by the test'), { responseCode: code }))
      cb()
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8')
        messages.push({
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          rcptTo: session.envelope.rcptTo.map((r) => r.address),
          user: typeof session.user === 'string' ? session.user : null,
          raw,
          headers: parseHeaders(raw),
        })
        cb()
        if (self.hangUpAfterMessage) {
          const socket = sockets.get(session.remotePort)
          // After the 250 reply has been written.
          setImmediate(() => socket?.destroy())
        }
      })
    },
  })
  server.on('error', () => {})
  server.server.on('connection', (socket: Socket) => {
    if (socket.remotePort !== undefined) sockets.set(socket.remotePort, socket)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  self.port = (server.server.address() as AddressInfo).port
  return self
}

/** A header's RFC 2047 encoded words decoded (what a mail client shows). */
export function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?UTF-8\?([BQ])\?([^?]*)\?=/gi, (_, enc: string, text: string) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : Buffer.from(
            text
              .replace(/_/g, ' ')
              .replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
            'latin1',
          ).toString('utf8'),
    )
}
