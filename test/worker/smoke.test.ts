import { request } from 'node:http'
import { gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestWorker, type TestWorker } from '../support/worker.ts'

// The Worker under workerd with local D1: the first proof that the same app runs on both runtimes.
describe('Herald on workerd (wrangler, local D1)', () => {
  let worker: TestWorker

  beforeAll(async () => {
    worker = await startTestWorker()
  }, 60_000)
  afterAll(async () => {
    await worker?.close()
  })

  it('serves the public status page from D1', async () => {
    const res = await worker.fetch('/')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/html/)
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'")
    const html = await res.text()
    expect(html).toMatch(/^<!doctype html>/i)
    expect(html).toContain('/css/page.css')
  })

  it('sends a fresh install to the console setup page', async () => {
    const res = await worker.fetch('/console', { redirect: 'manual' })
    expect(res.status).toBe(302)
    expect(new URL(res.headers.get('location')!, worker.url).pathname).toBe('/console/setup')
  })

  it('serves files from public/ as static assets, cached as on Node', async () => {
    const css = await worker.fetch('/css/base.css')
    expect(css.status).toBe(200)
    expect(css.headers.get('content-type')).toMatch(/^text\/css/)
    expect(css.headers.get('cache-control')).toBe('public, max-age=300')
    expect((await css.text()).length).toBeGreaterThan(0)
    const htmx = await worker.fetch('/vendor/htmx-2.0.11.min.js')
    expect(htmx.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    await htmx.arrayBuffer()
    // The rules file itself is configuration, not an asset.
    const rules = await worker.fetch('/_headers')
    expect(rules.status).toBe(404)
    await rules.arrayBuffer()
  })

  it('gzips a page exactly once for a client that accepts gzip', async () => {
    // fetch() would hide a double encoding by decoding transparently; read the raw bytes instead.
    const raw = await new Promise<{ encoding?: string; body: Buffer }>((resolve, reject) => {
      const req = request(`${worker.url}/`, { headers: { 'Accept-Encoding': 'gzip' } }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () =>
          resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }),
        )
        res.on('error', reject)
      })
      req.on('error', reject)
      req.end()
    })
    const body = raw.encoding === 'gzip' ? gunzipSync(raw.body) : raw.body
    expect(body.toString('utf8')).toMatch(/^<!doctype html>/i)
  })

  it('serves the badges and the embeddable widget, the widget frameable by any site', async () => {
    const badge = await worker.fetch('/badge.svg')
    expect(badge.status).toBe(200)
    expect(badge.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8')
    expect(badge.headers.get('cache-control')).toMatch(/^public, max-age=\d+/)
    expect(await badge.text()).toContain('operational')
    const embed = await worker.fetch('/embed')
    expect(embed.status).toBe(200)
    expect(embed.headers.get('content-security-policy')).toContain('frame-ancestors *')
    expect(embed.headers.get('x-frame-options')).toBeNull()
    expect(await embed.text()).toContain('All Systems Operational')
    const page = await worker.fetch('/')
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'self'")
    await page.arrayBuffer()
  })

  it('serves the page feeds, the maintenance calendar and the v2 API with the generating libraries bundled', async () => {
    for (const [path, type] of [
      ['/feed.atom', 'application/atom+xml'],
      ['/feed.rss', 'application/rss+xml'],
      ['/maintenance.ics', 'text/calendar'],
      ['/api/v2/summary.json', 'application/json'],
    ] as const) {
      const res = await worker.fetch(path)
      expect(res.status, path).toBe(200)
      expect(res.headers.get('content-type'), path).toContain(type)
      const text = await res.text()
      if (type === 'text/calendar') expect(text).toMatch(/^BEGIN:VCALENDAR\r\n[\s\S]*END:VCALENDAR/)
      else if (type === 'application/json') expect(JSON.parse(text).status.indicator).toBe('none')
      else expect(text).toMatch(/^<\?xml/)
    }
  })
})
