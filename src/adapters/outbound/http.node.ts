import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns'
import http from 'node:http'
import https from 'node:https'
import type { LookupFunction } from 'node:net'
import type { HttpAttempt, HttpRequestSpec, HttpSender } from '../../app/ports.ts'
import { checkAddress, checkUrl, ipVersion } from './address-policy.ts'

// Outbound webhook POSTs on Node, SSRF-guarded: the host is resolved once, every address is
// checked, and the socket may only connect to those checked addresses (a pinned `lookup`), so a
// DNS answer that changes between check and connect (rebinding) cannot reach a private address.
// TLS still verifies against the original host name (SNI and certificate check use `servername`).

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
  /** Closes idle keep-alive connections. */
  close(): void
}

// Caller headers that would contradict the request we actually send.
const OWN_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection'])

export function createNodeHttpSender(opts: NodeHttpSenderOptions): NodeHttpSender {
  const resolveAll: ResolveAll = opts.lookup ?? dnsLookup
  const maxBodyBytes = opts.maxBodyBytes ?? 64 * 1024
  // Pooled sockets were connected to checked addresses, so keep-alive keeps the pinning.
  const agents = {
    'http:': new http.Agent({ keepAlive: true }),
    'https:': new https.Agent({ keepAlive: true, ...(opts.ca ? { ca: opts.ca } : {}) }),
  }

  async function post(rawUrl: string, request: HttpRequestSpec): Promise<HttpAttempt> {
    const target = checkUrl(rawUrl, opts.allowedHosts)
    if (!target.ok) return { kind: 'refused', reason: target.reason }
    const { url, hostname, port, allowlisted } = target

    return new Promise<HttpAttempt>((resolve) => {
      let done = false
      let req: http.ClientRequest | undefined
      let response: HttpAttempt | undefined
      const finish = (attempt: HttpAttempt) => {
        if (done) return
        done = true
        clearTimeout(timer)
        resolve(attempt)
      }
      // One deadline for lookup, connect, TLS, headers and body. Once a status has arrived a
      // stalled body does not turn the answer into a timeout.
      const timer = setTimeout(() => {
        finish(
          response ?? { kind: 'error', reason: `timeout after ${seconds(request.timeoutMs)}s` },
        )
        req?.destroy()
      }, request.timeoutMs)

      resolveHost(hostname, resolveAll, (err, addresses) => {
        if (done) return
        if (err) return finish({ kind: 'error', reason: describeError(err) })
        if (addresses.length === 0) {
          return finish({ kind: 'error', reason: `${hostname} has no addresses` })
        }
        if (!allowlisted) {
          for (const { address } of addresses) {
            const check = checkAddress(address)
            if (!check.allowed) {
              const reason =
                address === hostname ? check.reason : `${hostname} resolves to ${check.reason}`
              return finish({ kind: 'refused', reason })
            }
          }
        }

        const pinned: LookupFunction = (_host, options, callback) => {
          if (options.all) callback(null, addresses)
          else callback(null, addresses[0]!.address, addresses[0]!.family)
        }
        const headers: Record<string, string> = {}
        for (const [name, value] of Object.entries(request.headers)) {
          if (!OWN_HEADERS.has(name.toLowerCase())) headers[name] = value
        }
        headers['host'] = url.host
        headers['content-length'] = String(Buffer.byteLength(request.body))

        const isHttps = url.protocol === 'https:'
        const options: https.RequestOptions = {
          method: 'POST',
          host: hostname,
          port,
          path: `${url.pathname}${url.search}`,
          headers,
          lookup: pinned,
          agent: isHttps ? agents['https:'] : agents['http:'],
          // SNI may not carry an IP literal (RFC 6066).
          ...(isHttps && ipVersion(hostname) === 0 ? { servername: hostname } : {}),
        }
        try {
          req = (isHttps ? https : http).request(options)
        } catch (e) {
          // Invalid header names or values throw before anything is sent.
          return finish({ kind: 'error', reason: describeError(e) })
        }
        req.on('response', (res) => {
          response = {
            kind: 'response',
            status: res.statusCode ?? 0,
            retryAfter: headerValue(res.headers['retry-after']),
          }
          const answer = response
          let read = 0
          res.on('data', (chunk: Buffer) => {
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
        req.on('error', (e) => finish(response ?? { kind: 'error', reason: describeError(e) }))
        req.end(request.body)
      })
    })
  }

  return {
    post,
    close() {
      agents['http:'].destroy()
      agents['https:'].destroy()
    },
  }
}

function resolveHost(
  hostname: string,
  resolveAll: ResolveAll,
  callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
): void {
  const family = ipVersion(hostname)
  if (family !== 0) return callback(null, [{ address: hostname, family }])
  try {
    resolveAll(hostname, { all: true, verbatim: true }, callback)
  } catch (err) {
    callback(err as NodeJS.ErrnoException, [])
  }
}

function headerValue(value: string | string[] | undefined): string | null {
  if (value === undefined) return null
  return (Array.isArray(value) ? value[0] : value) ?? null
}

function seconds(ms: number): string {
  return String(Number((ms / 1000).toFixed(3)))
}

// Node's network and TLS messages name the code and the address, never the path or headers.
function describeError(err: unknown): string {
  if (!(err instanceof Error)) return 'request failed'
  const code = (err as NodeJS.ErrnoException).code
  const message = err.message.slice(0, 200)
  return code && !message.includes(code) ? `${code}: ${message}` : message
}
