import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns'
import { Worker } from 'node:worker_threads'
import type { HttpAttempt, HttpRequestSpec, HttpSender } from '../../app/ports.ts'
import { checkAddress, checkUrl, ipVersion } from './address-policy.ts'

// Outbound webhook POSTs on Node, SSRF-guarded: the host is resolved once, every address is
// checked, and the socket may only connect to those checked addresses (a pinned `lookup`), so a
// DNS answer that changes between check and connect (rebinding) cannot reach a private address.
// TLS still verifies against the original host name (SNI and certificate check use `servername`).
//
// The checks run here; the HTTP exchange runs on a thread of its own. Writing and parsing HTTP is
// most of a webhook's CPU (about 0.15 ms of 0.42 ms per delivery in the session-9 fan-out on a
// slow machine); on the main thread it competed with the dispatcher's database work and with the
// page. Requests cross in batches (one message per turn of the event loop or per 16 requests,
// each way), so the hop costs a few microseconds per request. The thread only ever receives
// addresses that passed the checks: it connects to them and to nothing else.

/** dns.lookup's `all: true` form; tests inject one to play DNS tricks. */
export type ResolveAll = (
  hostname: string,
  options: LookupAllOptions,
  callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void

export interface NodeHttpSenderOptions {
  /** WEBHOOK_ALLOWED_HOSTS: exempt from the address checks (see hostAllowed). */
  allowedHosts: readonly string[]
  lookup?: ResolveAll
  /** Response bytes read (and discarded) before the connection is dropped. */
  maxBodyBytes?: number
  /** Extra trusted CA certificates (PEM) for https targets; the system roots otherwise. */
  ca?: string | string[]
}

export interface NodeHttpSender extends HttpSender {
  /** Closes the keep-alive connections and stops the thread; sends in flight report an error. */
  close(): Promise<void>
}

// Requests are handed over at the end of each turn of the event loop, or as soon as this many are
// waiting, so the thread starts on a large batch before the main thread has finished queueing it.
// (1, 4 and 16 measured alike in the fan-out benchmark; fewer messages cost less.)
const FLUSH_AT = 16

// Caller headers that would contradict the request we actually send.
const OWN_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection'])

/** One checked request, as it crosses to the thread. */
interface Outbound {
  id: number
  https: boolean
  host: string
  port: number
  path: string
  headers: Record<string, string>
  body: string
  addresses: LookupAddress[]
  /** What is left of the deadline, and the deadline as the caller gave it (for the message). */
  timeoutMs: number
  deadlineMs: number
  servername?: string
}

// The thread: batches of Outbound in, flat [id, attempt, id, attempt, …] batches out, 'close' to
// stop. Plain JavaScript (it runs from a string, as the mail thread does), so it is kept small:
// the request, its one deadline, the bounded read of the answer, and the error text.
const HTTP_THREAD = `
const { parentPort, workerData } = require('node:worker_threads')
const http = require('node:http')
const https = require('node:https')
// Pooled sockets were connected to checked addresses, so keep-alive keeps the pinning.
const agents = {
  http: new http.Agent({ keepAlive: true }),
  https: new https.Agent(Object.assign({ keepAlive: true }, workerData.ca ? { ca: workerData.ca } : {})),
}
const maxBodyBytes = workerData.maxBodyBytes
let out = []
const flush = () => {
  if (out.length === 0) return
  const batch = out
  out = []
  parentPort.postMessage(batch)
}
const reply = (id, attempt) => {
  if (out.length === 0) setImmediate(flush)
  out.push(id, attempt)
  if (out.length >= 2 * workerData.flushAt) flush()
}
// Node's network and TLS messages name the code and the address, never the path or headers.
const describeError = (err) => {
  if (!(err instanceof Error)) return 'request failed'
  const message = err.message.slice(0, 200)
  return err.code && !message.includes(err.code) ? err.code + ': ' + message : message
}
const send = (r) => {
  let done = false
  let req
  let response
  const finish = (attempt) => {
    if (done) return
    done = true
    clearTimeout(timer)
    reply(r.id, attempt)
  }
  // One deadline for connect, TLS, headers and body. Once a status has arrived a stalled body
  // does not turn the answer into a timeout.
  const timer = setTimeout(() => {
    const seconds = String(Number((r.deadlineMs / 1000).toFixed(3)))
    finish(response || { kind: 'error', reason: 'timeout after ' + seconds + 's' })
    if (req) req.destroy()
  }, r.timeoutMs)
  const addresses = r.addresses
  const options = {
    method: 'POST',
    host: r.host,
    port: r.port,
    path: r.path,
    headers: r.headers,
    lookup: (_host, options, callback) => {
      if (options.all) callback(null, addresses)
      else callback(null, addresses[0].address, addresses[0].family)
    },
    agent: r.https ? agents.https : agents.http,
  }
  if (r.servername !== undefined) options.servername = r.servername
  try {
    req = (r.https ? https : http).request(options)
  } catch (e) {
    // Invalid header names or values throw before anything is sent.
    return finish({ kind: 'error', reason: describeError(e) })
  }
  req.on('response', (res) => {
    const retryAfter = res.headers['retry-after']
    response = {
      kind: 'response',
      status: res.statusCode || 0,
      retryAfter: (Array.isArray(retryAfter) ? retryAfter[0] : retryAfter) ?? null,
    }
    const answer = response
    let read = 0
    res.on('data', (chunk) => {
      read += chunk.length
      if (read > maxBodyBytes) {
        finish(answer)
        res.destroy()
      }
    })
    res.on('end', () => finish(answer))
    res.on('error', () => finish(answer))
    res.on('close', () => finish(answer))
  })
  req.on('error', (e) => finish(response || { kind: 'error', reason: describeError(e) }))
  req.end(r.body)
}
parentPort.on('message', (batch) => {
  if (batch === 'close') {
    agents.http.destroy()
    agents.https.destroy()
    parentPort.close()
    return
  }
  for (const r of batch) send(r)
})
`

export function createNodeHttpSender(opts: NodeHttpSenderOptions): NodeHttpSender {
  const resolveAll: ResolveAll = opts.lookup ?? dnsLookup
  const maxBodyBytes = opts.maxBodyBytes ?? 64 * 1024
  let worker: Worker | null = null
  let next = 0
  const pending = new Map<number, (attempt: HttpAttempt) => void>()
  let outbox: Outbound[] = []

  // Sends in flight when the thread stops are retried later (same webhook-id), never lost.
  const stopped = (w: Worker, reason: string) => {
    if (worker !== w) return
    worker = null
    outbox = []
    for (const settle of pending.values()) settle({ kind: 'error', reason })
    pending.clear()
  }
  const start = () => {
    const w = new Worker(HTTP_THREAD, {
      eval: true,
      workerData: { maxBodyBytes, ca: opts.ca ?? null, flushAt: FLUSH_AT },
    })
    w.on('message', (batch: (number | HttpAttempt)[]) => {
      for (let i = 0; i < batch.length; i += 2) {
        const id = batch[i] as number
        const settle = pending.get(id)
        pending.delete(id)
        settle?.(batch[i + 1] as HttpAttempt)
      }
      // An idle sender must not keep the process alive (CLI commands, tests).
      if (pending.size === 0 && worker === w) w.unref()
    })
    w.on('error', (error) => stopped(w, `webhook thread failed: ${String(error).slice(0, 200)}`))
    w.on('exit', (code) => stopped(w, `webhook thread exited with code ${code}`))
    return w
  }
  const flush = () => {
    const batch = outbox
    outbox = []
    if (batch.length && worker) worker.postMessage(batch)
  }
  const dispatch = (request: Omit<Outbound, 'id'>): Promise<HttpAttempt> => {
    worker ??= start()
    const w = worker
    const id = ++next
    return new Promise<HttpAttempt>((resolve) => {
      pending.set(id, resolve)
      w.ref()
      if (outbox.length === 0) setImmediate(flush)
      outbox.push({ id, ...request })
      if (outbox.length >= FLUSH_AT) flush()
    })
  }

  async function post(rawUrl: string, request: HttpRequestSpec): Promise<HttpAttempt> {
    const target = checkUrl(rawUrl, opts.allowedHosts)
    if (!target.ok) return { kind: 'refused', reason: target.reason }
    const { url, hostname, port, allowlisted } = target
    const startedAt = performance.now()

    const resolved = await resolveWithin(hostname, resolveAll, request.timeoutMs)
    if ('timeout' in resolved) {
      return { kind: 'error', reason: `timeout after ${seconds(request.timeoutMs)}s` }
    }
    if ('error' in resolved) return { kind: 'error', reason: describeError(resolved.error) }
    const addresses = resolved.addresses
    if (addresses.length === 0) return { kind: 'error', reason: `${hostname} has no addresses` }
    if (!allowlisted) {
      for (const { address } of addresses) {
        const check = checkAddress(address)
        if (!check.allowed) {
          const reason =
            address === hostname ? check.reason : `${hostname} resolves to ${check.reason}`
          return { kind: 'refused', reason }
        }
      }
    }

    const headers: Record<string, string> = {}
    for (const name in request.headers) {
      if (!OWN_HEADERS.has(name.toLowerCase())) headers[name] = request.headers[name]!
    }
    headers['host'] = url.host
    headers['content-length'] = String(Buffer.byteLength(request.body))
    const isHttps = url.protocol === 'https:'
    return dispatch({
      https: isHttps,
      host: hostname,
      port,
      path: `${url.pathname}${url.search}`,
      headers,
      body: request.body,
      addresses,
      timeoutMs: Math.max(1, request.timeoutMs - (performance.now() - startedAt)),
      deadlineMs: request.timeoutMs,
      // SNI may not carry an IP literal (RFC 6066).
      ...(isHttps && ipVersion(hostname) === 0 ? { servername: hostname } : {}),
    })
  }

  return {
    post,
    async close() {
      const w = worker
      if (!w) return
      worker = null
      outbox = []
      const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()))
      w.ref()
      w.postMessage('close')
      // Idle keep-alive sockets close at once; a send still in flight gets a moment.
      const timer = setTimeout(() => void w.terminate(), 2_000)
      await exited
      clearTimeout(timer)
      for (const settle of pending.values())
        settle({ kind: 'error', reason: 'sender closed before the request finished' })
      pending.clear()
    },
  }
}

type Resolved =
  { addresses: LookupAddress[] } | { error: NodeJS.ErrnoException } | { timeout: true }

/** An IP literal needs no lookup; a name is resolved within the request's deadline. */
function resolveWithin(
  hostname: string,
  resolveAll: ResolveAll,
  timeoutMs: number,
): Resolved | Promise<Resolved> {
  const family = ipVersion(hostname)
  if (family !== 0) return { addresses: [{ address: hostname, family }] }
  return new Promise<Resolved>((resolve) => {
    let done = false
    const finish = (r: Resolved) => {
      if (done) return
      done = true
      clearTimeout(timer)
      resolve(r)
    }
    const timer = setTimeout(() => finish({ timeout: true }), timeoutMs)
    try {
      resolveAll(hostname, { all: true, verbatim: true }, (err, addresses) =>
        finish(err ? { error: err } : { addresses }),
      )
    } catch (err) {
      finish({ error: err as NodeJS.ErrnoException })
    }
  })
}

function seconds(ms: number): string {
  return String(Number((ms / 1000).toFixed(3)))
}

// Node's resolver messages name the code and the host, never the path or headers.
function describeError(err: unknown): string {
  if (!(err instanceof Error)) return 'request failed'
  const code = (err as NodeJS.ErrnoException).code
  const message = err.message.slice(0, 200)
  return code && !message.includes(code) ? `${code}: ${message}` : message
}
