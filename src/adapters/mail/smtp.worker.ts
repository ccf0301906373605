import type { EmailOptions, WorkerMailer, WorkerMailerOptions } from 'worker-mailer'
import type { Mailer, MailMessage, SendOutcome } from '../../app/ports.ts'

// SMTP from a Worker over TCP sockets (cloudflare:sockets) through worker-mailer, behind the same
// Mailer port as nodemailer on Node. A reply of 5xx to the envelope or the message is permanent
// (the address or message is refused); connection failures, timeouts, 4xx replies and failures
// while setting up the session (greeting, STARTTLS, AUTH: a server or configuration problem, not
// the recipient's) are retried later.
//
// A socket belongs to the request (or queue/cron invocation) that opened it: workerd refuses I/O on
// it from any other. So connections are kept only inside a session(), opened by the invocation that
// sends and closed before it ends; send() on the mailer itself connects for one message.

export interface WorkerSmtpOptions {
  /** Connections a session opens at most (a Worker invocation may hold six of any kind at once). */
  maxConnections?: number
  /** Deadline for connecting and for each server reply (worker-mailer uses one value for both). */
  timeoutMs?: number
}

export interface SmtpSession extends Mailer {
  /** Sends QUIT on every open connection; a later send connects again. */
  close(): Promise<void>
}

export interface WorkerSmtpMailer extends Mailer {
  readonly kind: 'smtp'
  /** A mailer that keeps its connections open across sends until close(): one per invocation. */
  session(): SmtpSession
}

export function createWorkerSmtpMailer(
  url: string,
  opts: WorkerSmtpOptions = {},
): WorkerSmtpMailer {
  const server = parseSmtpUrl(url, opts.timeoutMs ?? 30_000)
  const maxConnections = Math.max(1, opts.maxConnections ?? 2)
  const session = () => createSession(server, maxConnections)
  return {
    kind: 'smtp',
    session,
    async send(message) {
      const one = session()
      try {
        return await one.send(message)
      } finally {
        await one.close()
      }
    },
  }
}

/**
 * smtp:// upgrades with STARTTLS when the server offers it; smtps:// is TLS from the first byte.
 * worker-mailer refuses a server that offers AUTH when it has no credentials, even if the server
 * does not require them: local catch-all servers (MailHog…) take any user:pass in the URL.
 */
export function parseSmtpUrl(url: string, timeoutMs = 30_000): WorkerMailerOptions {
  const u = new URL(url)
  const secure = u.protocol === 'smtps:'
  if (!secure && u.protocol !== 'smtp:')
    throw new Error('SMTP_URL must start with smtp:// or smtps://')
  // Non-special schemes keep IPv6 brackets in the host name; connect() wants the bare address.
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1')
  if (!host) throw new Error('SMTP_URL has no host')
  const options: WorkerMailerOptions = {
    host,
    port: u.port ? Number(u.port) : secure ? 465 : 587,
    secure,
    startTls: !secure,
    // Errors come back to the dispatcher as outcomes; worker-mailer's own logging would only add
    // noise, and at DEBUG it prints the AUTH exchange.
    logLevel: 4, // LogLevel.NONE
    socketTimeoutMs: timeoutMs,
  }
  if (u.username || u.password) {
    options.credentials = { username: decode(u.username), password: decode(u.password) }
    // CRAM-MD5 needs HMAC-MD5, which Workers' WebCrypto does not offer.
    options.authType = ['plain', 'login']
  }
  return options
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part)
  } catch {
    return part
  }
}

// --- sessions: a few connections, reused across sends ---

interface Attempt {
  outcome: SendOutcome
  /** The connection cannot be trusted with another message (closed, timed out, 421). */
  broken: boolean
}

function createSession(server: WorkerMailerOptions, maxConnections: number): SmtpSession {
  const idle: WorkerMailer[] = []
  const waiting: (() => void)[] = []
  let busy = 0
  let closed = false

  const acquire = async () => {
    while (busy >= maxConnections) await new Promise<void>((resolve) => waiting.push(resolve))
    busy++
  }
  const release = () => {
    busy--
    waiting.shift()?.()
  }

  const open = async (): Promise<{ conn: WorkerMailer } | { failed: SendOutcome }> => {
    try {
      const { WorkerMailer } = await loadWorkerMailer()
      return { conn: await WorkerMailer.connect(server) }
    } catch (error) {
      return { failed: failure(error, 'connect') }
    }
  }

  return {
    kind: 'smtp',
    async send(message) {
      const email = toEmail(message)
      if ('ok' in email) return email
      await acquire()
      try {
        const reused = idle.pop()
        let opened = reused ? { conn: reused } : await open()
        if ('failed' in opened) return opened.failed
        let conn = opened.conn
        let attempt = await deliver(conn, email, server.socketTimeoutMs ?? 30_000)
        if (attempt.broken && reused) {
          // The server dropped a connection we kept (idle timeout, restart): one fresh try.
          void quit(conn)
          opened = await open()
          if ('failed' in opened) return opened.failed
          conn = opened.conn
          attempt = await deliver(conn, email, server.socketTimeoutMs ?? 30_000)
        }
        if (attempt.broken || closed) void quit(conn)
        else idle.push(conn)
        return attempt.outcome
      } finally {
        release()
      }
    },
    async close() {
      closed = true
      await Promise.all(idle.splice(0).map(quit))
    },
  }
}

async function deliver(
  conn: WorkerMailer,
  email: EmailOptions,
  timeoutMs: number,
): Promise<Attempt> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const deadline = new Promise<never>((_, reject) => {
    // worker-mailer times each reply; this also bounds a write the server never takes.
    timer = setTimeout(
      () => reject(new Error(`no answer within ${timeoutMs / 1000}s`)),
      2 * timeoutMs,
    )
  })
  try {
    await Promise.race([conn.send(email), deadline])
    return { outcome: { ok: true }, broken: false }
  } catch (error) {
    const code = replyCode(error)
    return { outcome: failure(error, 'send'), broken: code === null || code === 421 }
  } finally {
    clearTimeout(timer)
  }
}

/** QUIT, without waiting long: on a connection the server already dropped it never finishes. */
async function quit(conn: WorkerMailer): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined
  await Promise.race([
    conn.close().catch(() => undefined),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, 2_000))),
  ])
  clearTimeout(timer)
}

// --- errors ---

/** worker-mailer throws plain Errors quoting the reply: "Invalid RCPT TO: <a@b> 550 …". */
export function replyCode(error: unknown): number | null {
  const text = error instanceof Error ? error.message : String(error)
  // Addresses are dropped first: a quoted local part could hold anything.
  const m = /(?:^|\s)([2-5]\d\d)(?=[\s-]|$)/.exec(text.replace(/<[^>]*>/g, ' '))
  return m ? Number(m[1]) : null
}

// The server wants (other) authentication: a matter of our configuration, never of the address.
const AUTH_REPLIES = new Set([530, 534, 535, 538])

export function failure(error: unknown, phase: 'connect' | 'send'): SendOutcome {
  const code = replyCode(error)
  const text = error instanceof Error ? error.message : String(error)
  const reason = oneLine(
    (phase === 'connect'
      ? 'SMTP connection failed: '
      : code !== null
        ? `SMTP ${code}: `
        : 'SMTP: ') + text,
  )
  const permanent = phase === 'send' && code !== null && code >= 500 && !AUTH_REPLIES.has(code)
  return { ok: false, permanent, reason }
}

function oneLine(text: string): string {
  // Never echo credentials from a connection URL into a delivery's recorded error.
  return text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\/\/[^@\s]*@/g, '//***@')
    .slice(0, 300)
}

// --- messages ---

const ENVELOPE_ADDRESS = /^[^\s<>@]+@[^\s<>@]+$/
const HEADER_NAME = /^[!-9;-~]+$/

/** The worker-mailer form of a message, or why it cannot be sent at all. */
export function toEmail(m: MailMessage): EmailOptions | SendOutcome {
  const from = parseMailbox(m.from)
  const to = parseMailbox(m.to)
  const replyTo = m.replyTo ? parseMailbox(m.replyTo) : null
  // MAIL FROM / RCPT TO carry these verbatim: anything else could inject SMTP commands.
  for (const box of replyTo ? [from, to, replyTo] : [from, to]) {
    if (!ENVELOPE_ADDRESS.test(box.email))
      return {
        ok: false,
        permanent: true,
        reason: `not a deliverable address: ${oneLine(box.email).slice(0, 100)}`,
      }
  }
  if (!m.text && !m.html) return { ok: false, permanent: true, reason: 'the message has no body' }
  // worker-mailer writes headers as given (no folding, no encoding) and keeps any it would set
  // itself: From, To, Reply-To, Subject and Message-ID are ours, so display names are encoded.
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(m.headers)) {
    if (HEADER_NAME.test(name)) headers[name] = value.replace(/[\r\n]+/g, ' ')
  }
  headers.From = formatMailbox(from)
  headers.To = formatMailbox(to)
  if (replyTo) headers['Reply-To'] = formatMailbox(replyTo)
  headers.Subject = encodeText(m.subject.replace(/[\r\n]+/g, ' '))
  headers['Message-ID'] = m.messageId.replace(/[\r\n\s]+/g, '')
  return {
    from: { email: from.email },
    to: { email: to.email },
    subject: m.subject,
    ...(m.text ? { text: m.text } : {}),
    ...(m.html ? { html: m.html } : {}),
    headers,
  }
}

interface Mailbox {
  name: string
  email: string
}

/** "Name <a@b>", "\"Name\" <a@b>" or "a@b". */
export function parseMailbox(text: string): Mailbox {
  const m = /^(.*)<([^<>]*)>\s*$/.exec(text.trim())
  if (!m) return { name: '', email: text.trim() }
  const name = m[1]!
    .trim()
    .replace(/^"(.*)"$/, '$1')
    .replace(/\\(.)/g, '$1')
  return { name, email: m[2]!.trim() }
}

function formatMailbox(box: Mailbox): string {
  if (!box.name) return box.email
  const name = /^[\x20-\x7e]*$/.test(box.name)
    ? `"${box.name.replace(/[\\"]/g, '\\$&')}"`
    : encodeText(box.name)
  return `${name} <${box.email}>`
}

const utf8 = new TextEncoder()

/** Printable ASCII as is; anything else as RFC 2047 encoded words of at most 75 characters. */
export function encodeText(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text) && !text.includes('=?')) return text
  const words: string[] = []
  let chunk = ''
  for (const ch of text) {
    if (chunk && utf8.encode(chunk + ch).length > 45) {
      words.push(encodedWord(chunk))
      chunk = ''
    }
    chunk += ch
  }
  if (chunk) words.push(encodedWord(chunk))
  // Folded: each word on its own line keeps every header line short.
  return words.join('\r\n ')
}

function encodedWord(text: string): string {
  let binary = ''
  for (const byte of utf8.encode(text)) binary += String.fromCharCode(byte)
  return `=?UTF-8?B?${btoa(binary)}?=`
}

// --- loading worker-mailer ---

let loading: Promise<typeof import('worker-mailer')> | undefined

// On first use: worker-mailer imports cloudflare:sockets, which exists only in workerd, and Node
// tests import the Worker's modules (test/runtime) without ever sending mail.
function loadWorkerMailer() {
  return (loading ??= import('worker-mailer').then((m) => {
    patchRead(m.WorkerMailer)
    return m
  }))
}

// worker-mailer 1.2.1's reply reader loops on `if (!value) continue` and never checks `done`: once
// the server closes the connection without a reply (a restart, an idle timeout that sends
// nothing), each read returns at once and the loop spins forever, starving the timers meant to end
// it. Replaced with the same reader plus an end-of-stream check.
function patchRead(mailer: typeof WorkerMailer) {
  const proto = mailer.prototype as unknown as {
    read?: (this: { reader: ReadableStreamDefaultReader<Uint8Array> }) => Promise<string>
  }
  if (typeof proto.read !== 'function') return
  proto.read = async function read() {
    const decoder = new TextDecoder()
    let text = ''
    for (;;) {
      const { value, done } = await this.reader.read()
      if (done) throw new Error('the SMTP server closed the connection')
      if (!value) continue
      text += decoder.decode(value, { stream: true })
      if (!text.endsWith('\n')) continue
      // A multi-line reply ends with a line "250 …" (no dash after the code).
      const lines = text.split(/\r?\n/)
      if (!/^\d{3}-/.test(lines[lines.length - 2] ?? '')) return text
    }
  }
}
