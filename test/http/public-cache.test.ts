import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Store } from '../../src/app/ports.ts'
import { createApp } from '../../src/http/app.tsx'
import { createTestApp, type TestApp } from '../support/app.ts'
import { at, seeder } from './public-seed.ts'

let t: TestApp
afterEach(() => t?.close())

const get = (
  app: { request: TestApp['app']['request'] },
  path: string,
  headers: Record<string, string> = {},
) => app.request(path, { headers })

/** The same app over a store that counts how often the page's data is read. */
function countingApp(t: TestApp, onRead?: (n: number) => Promise<void>) {
  let reads = 0
  const inner = t.deps.store
  const store: Store = {
    ...inner,
    async listComponents() {
      reads++
      const result = await inner.listComponents()
      await onRead?.(reads)
      return result
    },
  }
  const app = createApp({ ...t.deps, store })
  return { app, reads: () => reads }
}

describe('ETag and conditional requests', () => {
  it('sends a strong ETag, Cache-Control and Vary, and answers If-None-Match with 304', async () => {
    t = createTestApp()
    await seeder(t).component('API')
    const first = await get(t.app, '/')
    const etag = first.headers.get('ETag')
    expect(first.status).toBe(200)
    expect(etag).toMatch(/^"[0-9a-f]{40}"$/)
    expect(first.headers.get('Cache-Control')).toBe('public, max-age=10, stale-while-revalidate=30')
    expect(first.headers.get('Vary')).toBe('Accept-Encoding')
    expect(first.headers.get('Content-Type')).toBe('text/html; charset=UTF-8')

    const again = await get(t.app, '/', { 'If-None-Match': etag! })
    expect(again.status).toBe(304)
    expect(again.headers.get('ETag')).toBe(etag)
    expect(again.headers.get('Cache-Control')).toContain('max-age=10')
    expect(await again.text()).toBe('')

    const other = await get(t.app, '/', { 'If-None-Match': '"0000", W/"1111"' })
    expect(other.status).toBe(200)
    const listed = await get(t.app, '/', { 'If-None-Match': `"0000", W/${etag}` })
    expect(listed.status).toBe(304)
  })

  it('gives each content coding its own tag, and any of them revalidates the page', async () => {
    t = createTestApp()
    await seeder(t).component('API')
    const plain = (await get(t.app, '/')).headers.get('ETag')!
    const br = (await get(t.app, '/', { 'Accept-Encoding': 'br' })).headers.get('ETag')!
    const gzip = (await get(t.app, '/', { 'Accept-Encoding': 'gzip' })).headers.get('ETag')!
    expect(new Set([plain, br, gzip]).size).toBe(3)
    expect(br).toBe(plain.replace(/"$/, '-br"'))
    const res = await get(t.app, '/', { 'Accept-Encoding': 'br', 'If-None-Match': gzip })
    expect(res.status).toBe(304)
    expect(res.headers.get('ETag')).toBe(br)
  })
})

describe('compression', () => {
  it('serves br and gzip bodies that decompress to the same HTML', async () => {
    t = createTestApp()
    const s = seeder(t)
    await s.component('API')
    await s.incident('Something broke', { startedAt: '2026-11-22T10:00:00Z' })
    const identity = await get(t.app, '/', { 'Accept-Encoding': 'identity' })
    const html = await identity.text()
    expect(identity.headers.get('Content-Encoding')).toBeNull()
    expect(html).toContain('Something broke')

    const br = await get(t.app, '/', { 'Accept-Encoding': 'gzip, deflate, br' })
    expect(br.headers.get('Content-Encoding')).toBe('br')
    const brBytes = Buffer.from(await br.arrayBuffer())
    expect(brBytes.length).toBeLessThan(Buffer.byteLength(html) / 4)
    expect(brotliDecompressSync(brBytes).toString('utf8')).toBe(html)

    const gz = await get(t.app, '/', { 'Accept-Encoding': 'gzip' })
    expect(gz.headers.get('Content-Encoding')).toBe('gzip')
    expect(gunzipSync(Buffer.from(await gz.arrayBuffer())).toString('utf8')).toBe(html)
  })

  it.each([
    ['br;q=0, gzip', 'gzip'],
    ['gzip;q=1.0, br;q=0.5', 'br'],
    ['br;q=0, gzip;q=0', null],
    ['*', 'br'],
    ['*;q=0', null],
    ['gzip;q=0, *', 'br'],
    ['deflate', null],
    ['BR', 'br'],
    ['', null],
  ])('for Accept-Encoding "%s" sends %s', async (accept, expected) => {
    t = createTestApp()
    const res = await get(t.app, '/', { 'Accept-Encoding': accept })
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Encoding')).toBe(expected)
  })
})

describe('the page cache', () => {
  it('serves repeated requests without reading the store again', async () => {
    t = createTestApp()
    await seeder(t).component('API')
    const { app, reads } = countingApp(t)
    const first = await get(app, '/')
    const second = await get(app, '/', { 'Accept-Encoding': 'br' })
    expect(first.status).toBe(200)
    expect(second.status).toBe(200)
    expect(reads()).toBe(1)
  })

  it('renders once for many concurrent misses', async () => {
    t = createTestApp()
    await seeder(t).component('API')
    const { app, reads } = countingApp(t)
    const responses = await Promise.all(Array.from({ length: 20 }, () => get(app, '/')))
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200))
    expect(new Set(responses.map((r) => r.headers.get('ETag'))).size).toBe(1)
    expect(reads()).toBe(1)
  })

  it('drops the page on every write: new ETag, new content', async () => {
    t = createTestApp()
    const s = seeder(t)
    await s.component('API')
    const before = await get(t.app, '/')
    const etag = before.headers.get('ETag')!
    expect(await before.text()).not.toContain('Website')

    await s.component('Website')
    const after = await get(t.app, '/', { 'If-None-Match': etag })
    expect(after.status).toBe(200)
    expect(after.headers.get('ETag')).not.toBe(etag)
    expect(await after.text()).toContain('Website')
  })

  it('does not keep a rendering that raced a write', async () => {
    t = createTestApp()
    const s = seeder(t)
    await s.component('API')
    // The write lands after the render has read the components but before it finishes.
    const { app } = countingApp(t, async (n) => {
      if (n === 1) await s.settings({ pageName: 'Renamed during render' })
    })
    await get(app, '/')
    const next = await (await get(app, '/')).text()
    expect(next).toContain('Renamed during render')
  })

  it('re-renders after PAGE_CACHE_SECONDS, serving the old copy once while it does', async () => {
    t = createTestApp({ env: { PAGE_CACHE_SECONDS: '30' } })
    await seeder(t).component('API')
    const first = await get(t.app, '/')
    const etag = first.headers.get('ETag')
    // A write that bypasses invalidation: only the TTL can bring it to the page.
    await t.database.store.commit([
      {
        type: 'settings.put',
        settings: {
          pageName: 'Renamed',
          pageUrl: null,
          timeZone: 'UTC',
          logoUrl: null,
          mailFrom: null,
          mailReplyTo: null,
          notifyComponentChanges: false,
          maintenanceReminderMinutes: 60,
          updatedAt: at('2026-11-22T12:00:00Z'),
        },
      },
    ])
    t.clock.advance(29_000)
    expect((await get(t.app, '/')).headers.get('ETag')).toBe(etag)

    t.clock.advance(2_000)
    const stale = await get(t.app, '/')
    expect(stale.headers.get('ETag')).toBe(etag)
    await vi.waitFor(async () => {
      expect(await (await get(t.app, '/')).text()).toContain('<title>Renamed</title>')
    })
  })

  it('renders afresh when the cached copy is far past its time', async () => {
    t = createTestApp({ env: { PAGE_CACHE_SECONDS: '30' } })
    await seeder(t).component('API')
    await get(t.app, '/')
    await t.database.store.commit([
      {
        type: 'settings.put',
        settings: {
          pageName: 'Renamed',
          pageUrl: null,
          timeZone: 'UTC',
          logoUrl: null,
          mailFrom: null,
          mailReplyTo: null,
          notifyComponentChanges: false,
          maintenanceReminderMinutes: 60,
          updatedAt: at('2026-11-22T12:00:00Z'),
        },
      },
    ])
    t.clock.advance(10 * 60_000)
    expect(await (await get(t.app, '/')).text()).toContain('<title>Renamed</title>')
  })

  it('does not cache a 404', async () => {
    t = createTestApp()
    expect((await get(t.app, '/incidents/later')).status).toBe(404)
    await t.database.store.commit([
      {
        type: 'incident.insert',
        incident: {
          id: 'later',
          name: 'Filed later',
          impact: 'minor',
          status: 'investigating',
          startedAt: at('2026-11-22T11:00:00Z'),
          resolvedAt: null,
          createdAt: at('2026-11-22T11:00:00Z'),
          updatedAt: at('2026-11-22T11:00:00Z'),
          createdBy: null,
          componentIds: [],
        },
      },
    ])
    const res = await get(t.app, '/incidents/later')
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('Filed later')
  })

  it('keys history pages by page number only, ignoring other query parameters', async () => {
    t = createTestApp()
    const a = await get(t.app, '/history')
    const b = await get(t.app, '/history?page=1&utm_source=x')
    expect(b.headers.get('ETag')).toBe(a.headers.get('ETag'))
  })

  it('answers HEAD with the headers and no body', async () => {
    t = createTestApp()
    const res = await t.app.request('/', { method: 'HEAD' })
    expect(res.status).toBe(200)
    expect(res.headers.get('ETag')).toMatch(/^"/)
    expect(await res.text()).toBe('')
  })
})
