import type { Context } from 'hono'
import type { Deps } from '../app/deps.ts'
import type { CachedPage, Compressor, PageCache } from '../app/ports.ts'
import type { AppEnv } from './env.ts'
import { markSecured, securityHeadersFor } from './middleware/security.ts'

/*
 * Public pages are rendered once and then served from deps.pageCache (DESIGN.md principle 1: the
 * page stays up when every customer refreshes at once). A hit costs one cache lookup, a header
 * parse and a Response: no store access, no hashing, no compression.
 *
 * Freshness: every committed write clears the cache (src/app/invalidating-store.ts), so the TTL
 * (PAGE_CACHE_SECONDS) only bounds time-dependent output such as today's uptime bar. Past the TTL
 * the old copy is still served for STALE_GRACE_MS while one background render replaces it.
 *
 * Cache-Control: `max-age=10` lets browsers and CDNs absorb a refresh storm while an update still
 * reaches everyone within seconds; `stale-while-revalidate=30` lets them show the page at once and
 * revalidate behind it, and revalidation is a cheap 304 thanks to the ETag.
 */
export const PUBLIC_CACHE_CONTROL = 'public, max-age=10, stale-while-revalidate=30'
export const HTML_TYPE = 'text/html; charset=UTF-8'
const STALE_GRACE_MS = 30_000

type Encoding = 'br' | 'gzip'
type Render = () => Promise<string> | string

export interface CacheOptions {
  contentType?: string
  /** Cache-Control sent with the answer (the admin API's reads use the cache but say no-store). */
  cacheControl?: string
}

// A rendering that read the store before a write must not be cached after it: the cache holds a
// generation marker, which every invalidation drops with everything else.
const GENERATION_KEY = '\u0000generation'
let generations = 0

// Concurrent misses for one page share one render, per cache and per generation.
const inflight = new WeakMap<PageCache, Map<string, Promise<CachedPage>>>()

/** Serves `key` from the page cache, rendering (once, however many requests wait) on a miss. */
export async function cachedPage(
  c: Context<AppEnv>,
  key: string,
  render: Render,
  opts: CacheOptions = {},
) {
  // c.get, not c.var: Hono's c.var builds a fresh object of every variable on each access.
  const deps = c.get('deps')
  const cacheControl = opts.cacheControl ?? PUBLIC_CACHE_CONTROL
  const contentType = opts.contentType ?? HTML_TYPE
  const hit = await deps.pageCache.get(key)
  if (hit) {
    const age = deps.clock.now() - hit.renderedAt
    const ttl = deps.config.PAGE_CACHE_SECONDS * 1000
    if (age < ttl) return serve(c, hit, cacheControl)
    if (ttl > 0 && age < ttl + STALE_GRACE_MS) {
      const refresh = renderShared(deps, key, render, contentType).catch((err: unknown) =>
        deps.log.warn('background page render failed', { key, error: String(err) }),
      )
      waitUntil(c, refresh)
      return serve(c, hit, cacheControl)
    }
  }
  return serve(c, await renderShared(deps, key, render, contentType), cacheControl)
}

// Concurrent misses share one marker lookup, or each would mint its own generation and render.
const generationLookups = new WeakMap<PageCache, Promise<string>>()

function currentGeneration(cache: PageCache): Promise<string> {
  let lookup = generationLookups.get(cache)
  if (!lookup) {
    lookup = readOrMintGeneration(cache).finally(() => generationLookups.delete(cache))
    generationLookups.set(cache, lookup)
  }
  return lookup
}

async function readOrMintGeneration(cache: PageCache): Promise<string> {
  const marker = await cache.get(GENERATION_KEY)
  if (marker) return marker.etag
  const generation = String(++generations)
  await cache.set(GENERATION_KEY, {
    etag: generation,
    contentType: '',
    body: new Uint8Array(0),
    renderedAt: 0,
  })
  return generation
}

async function renderShared(
  deps: Pick<Deps, 'pageCache' | 'compressor' | 'clock' | 'config'>,
  key: string,
  render: Render,
  contentType: string,
): Promise<CachedPage> {
  const cache = deps.pageCache
  const generation = await currentGeneration(cache)
  let flights = inflight.get(cache)
  if (!flights) inflight.set(cache, (flights = new Map()))
  const flightKey = `${generation}\n${key}`
  const running = flights.get(flightKey)
  if (running) return running

  const job = (async () => {
    const renderedAt = deps.clock.now()
    const html = await render()
    await yieldToEventLoop()
    const page = await buildCachedPage(html, contentType, deps.compressor, renderedAt)
    const marker = await cache.get(GENERATION_KEY)
    if (marker?.etag === generation && deps.config.PAGE_CACHE_SECONDS > 0) {
      await cache.set(key, page)
    }
    return page
  })()
  flights.set(flightKey, job)
  try {
    return await job
  } finally {
    flights.delete(flightKey)
  }
}

/** Body bytes, a strong ETag over them, and one precompressed variant per available encoding. */
export async function buildCachedPage(
  html: string,
  contentType: string,
  compressor: Compressor,
  renderedAt: number,
): Promise<CachedPage> {
  const body = new TextEncoder().encode(html)
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-1', body))
  let hex = ''
  for (const b of digest) hex += b.toString(16).padStart(2, '0')
  const page: CachedPage = { etag: `"${hex}"`, contentType, body, renderedAt }
  for (const encoding of compressor.encodings) {
    page[encoding] = await compressor.compress(body, encoding)
  }
  return page
}

/**
 * Lets waiting requests through between the synchronous stages of a render (a macrotask, not a
 * microtask: requests are I/O callbacks). Cached hits keep flowing while a page re-renders.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0))
}

function waitUntil(c: Context<AppEnv>, work: Promise<unknown>) {
  // Workers would cancel unawaited work once the response is sent; Node has no execution context.
  try {
    c.executionCtx.waitUntil(work)
  } catch {
    // No execution context: the promise simply runs on.
  }
}

// --- serving -------------------------------------------------------------------------------

interface Variant {
  etag: string
  body: Uint8Array
  encoding: Encoding | null
  /** Response headers per Cache-Control value: built once, reused by every hit. */
  headers?: Map<string, { ok: Record<string, string>; notModified: Record<string, string> }>
}

interface Prepared {
  hash: string
  identity: Variant
  br: Variant | null
  gzip: Variant | null
}

// Per-encoding ETags ("…-br", "…-gzip") because a strong validator must differ between content
// codings (RFC 9110 §8.8.3); computed once per cached page, not per request.
const prepared = new WeakMap<CachedPage, Prepared>()

function prepare(page: CachedPage): Prepared {
  let p = prepared.get(page)
  if (p) return p
  const hash = page.etag.replace(/^W\//, '').replace(/"/g, '')
  const variant = (encoding: Encoding): Variant | null => {
    const body = page[encoding]
    return body ? { etag: `"${hash}-${encoding}"`, body, encoding } : null
  }
  p = {
    hash,
    identity: { etag: page.etag, body: page.body, encoding: null },
    br: variant('br'),
    gzip: variant('gzip'),
  }
  prepared.set(page, p)
  return p
}

/** The header records of one variant, built on its first hit and shared by all later ones. */
function headersFor(c: Context<AppEnv>, page: CachedPage, variant: Variant, cacheControl: string) {
  variant.headers ??= new Map()
  let h = variant.headers.get(cacheControl)
  if (!h) {
    const notModified: Record<string, string> = {
      ...securityHeadersFor(c.get('deps').config),
      ETag: variant.etag,
      'Cache-Control': cacheControl,
      Vary: 'Accept-Encoding',
    }
    const ok: Record<string, string> = { ...notModified, 'Content-Type': page.contentType }
    if (variant.encoding) ok['Content-Encoding'] = variant.encoding
    h = { ok, notModified }
    variant.headers.set(cacheControl, h)
  }
  return h
}

function serve(c: Context<AppEnv>, page: CachedPage, cacheControl: string): Response {
  const p = prepare(page)
  const accepts = acceptedEncodings(c.req.header('Accept-Encoding'))
  const variant = (accepts.br && p.br) || (accepts.gzip && p.gzip) || p.identity
  const headers = headersFor(c, page, variant, cacheControl)
  const ifNoneMatch = c.req.header('If-None-Match')
  if (ifNoneMatch !== undefined && matchesAny(ifNoneMatch, p.hash)) {
    return markSecured(new Response(null, { status: 304, headers: headers.notModified }))
  }
  // A plain Response with a plain header record, shared by every hit of this variant (nothing
  // downstream writes to it): Hono's c.body() would copy the record into a Headers object, and
  // @hono/node-server writes a record straight to the socket.
  return markSecured(
    new Response(variant.body as Uint8Array<ArrayBuffer>, { status: 200, headers: headers.ok }),
  )
}

/** If-None-Match uses weak comparison; any coding of the same rendering is the same content. */
export function matchesAny(header: string, hash: string): boolean {
  for (const raw of header.split(',')) {
    const tag = raw.trim()
    if (tag === '*') return true
    const opaque = tag.replace(/^W\//, '').replace(/^"|"$/g, '')
    if (opaque === hash || opaque === `${hash}-br` || opaque === `${hash}-gzip`) return true
  }
  return false
}

interface Accepted {
  br: boolean
  gzip: boolean
}

const NONE: Accepted = { br: false, gzip: false }
// Browsers send a handful of distinct Accept-Encoding values; parse each one once.
const acceptCache = new Map<string, Accepted>()
const ACCEPT_CACHE_SIZE = 64

/** Which codings the client accepts: listed with q > 0, or covered by `*` with q > 0. */
export function acceptedEncodings(header: string | undefined): Accepted {
  if (!header) return NONE
  const cached = acceptCache.get(header)
  if (cached) return cached
  const q = new Map<string, number>()
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.split(';')
    const coding = name.trim().toLowerCase()
    if (!coding) continue
    let weight = 1
    for (const param of params) {
      const m = /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(param)
      if (m) weight = Number(m[1])
    }
    q.set(coding, Number.isFinite(weight) ? weight : 0)
  }
  const star = q.get('*')
  const ok = (coding: string) => (q.get(coding) ?? star ?? 0) > 0
  const result: Accepted = { br: ok('br'), gzip: q.has('gzip') ? ok('gzip') : ok('x-gzip') }
  if (acceptCache.size >= ACCEPT_CACHE_SIZE) acceptCache.clear()
  acceptCache.set(header, result)
  return result
}
