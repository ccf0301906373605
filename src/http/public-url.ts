import type { Context } from 'hono'
import type { AppEnv } from './env.ts'

// Feeds and the Statuspage API must name the page by an absolute address: the one set in the
// console (settings.pageUrl), else BASE_URL, else the address the request came in at.

function httpUrl(text: string | null | undefined): string | null {
  if (!text) return null
  try {
    const url = new URL(text)
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null
    return `${url.origin}${url.pathname}`.replace(/\/+$/, '')
  } catch {
    return null
  }
}

function requestOrigin(c: Context<AppEnv>): string {
  return new URL(c.req.url).origin
}

/** The page's absolute address without a trailing slash. */
export function publicBaseUrl(c: Context<AppEnv>, pageUrl: string | null): string {
  return httpUrl(pageUrl) ?? httpUrl(c.get('deps').config.BASE_URL) ?? requestOrigin(c)
}

/**
 * The part of a cache key that the page's address may depend on. With BASE_URL set it is empty;
 * without it the answer may name the request's own origin, which must then be in the key, or one
 * Host header would decide the links everyone else is served. (Set BASE_URL in production.)
 */
export function originKey(c: Context<AppEnv>): string {
  return c.get('deps').config.BASE_URL ? '' : `|${requestOrigin(c)}`
}
