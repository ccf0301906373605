import type { Context, MiddlewareHandler } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import type { Actor } from '../../app/actor.ts'
import { consoleActor } from '../../app/sign-in.ts'
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

// The origins this console is reached at: the request's own, BASE_URL's, and behind a trusted
// proxy the one the proxy forwarded.
function ownOrigins(c: Context<AppEnv>): string[] {
  const url = new URL(c.req.url)
  const origins = [url.origin]
  const base = c.var.deps.config.BASE_URL
  if (base) origins.push(new URL(base).origin)
  if (c.var.deps.config.TRUST_PROXY) {
    const proto = c.req.header('X-Forwarded-Proto')?.split(',')[0]?.trim()
    const host = c.req.header('X-Forwarded-Host')?.split(',')[0]?.trim() ?? c.req.header('Host')
    if (proto && host) origins.push(`${proto}://${host}`)
  }
  return origins
}

/**
 * CSRF on every console mutation: the request must come from our own origin (when the browser
 * says) and echo the token, as the `_csrf` form field or the X-CSRF-Token header (htmx).
 */
export const csrfProtect: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (SAFE_METHODS.has(c.req.method)) return next()
  const origin = c.req.header('Origin')
  // Browsers that omit Origin (or send "null" under strict referrer policies) still say where a
  // request came from in Sec-Fetch-Site; the token below is the guard that never relies on either.
  const crossSite =
    origin && origin !== 'null'
      ? !ownOrigins(c).includes(origin)
      : c.req.header('Sec-Fetch-Site') === 'cross-site'
  if (crossSite) throw new AppError('FORBIDDEN', 'Cross-origin form submissions are not accepted')
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
    throw new AppError(
      'FORBIDDEN',
      'The form expired or did not come from this site; reload the page and try again',
    )
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
        const url = new URL(c.req.url)
        return c.redirect(`/console/login?next=${encodeURIComponent(url.pathname + url.search)}`)
      }
      throw new AppError('UNAUTHORIZED', 'Sign in to continue')
    }
    if (roles.length && !roles.includes(user.role))
      throw new AppError(
        'FORBIDDEN',
        `This needs the ${roles.join(' or ')} role; you are ${user.role}`,
      )
    await next()
  }
}

/** The signed-in user as the use cases see them (call after requireUser). */
export function currentActor(c: Context<AppEnv>): Actor {
  const user = c.var.user
  if (!user) throw new AppError('UNAUTHORIZED', 'Sign in to continue')
  return consoleActor(user)
}
