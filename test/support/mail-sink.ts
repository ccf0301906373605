import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'

// A real SMTP server on loopback that keeps every message it accepts. `reject` turns recipients
// away with a permanent 550; `stop()`/`start()` take it down and bring it back on the same port.

export interface ReceivedMail {
  from: string
  to: string[]
  raw: string
  headers: Record<string, string>
  subject: string
  text: string
}

export interface MailSink {
  port: number
  url: string
  messages: ReceivedMail[]
  reject: Set<string>
  stop(): Promise<void>
  start(): Promise<void>
  close(): Promise<void>
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>
}

/** Unfolded headers, names lower-cased; the first occurrence wins. */
export function parseHeaders(raw: string): Record<string, string> {
  const head = raw.split(/\r?\n\r?\n/)[0] ?? ''
  const out: Record<string, string> = {}
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':')
    if (i <= 0) continue
    const name = line.slice(0, i).trim().toLowerCase()
    out[name] ??= line.slice(i + 1).trim()
  }
  return out
}

function decodeQuotedPrintable(text: string): string {
  return Buffer.from(
    text
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
    'latin1',
  ).toString('utf8')
}

/** The text/plain part, decoded (enough for assertions on links and wording). */
function textPart(raw: string): string {
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(raw)?.[1]
  const parts = boundary ? raw.split(`--${boundary}`) : [raw]
  for (const part of parts) {
    const [head = '', ...rest] = part.split(/\r?\n\r?\n/)
    if (!/content-type:\s*text\/plain/i.test(head)) continue
    const body = rest.join('\r\n\r\n').replace(/\r?\n$/, '')
    if (/quoted-printable/i.test(head)) return decodeQuotedPrintable(body)
    if (/base64/i.test(head)) return Buffer.from(body, 'base64').toString('utf8')
    return body
  }
  return ''
}

export async function startMailSink(): Promise<MailSink> {
  const messages: ReceivedMail[] = []
  const reject = new Set<string>()
  let server: SMTPServer | null = null
  let port = 0
  const listen = () =>
    new Promise<void>((resolve, reject_) => {
      server = new SMTPServer({
        authOptional: true,
        disabledCommands: ['STARTTLS'],
        logger: false,
        onRcptTo(address, _session, cb) {
          if (reject.has(address.address.toLowerCase())) {
            const err = Object.assign(new Error('No such user here'), { responseCode: 550 })
            return cb(err)
          }
          cb()
        },
        onData(stream, session, cb) {
          const chunks: Buffer[] = []
          stream.on('data', (c: Buffer) => chunks.push(c))
          stream.on('end', () => {
            const raw = Buffer.concat(chunks).toString('utf8')
            const headers = parseHeaders(raw)
            messages.push({
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
              raw,
              headers,
              subject: headers.subject ?? '',
              text: textPart(raw),
            })
            cb()
          })
        },
      })
      server.on('error', () => {})
      server.listen(port, '127.0.0.1', () => {
        port = (server!.server.address() as AddressInfo).port
        resolve()
      })
      server.server.once('error', reject_)
    })
  const stop = () =>
    new Promise<void>((resolve) => {
      if (!server) return resolve()
      const s = server
      server = null
      s.close(() => resolve())
    })
  await listen()
  return {
    get port() {
      return port
    },
    get url() {
      return `smtp://127.0.0.1:${port}`
    },
    messages,
    reject,
    stop,
    start: listen,
    close: stop,
    async waitFor(count, timeoutMs = 5000) {
      const until = Date.now() + timeoutMs
      while (messages.length < count && Date.now() < until)
        await new Promise((r) => setTimeout(r, 20))
      return messages
    },
  }
}
