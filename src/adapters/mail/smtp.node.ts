import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import type { MailMessage, Mailer, SendOutcome } from '../../app/ports.ts'

// Pooled SMTP through nodemailer, on a thread of its own. Building each MIME message (quoted-
// printable text and HTML, headers, boundaries) and streaming it is most of a mail's CPU: about
// three quarters of the fan-out's per-mail work in the session-7 profile (BENCHMARKS.md). On the
// main thread it competed with the page, the console and the dispatcher's own database work; on its
// own thread it runs beside them, on another core when there is one.
//
// A 5xx reply to the recipient or the message is permanent (the address is refused); connection
// failures, timeouts, 4xx replies and a mail thread that stopped are worth retrying.

export interface SmtpOptions {
  maxConnections?: number
}

/** nodemailer's transport options: the same on the thread as they were in-process. */
function transportOptions(url: string, opts: SmtpOptions) {
  return {
    url,
    pool: true,
    maxConnections: opts.maxConnections ?? 5,
    maxMessages: Infinity,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
  }
}

// The thread: messages in ({id, mail} or {close}), outcomes out ({id} or {id, error}). An error
// crosses as the three fields classify() reads; nodemailer's error objects do not clone whole.
const MAIL_THREAD = `
const { parentPort, workerData } = require('node:worker_threads')
const nodemailer = require(workerData.nodemailer)
const transport = nodemailer.createTransport(workerData.options)
parentPort.on('message', (m) => {
  if (m.close) {
    transport.close()
    parentPort.close()
    return
  }
  transport.sendMail(m.mail).then(
    () => parentPort.postMessage({ id: m.id }),
    (e) =>
      parentPort.postMessage({
        id: m.id,
        error: {
          responseCode: typeof e?.responseCode === 'number' ? e.responseCode : undefined,
          code: typeof e?.code === 'string' ? e.code : undefined,
          message: String(e?.message ?? e),
        },
      }),
  )
})
`

interface ThreadReply {
  id: number
  error?: { responseCode?: number; code?: string; message: string }
}

export function createSmtpMailer(url: string, opts: SmtpOptions = {}): Mailer {
  const nodemailerPath = createRequire(import.meta.url).resolve('nodemailer')
  let worker: Worker | null = null
  let next = 0
  const pending = new Map<number, (outcome: SendOutcome) => void>()

  // Sends in flight when the thread stops are retried later (same Message-ID), never lost.
  const stopped = (w: Worker, reason: string) => {
    if (worker !== w) return
    worker = null
    for (const settle of pending.values()) settle({ ok: false, permanent: false, reason })
    pending.clear()
  }
  const start = () => {
    const w = new Worker(MAIL_THREAD, {
      eval: true,
      workerData: { nodemailer: nodemailerPath, options: transportOptions(url, opts) },
    })
    w.on('message', (reply: ThreadReply) => {
      const settle = pending.get(reply.id)
      pending.delete(reply.id)
      // An idle mailer must not keep the process alive (CLI commands, tests); one that is
      // closing stays referenced until its thread has exited.
      if (pending.size === 0 && worker === w) w.unref()
      settle?.(reply.error ? classify(reply.error) : { ok: true })
    })
    w.on('error', (error) => stopped(w, `mail thread failed: ${oneLine(String(error))}`))
    w.on('exit', (code) => stopped(w, `mail thread exited with code ${code}`))
    return w
  }

  return {
    kind: 'smtp',
    send(m: MailMessage): Promise<SendOutcome> {
      worker ??= start()
      const w = worker
      const id = ++next
      const mail = {
        from: m.from,
        to: m.to,
        ...(m.replyTo ? { replyTo: m.replyTo } : {}),
        subject: m.subject,
        text: m.text,
        html: m.html,
        messageId: m.messageId,
        headers: m.headers,
      }
      return new Promise<SendOutcome>((resolve) => {
        pending.set(id, resolve)
        w.ref()
        w.postMessage({ id, mail })
      })
    },
    async close() {
      const w = worker
      if (!w) return
      worker = null
      const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()))
      w.postMessage({ close: true })
      w.ref()
      // nodemailer closes idle pooled connections at once; one stuck mid-send gets a moment.
      const timer = setTimeout(() => void w.terminate(), 2_000)
      await exited
      clearTimeout(timer)
      for (const settle of pending.values())
        settle({ ok: false, permanent: false, reason: 'mailer closed before the send finished' })
      pending.clear()
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
