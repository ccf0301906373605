import type { Context, MiddlewareHandler } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { AppError } from '../../domain/errors.ts'
import type { Role } from '../../domain/enums.ts'
import type { AppEnv } from '../env.ts'

// Console sessions: an opaque random token in an HttpOnly SameSite=Lax cookie; the database keeps
// only its SHA-256, so a leaked database cannot be replayed as sessions. Over HTTPS the cookie is
// Secure with the __Host- prefix.

export const sessionCookieName = (secure: boolean) =>
  secure ? '__Host-herald_session' : 'herald_session'
export const csrfCookieName = (secure: boolean) => (secure ? '__Host-herald_csrf' : 'herald_csrf')

export function isSecureRequest(c: Context<AppEnv>): boolean {
  const { config } = c.var.deps
  if (config.BASE_URL?.startsWith('https://')) return true
  if (config.TRUST_PROXY && c.req.header('X-Forwarded-Proto') === 'https') return true
  return new URL(c.req.url).protocol === 'https:'
}

/** Client address for rate limits: X-Forwarded-For's first hop behind a trusted proxy, else the peer. */
export function clientAddress(c: Context<AppEnv>): string {
  if (c.var.deps.config.TRUST_PROXY) {
    const fwd = c.req.header('X-Forwarded-For')?.split(',')[0]?.trim()
    if (fwd) return fwd
  }
  return c.var.peerAddress
}

export function setSessionCookie(c: Context<AppEnv>, token: string, expiresAt: number) {
  setCookie(c, sessionCookieName(c.var.secure), token, {
    path: '/',
    httpOnly: true,
    sameSite: 'Lax',
    secure: c.var.secure,
    expires: new Date(expiresAt),
  })
}

export function clearSessionCookie(c: Context<AppEnv>) {
  deleteCookie(c, sessionCookieName(c.var.secure), { path: '/', secure: c.var.secure })
}

/** Loads the session (if any) and the CSRF token every console form must echo. */
export const loadSession: MiddlewareHandler<AppEnv> = async (c, next) => {
  const { store, secrets, clock } = c.var.deps
  const secure = isSecureRequest(c)
  c.set('secure', secure)
  c.set('user', null)
  c.set('session', null)
  const token = getCookie(c, sessionCookieName(secure))
  if (token) {
    const session = await store.getSession(await secrets.sha256(token))
    if (session && session.expiresAt > clock.now()) {
      const user = await store.getUser(session.userId)
      if (user) {
        c.set('session', session)
        c.set('user', user)
      }
    }
  }
  const session = c.get('session')
  if (session) {
    c.set('csrfToken', session.csrfToken)
  } else {
    // Before login there is no session to bind the token to: a double-submit cookie instead.
    let pre = getCookie(c, csrfCookieName(secure))
    if (!pre || !/^[A-Za-z0-9_-]{20,100}$/.test(pre)) {
      pre = secrets.token(24)
      setCookie(c, csrfCookieName(secure), pre, {
        path: '/',
        httpOnly: true,
        sameSite: 'Lax',
        secure,
      })
    }
    c.set('csrfToken', pre)
  }
  await next()
}

function sameToken(a: string, b: string): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return diff === 0
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * CSRF on every console mutation: the request must come from our own origin (when the browser
 * says) and echo the token, as the `_csrf` form field or the X-CSRF-Token header (htmx).
 */
export const csrfProtect: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (SAFE_METHODS.has(c.req.method)) return next()
  const origin = c.req.header('Origin')
  if (origin && origin !== 'null') {
    const own = new URL(c.req.url).origin
    const base = c.var.deps.config.BASE_URL
    if (origin !== own && (!base || origin !== new URL(base).origin))
      throw new AppError('FORBIDDEN', 'Cross-origin form submissions are not accepted')
  }
  let sent = c.req.header('X-CSRF-Token')
  if (!sent) {
    const type = c.req.header('Content-Type') ?? ''
    if (type.includes('form')) {
      const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>)
      const field = body['_csrf']
      if (typeof field === 'string') sent = field
    }
  }
  if (!sent || !sameToken(sent, c.var.csrfToken))
    throw new AppError('FORBIDDEN', 'The form expired or did not come from this site; reload the page and try again')
  await next()
}

/**
 * Requires a signed-in user, optionally with one of `roles`. Navigations without a session are
 * sent to the login (or first-run setup) page; other requests get 401.
 */
export function requireUser(...roles: Role[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const user = c.var.user
    if (!user) {
      if (c.req.method === 'GET' && c.req.header('HX-Request') !== 'true') {
        const users = await c.var.deps.store.countUsers()
        if (users === 0) return c.redirect('/console/setup')
        const back = new URL(c.req.url).pathname
        return c.redirect(`/console/login?next=${encodeURIComponent(back)}`)
      }
      throw new AppError('UNAUTHORIZED', 'Sign in to continue')
    }
    if (roles.length && !roles.includes(user.role))
      throw new AppError('FORBIDDEN', `This needs the ${roles.join(' or ')} role; you are ${user.role}`)
    await next()
  }
}
