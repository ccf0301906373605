import { parseFeed } from '@rowanmanning/feed-parser'
import { afterEach, describe, expect, it } from 'vitest'
import { CLI_ACTOR } from '../../src/app/actor.ts'
import { openIncident } from '../../src/app/open-incident.ts'
import { postIncidentUpdate } from '../../src/app/post-incident-update.ts'
import { createTestApp, TEST_NOW, type TestApp } from '../support/app.ts'
import { HOUR, INTERNAL_NOTE, MINUTE, seedScenario, XSS } from './api-v2-fixture.ts'
import { seeder } from './public-seed.ts'

// Feeds are read back with an independent parser (@rowanmanning/feed-parser), as a reader would.

let t: TestApp
afterEach(() => t?.close())

const TYPES = {
  atom: 'application/atom+xml; charset=utf-8',
  rss: 'application/rss+xml; charset=utf-8',
} as const
const FORMATS = ['atom', 'rss'] as const
const BASE = 'https://status.acme.example'

async function fetchFeed(path: string) {
  const res = await t.app.request(path)
  expect(res.status, path).toBe(200)
  const xml = await res.text()
  return { res, xml, feed: parseFeed(xml) }
}

describe('page feed', () => {
  it.each(FORMATS)('lists incidents newest first as %s, with absolute links', async (format) => {
    t = createTestApp()
    const s = await seedScenario(t)
    const { res, feed } = await fetchFeed(`/feed.${format}`)
    expect(res.headers.get('Content-Type')).toBe(TYPES[format])
    expect(feed.meta.type).toBe(format)
    expect(feed.title).toBe('Acme Status')
    expect(feed.url).toBe(`${BASE}/`)
    expect(feed.self).toBe(`${BASE}/feed.${format}`)
    expect(feed.items.map((i) => i.title)).toEqual(['Slow API', 'Login failures'])
    expect(feed.items.map((i) => i.url)).toEqual([
      `${BASE}/incidents/${s.open.id}`,
      `${BASE}/incidents/${s.resolved.id}`,
    ])
    expect(feed.items.map((i) => i.id)).toEqual([
      `${BASE}/incidents/${s.open.id}`,
      `${BASE}/incidents/${s.resolved.id}`,
    ])
  })

  it('dates each entry by its latest public update and carries status and rendered bodies', async () => {
    t = createTestApp()
    await seedScenario(t)
    const { feed } = await fetchFeed('/feed.atom')
    const [open, resolved] = feed.items
    // "Still looking." 50 minutes ago, not the internal note 40 minutes ago.
    expect(open!.updated).toEqual(new Date(TEST_NOW - 50 * MINUTE))
    expect(resolved!.updated).toEqual(new Date(Date.UTC(2026, 10, 20, 13, 0)))
    expect(resolved!.published).toEqual(new Date(Date.UTC(2026, 10, 20, 12, 0)))
    expect(feed.updated).toEqual(new Date(TEST_NOW - 50 * MINUTE))

    expect(resolved!.content).toContain('<strong>Resolved</strong>')
    expect(resolved!.content).toContain('We are investigating <strong>login failures</strong>.')
    expect(resolved!.content).toContain('Website: Degraded Performance')
    expect(resolved!.description).toBe('Resolved: All good now.')
    expect(open!.content).toContain('Affected: API')
    expect(open!.content).not.toContain('Secret backend')
  })

  it.each(FORMATS)('never carries an internal note (%s)', async (format) => {
    t = createTestApp()
    await seedScenario(t)
    const { xml } = await fetchFeed(`/feed.${format}`)
    expect(xml).not.toContain('db01')
    expect(xml).not.toContain(INTERNAL_NOTE)
  })

  it('holds the 50 most recent incidents', async () => {
    t = createTestApp()
    const s = seeder(t)
    for (let i = 0; i < 52; i++) {
      const start = new Date(Date.UTC(2026, 5, 1) + i * 24 * HOUR).toISOString()
      await s.incident(`Incident ${i}`, { startedAt: start, resolvedAt: start })
    }
    const { feed } = await fetchFeed('/feed.rss')
    expect(feed.items).toHaveLength(50)
    expect(feed.items[0]!.title).toBe('Incident 51')
    expect(feed.items.at(-1)!.title).toBe('Incident 2')
  })

  it('is cached like the page: 304 on If-None-Match, new content after a write', async () => {
    t = createTestApp()
    const s = await seedScenario(t)
    const first = await t.app.request('/feed.atom')
    const etag = first.headers.get('ETag')!
    expect(etag).toMatch(/^"[0-9a-f]{40}"$/)
    expect(first.headers.get('Cache-Control')).toMatch(/^public, max-age=\d+/)
    const again = await t.app.request('/feed.atom', { headers: { 'If-None-Match': etag } })
    expect(again.status).toBe(304)

    await postIncidentUpdate(t.deps, CLI_ACTOR, s.open.id, { body: 'Rolled back.' })
    const after = await t.app.request('/feed.atom', { headers: { 'If-None-Match': etag } })
    expect(after.status).toBe(200)
    const feed = parseFeed(await after.text())
    // Same entry (same id), newer date, the new update in it.
    expect(feed.items[0]!.id).toBe(`${BASE}/incidents/${s.open.id}`)
    expect(feed.items[0]!.updated).toEqual(new Date(TEST_NOW))
    expect(feed.items[0]!.content).toContain('Rolled back.')
  })

  it('links to the address the request came in at when no page URL is configured', async () => {
    t = createTestApp()
    await seeder(t).incident('Outage', { startedAt: '2026-11-22T10:00:00Z' })
    const res = await t.app.request('http://status.internal:8080/feed.rss')
    const feed = parseFeed(await res.text())
    expect(feed.items[0]!.url).toMatch(/^http:\/\/status\.internal:8080\/incidents\//)
  })
})

describe('incident feed', () => {
  it.each(FORMATS)('lists the public updates newest first as %s', async (format) => {
    t = createTestApp()
    const s = await seedScenario(t)
    const { res, feed, xml } = await fetchFeed(`/incidents/${s.resolved.id}/feed.${format}`)
    expect(res.headers.get('Content-Type')).toBe(TYPES[format])
    expect(feed.title).toBe('Login failures · Acme Status')
    expect(feed.url).toBe(`${BASE}/incidents/${s.resolved.id}`)
    expect(feed.self).toBe(`${BASE}/incidents/${s.resolved.id}/feed.${format}`)
    expect(feed.items.map((i) => i.title)).toEqual([
      'Login failures: Resolved',
      'Login failures: Monitoring',
      'Login failures: Investigating',
    ])
    const ids = feed.items.map((i) => i.id)
    expect(new Set(ids).size).toBe(3)
    expect(ids[0]).toBe(`${BASE}/incidents/${s.resolved.id}#event-${s.resolution.id}`)
    expect(feed.items[1]!.content).toContain('A fix is deployed; we are watching.')
    expect(feed.items[1]!.updated).toEqual(new Date(Date.UTC(2026, 10, 20, 12, 30)))
    expect(xml).toContain('Nov 20, 2026, 07:30 EST')
  })

  it.each(FORMATS)('leaves internal notes out (%s)', async (format) => {
    t = createTestApp()
    const s = await seedScenario(t)
    const { feed, xml } = await fetchFeed(`/incidents/${s.open.id}/feed.${format}`)
    expect(feed.items.map((i) => i.description)).toEqual([
      'Update: Still looking.',
      'Investigating: API responses are slow.',
    ])
    expect(xml).not.toContain('db01')
  })

  it.each(FORMATS)('answers 404 for an unknown incident (%s)', async (format) => {
    t = createTestApp()
    const res = await t.app.request(`/incidents/nope/feed.${format}`)
    expect(res.status).toBe(404)
  })
})

describe('feeds and hostile text', () => {
  it.each(FORMATS)('keep a tag in an incident name inert, as plain text (%s)', async (format) => {
    t = createTestApp()
    const s = await seedScenario(t)
    const { incident } = await openIncident(t.deps, CLI_ACTOR, {
      name: XSS,
      impact: 'major',
      body: `Body with ${XSS} and <script>alert(2)</script>`,
      components: { [s.api.id]: 'major_outage' },
    })
    for (const path of [`/feed.${format}`, `/incidents/${incident.id}/feed.${format}`]) {
      const { xml, feed } = await fetchFeed(path)
      // Nowhere as markup: not raw, not inside CDATA.
      expect(xml, path).not.toContain('<img')
      expect(xml, path).not.toContain('<script')
      expect(xml, path).toContain('&lt;img src=x onerror=alert(1)&gt;')
      // The title is HTML-escaped text (type="html"): decoded once, it is the name again.
      expect(feed.items[0]!.title, path).toContain(XSS)
      // The body is HTML in which the payload is escaped text. (Checked in the XML itself: this
      // parser entity-decodes content once more, which no HTML consumer should do.)
      expect(xml, path).toContain('&lt;script&gt;alert(2)&lt;/script&gt;')
    }
  })

  it.each(FORMATS)(
    'survive CDATA terminators, control characters and "&amp;" in text (%s)',
    async (format) => {
      t = createTestApp()
      await seeder(t).settings({ pageName: 'Tom &amp; Jerry' })
      const s = seeder(t)
      const incident = await s.incident('a ]]> b ]]> <i>c</i> \u0001\u0008', {
        startedAt: '2026-11-22T10:00:00Z',
      })
      await s.event(incident, { at: '2026-11-22T10:05:00Z', body: 'x ]]> y ]]> z \u000b' })
      const { xml, feed } = await fetchFeed(`/feed.${format}`)
      for (const control of ['\u0001', '\u0008', '\u000b']) expect(xml).not.toContain(control)
      expect(xml).not.toContain('<i>')
      // The feed title's text value is "Tom &amp; Jerry", unchanged (not turned into "Tom & Jerry").
      expect(xml).toContain('<title>Tom &amp;amp; Jerry</title>')
      expect(feed.items).toHaveLength(1)
      expect(feed.items[0]!.title).toBe('a ]]> b ]]> <i>c</i>')
      expect(xml).toContain('x ]]&gt; y ]]&gt; z')
    },
  )
})
