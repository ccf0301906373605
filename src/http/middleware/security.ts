import type { MiddlewareHandler } from 'hono'
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

// Set before the handler runs: Hono merges them into the response the handler creates. Setting them
// afterwards rewrites a finished Response, which on @hono/node-server costs a full body copy.
export const securityHeaders: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.header('Content-Security-Policy', CSP)
  c.header('X-Content-Type-Options', 'nosniff')
  c.header('Referrer-Policy', 'strict-origin-when-cross-origin')
  c.header('X-Frame-Options', 'SAMEORIGIN')
  if (c.var.deps.config.BASE_URL?.startsWith('https://'))
    c.header('Strict-Transport-Security', 'max-age=31536000')
  await next()
}
