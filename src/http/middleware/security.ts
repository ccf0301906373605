import type { MiddlewareHandler } from 'hono'
import type { Config } from '../../config.ts'
import type { AppEnv } from '../env.ts'

// Strict CSP: no inline scripts or styles anywhere, so a payload that slips through escaping still
// cannot run. htmx is configured by a <meta> tag (no eval, no inline indicator styles).
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: https:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'self'",
].join('; ')

const cache = new WeakMap<Config, Readonly<Record<string, string>>>()

/** The security headers every response carries (HSTS only when the page is served over HTTPS). */
export function securityHeadersFor(config: Config): Readonly<Record<string, string>> {
  let headers = cache.get(config)
  if (!headers) {
    headers = {
      'Content-Security-Policy': CSP,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'strict-origin-when-cross-origin',
      'X-Frame-Options': 'SAMEORIGIN',
      ...(config.BASE_URL?.startsWith('https://')
        ? { 'Strict-Transport-Security': 'max-age=31536000' }
        : {}),
    }
    cache.set(config, headers)
  }
  return headers
}

// Responses that already carry the headers. Even reading `res.headers` turns @hono/node-server's
// lightweight response into a full one, so the hot path is recognised without touching it.
const withHeaders = new WeakSet<Response>()

/** Marks a response built with securityHeadersFor(): the middleware leaves it alone. */
export function markSecured(res: Response): Response {
  withHeaders.add(res)
  return res
}

/** Whether markSecured() built this response (cachedPage answers are). */
export function isSecured(res: Response): boolean {
  return withHeaders.has(res)
}

// The hot public routes (cached pages) put these headers into the response they build, which keeps
// @hono/node-server on its fast path; every other response gets them here, after the handler.
export const securityHeaders: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next()
  if (withHeaders.has(c.res)) return
  for (const [name, value] of Object.entries(securityHeadersFor(c.var.deps.config)))
    c.res.headers.set(name, value)
}
