import type { Context } from 'hono'
import type { Deps } from '../app/deps.ts'
import type { CachedPage, Compressor, PageCache } from '../app/ports.ts'
import type { Config } from '../config.ts'
import { afterResponse } from './after-response.ts'
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
  /** Headers every answer of this page carries besides the site-wide ones (e.g. CORS). */
  headers?: Readonly<Record<string, string>>
  /**
   * The answer is open to everyone and the same for every request to this URL (no login, no
   * cookie, nothing but Accept-Encoding and If-None-Match): the runtime may answer repeat requests
   * straight from the cache, before the app runs (see fastAnswer). Never for routes behind auth.
   */
  shared?: boolean
}

// A rendering that read the store before a write must not be cached after it: the cache holds a
// generation marker, which every invalidation drops with everything else.
const GENERATION_KEY = '\u0000generation'
let generations = 0

// Concurrent misses for one page share one render, per cache and per generation.
const inflight = new WeakMap<PageCache, Map<string, Promise<CachedPage>>>()
// Keys whose stale copy is being replaced by a background render: the stale copy keeps being
// served meanwhile, by the app and by the fast lane.
const refreshing = new WeakMap<PageCache, Set<string>>()
function refreshingOf(cache: PageCache): Set<string> {
  let keys = refreshing.get(cache)
  if (!keys) refreshing.set(cache, (keys = new Set()))
  return keys
}

/** Serves `key` from the page cache, rendering (once, however many requests wait) on a miss. */
export async function cachedPage(
  c: Context<AppEnv>,
  key: string,
  render: Render,
  opts: CacheOptions = {},
) {
  // c.get, not c.var: Hono's c.var builds a fresh object of every variable on each access.
  const deps = c.get('deps')
  const how: ServeAs = {
    cacheControl: opts.cacheControl ?? PUBLIC_CACHE_CONTROL,
    extra: opts.headers ?? NO_HEADERS,
  }
  const contentType = opts.contentType ?? HTML_TYPE
  const hit = await deps.pageCache.get(key)
  if (hit) {
    const age = deps.clock.now() - hit.renderedAt
    const ttl = deps.config.PAGE_CACHE_SECONDS * 1000
    if (age < ttl) {
      if (opts.shared) offerFastLane(c, key, how)
      return serve(c, hit, how)
    }
    if (ttl > 0 && age < ttl + STALE_GRACE_MS) {
      const pending = refreshingOf(deps.pageCache)
      if (!pending.has(key)) {
        pending.add(key)
        const refresh = renderShared(deps, key, render, contentType)
          .catch((err: unknown) =>
            deps.log.warn('background page render failed', { key, error: String(err) }),
          )
          .finally(() => pending.delete(key))
        afterResponse(c, refresh)
      }
      return serve(c, hit, how)
    }
  }
  const page = await renderShared(deps, key, render, contentType)
  if (opts.shared) offerFastLane(c, key, how)
  return serve(c, page, how)
}

// --- the fast lane ----------------------------------------------------------------------------
//
// A refresh storm asks for a handful of URLs (/, /api/v2/summary.json) thousands of times a
// second. Once the app has served such a URL from the cache, the runtime may answer the next
// requests for it without building a Request, routing or running middleware (Node does, in
// src/runtime/node.ts): fastAnswer() finds the page through the URL and the Host it was served
// for, and answers only while that exact cached copy is fresh (or stale while its one background
// render runs). A write drops the copy; a stale one that nobody is rendering, a query string, a
// method other than GET or an unknown URL all fall through to the app.

interface ServeAs {
  cacheControl: string
  extra: Readonly<Record<string, string>>
}
interface Lane extends ServeAs {
  key: string
}
const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({})
// Host headers are the client's to choose: the index is bounded, and starts over when full.
const LANE_LIMIT = 256
const lanes = new WeakMap<PageCache, Map<string, Lane>>()

function offerFastLane(c: Context<AppEnv>, key: string, how: ServeAs) {
  if (c.req.method !== 'GET') return
  const url = c.req.url
  const path = url.slice(url.indexOf('/', url.indexOf('//') + 2))
  if (path.includes('?')) return
  const cache = c.get('deps').pageCache
  if (!cache.peek) return
  let index = lanes.get(cache)
  if (!index) lanes.set(cache, (index = new Map()))
  const laneKey = `${c.req.header('Host') ?? ''} ${path}`
  if (index.get(laneKey)?.key === key) return
  if (index.size >= LANE_LIMIT) index.clear()
  index.set(laneKey, { key, ...how })
}

export interface FastAnswer {
  status: 200 | 304
  /** Complete: Content-Length included with a body. */
  headers: Readonly<Record<string, string>>
  body: Uint8Array | null
}

/**
 * The cached answer to a request the app served before, if it is still fresh; otherwise null and
 * the request goes to the app. Answers exactly what cachedPage() would for the same request.
 */
export function fastAnswer(
  deps: Pick<Deps, 'pageCache' | 'clock' | 'config'>,
  request: {
    method: string | undefined
    host: string | undefined
    url: string | undefined
    acceptEncoding: string | undefined
    ifNoneMatch: string | undefined
  },
): FastAnswer | null {
  if (request.method !== 'GET' || !request.url) return null
  const lane = lanes.get(deps.pageCache)?.get(`${request.host ?? ''} ${request.url}`)
  if (!lane) return null
  const page = deps.pageCache.peek?.(lane.key)
  if (!page) return null
  // Past its lifetime a copy goes to the app, which starts the one background render; until that
  // render lands, the stale copy is what the app would answer too.
  const age = deps.clock.now() - page.renderedAt
  const ttl = deps.config.PAGE_CACHE_SECONDS * 1000
  if (age >= ttl && !(age < ttl + STALE_GRACE_MS && refreshing.get(deps.pageCache)?.has(lane.key)))
    return null
  return answer(deps.config, page, lane, request.acceptEncoding, request.ifNoneMatch, true)
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
  deps: Pick<Deps, 'pageCache' | 'compressor' | 'clock' | 'config' | 'log'>,
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
      polishLater(deps, key, page)
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
  const etag = `"${hex}"`
  const page: CachedPage = { etag, contentType, body, renderedAt }
  // A render that comes out byte for byte as before (a TTL refresh on a quiet page, a write that
  // did not change this page) keeps the earlier compressed bytes, polished ones included.
  const known = compressedBefore.get(etag)
  for (const encoding of compressor.encodings) {
    page[encoding] = known?.[encoding] ?? (await compressor.compress(body, encoding))
  }
  remember(etag, page)
  return page
}

// The compressed variants of the last few distinct renderings, by ETag (a SHA-1 of the bytes).
const COMPRESSED_KEPT = 16
const compressedBefore = new Map<
  string,
  { br?: Uint8Array; gzip?: Uint8Array; polished: boolean }
>()

function remember(etag: string, page: CachedPage, polished = false) {
  const known = compressedBefore.get(etag)
  compressedBefore.delete(etag)
  compressedBefore.set(etag, {
    ...(page.br ? { br: page.br } : {}),
    ...(page.gzip ? { gzip: page.gzip } : {}),
    polished: polished || (known?.polished ?? false),
  })
  if (compressedBefore.size > COMPRESSED_KEPT)
    compressedBefore.delete(compressedBefore.keys().next().value as string)
}

// The newest cached copy of each key that waits for its polish. One polish runs at a time in all
// (each takes a thread-pool thread for about a second on a large page); a key queued twice is
// polished once, for its newest copy.
const polishWanted = new WeakMap<PageCache, Map<string, CachedPage>>()
let polishQueue: Promise<void> = Promise.resolve()

/**
 * Replaces a freshly cached page's brotli bytes with the compressor's best (Compressor.polish),
 * in the background. The swap happens only while that very copy is still the cached one: a write
 * or a newer render in between wins, and the polished bytes are simply dropped. The ETag stays:
 * the bytes decode to the same content in the same coding.
 */
function polishLater(
  deps: Pick<Deps, 'pageCache' | 'compressor' | 'log'>,
  key: string,
  page: CachedPage,
): void {
  const polish = deps.compressor.polish?.bind(deps.compressor)
  const cache = deps.pageCache
  if (!polish || !page.br || !cache.peek || compressedBefore.get(page.etag)?.polished) return
  let wanted = polishWanted.get(cache)
  if (!wanted) polishWanted.set(cache, (wanted = new Map()))
  const queued = wanted.has(key)
  wanted.set(key, page)
  if (queued) return
  const job = async () => {
    const target = wanted.get(key)
    wanted.delete(key)
    if (!target?.br || cache.peek?.(key) !== target) return
    try {
      const br = await polish(target.body, 'br')
      if (br.byteLength >= target.br.byteLength || cache.peek?.(key) !== target) return
      const polished: CachedPage = { ...target, br }
      await cache.set(key, polished)
      remember(target.etag, polished, true)
    } catch (err) {
      deps.log.warn('page compression failed', { key, error: String(err) })
    }
  }
  polishQueue = polishQueue.then(job)
}

/**
 * Lets waiting requests through between the synchronous stages of a render (a macrotask, not a
 * microtask: requests are I/O callbacks). Cached hits keep flowing while a page re-renders.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0))
}

// --- serving -------------------------------------------------------------------------------

interface Variant {
  etag: string
  body: Uint8Array
  encoding: Encoding | null
  /** Response headers per Cache-Control value and extra headers: built once, reused by every hit. */
  headers?: Map<string, Map<object, VariantHeaders>>
}

interface VariantHeaders {
  ok: Record<string, string>
  notModified: Record<string, string>
  /** `ok` plus Content-Length, for runtimes that write the answer themselves (the fast lane). */
  okSized: Record<string, string>
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
function headersFor(config: Config, page: CachedPage, variant: Variant, how: ServeAs) {
  variant.headers ??= new Map()
  // Each route passes the same cacheControl and the same extra-headers object every time.
  let byExtra = variant.headers.get(how.cacheControl)
  if (!byExtra) variant.headers.set(how.cacheControl, (byExtra = new Map()))
  let h = byExtra.get(how.extra)
  if (!h) {
    const notModified: Record<string, string> = {
      ...securityHeadersFor(config),
      ...how.extra,
      ETag: variant.etag,
      'Cache-Control': how.cacheControl,
      Vary: 'Accept-Encoding',
    }
    const ok: Record<string, string> = { ...notModified, 'Content-Type': page.contentType }
    if (variant.encoding) ok['Content-Encoding'] = variant.encoding
    h = { ok, notModified, okSized: { ...ok, 'Content-Length': String(variant.body.byteLength) } }
    byExtra.set(how.extra, h)
  }
  return h
}

function answer(
  config: Config,
  page: CachedPage,
  how: ServeAs,
  acceptEncoding: string | undefined,
  ifNoneMatch: string | undefined,
  sized = false,
): FastAnswer {
  const p = prepare(page)
  const accepts = acceptedEncodings(acceptEncoding)
  const variant = (accepts.br && p.br) || (accepts.gzip && p.gzip) || p.identity
  const headers = headersFor(config, page, variant, how)
  if (ifNoneMatch !== undefined && matchesAny(ifNoneMatch, p.hash)) {
    return { status: 304, headers: headers.notModified, body: null }
  }
  return { status: 200, headers: sized ? headers.okSized : headers.ok, body: variant.body }
}

function serve(c: Context<AppEnv>, page: CachedPage, how: ServeAs): Response {
  const a = answer(
    c.get('deps').config,
    page,
    how,
    c.req.header('Accept-Encoding'),
    c.req.header('If-None-Match'),
  )
  // A plain Response with a plain header record, shared by every hit of this variant (nothing
  // downstream writes to it): Hono's c.body() would copy the record into a Headers object, and
  // @hono/node-server writes a record straight to the socket.
  return markSecured(
    new Response(a.body as Uint8Array<ArrayBuffer> | null, {
      status: a.status,
      headers: a.headers,
    }),
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
