import type { HttpAttempt, HttpRequestSpec, HttpSender } from '../../app/ports.ts'
import { checkHostName, checkUrl } from './address-policy.ts'

// Outbound webhook POSTs with fetch (Cloudflare Workers). A Worker cannot resolve a name and then
// pin the address, so the guard here checks what it can see: the scheme, literal IP hosts, and
// local-only or single-label names. What a public name resolves to is left to Cloudflare's edge,
// which itself refuses to fetch private, loopback and link-local destinations.

export interface FetchHttpSenderOptions {
  /** WEBHOOK_ALLOWED_HOSTS: exempt from the host checks (see hostAllowed). */
  allowedHosts: readonly string[]
  /** Response bytes read (and discarded) before the body is cancelled. */
  maxBodyBytes?: number
}

const OWN_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection'])

export function createFetchHttpSender(opts: FetchHttpSenderOptions): HttpSender {
  const maxBodyBytes = opts.maxBodyBytes ?? 64 * 1024

  async function post(rawUrl: string, request: HttpRequestSpec): Promise<HttpAttempt> {
    const target = checkUrl(rawUrl, opts.allowedHosts)
    if (!target.ok) return { kind: 'refused', reason: target.reason }
    if (!target.allowlisted) {
      const check = checkHostName(target.hostname)
      if (!check.allowed) return { kind: 'refused', reason: check.reason }
    }

    const headers = new Headers()
    try {
      for (const [name, value] of Object.entries(request.headers)) {
        if (!OWN_HEADERS.has(name.toLowerCase())) headers.set(name, value)
      }
    } catch {
      // The TypeError would quote the value, which may be a secret.
      return { kind: 'error', reason: 'a request header has an invalid name or value' }
    }
    // One deadline for connect, headers and body.
    const signal = AbortSignal.timeout(request.timeoutMs)
    let res: Response
    try {
      res = await fetch(target.url, {
        method: 'POST',
        headers,
        body: request.body,
        redirect: 'manual',
        signal,
      })
    } catch (err) {
      if (signal.aborted) {
        return { kind: 'error', reason: `timeout after ${seconds(request.timeoutMs)}s` }
      }
      return { kind: 'error', reason: describeError(err) }
    }
    const attempt: HttpAttempt = {
      kind: 'response',
      status: res.status,
      retryAfter: res.headers.get('retry-after'),
    }
    await drain(res, maxBodyBytes)
    return attempt
  }

  return { post }
}

/** Reads up to `limit` bytes so the connection can be reused, then gives up on the rest. */
async function drain(res: Response, limit: number): Promise<void> {
  if (!res.body) return
  const reader = res.body.getReader()
  let read = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return
      read += value.byteLength
      if (read > limit) {
        await reader.cancel()
        return
      }
    }
  } catch {
    // A body cut short (or the deadline) does not change the status that arrived.
  }
}

function seconds(ms: number): string {
  return String(Number((ms / 1000).toFixed(3)))
}

// fetch errors name the failure; the cause (undici on Node) often holds the useful code.
function describeError(err: unknown): string {
  if (!(err instanceof Error)) return 'request failed'
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : ''
  return `${err.message}${cause}`.slice(0, 200)
}
