import { afterEach, describe, expect, it } from 'vitest'
import type { ComponentStatus } from '../../src/domain/enums.ts'
import { createTestApp, type TestApp } from '../support/app.ts'
import { seedMaintenance, seedScenario, XSS } from './api-v2-fixture.ts'
import { seeder } from './public-seed.ts'

let t: TestApp
afterEach(() => t?.close())

// Shields' flat palette.
const GREEN = '#4c1'
const YELLOW = '#dfb317'
const ORANGE = '#fe7d37'
const RED = '#e05d44'
const BLUE = '#007ec6'

interface Parsed {
  width: number
  label: string
  message: string
  labelFill: string
  messageFill: string
  title: string
  ariaLabel: string
  /** textLength of the label and the message, in px. */
  textLengths: number[]
  rects: number[]
}

/** Reads a badge back: the visible texts, fills and sizes, without trusting the renderer. */
function parseBadge(svg: string): Parsed {
  const attr = (name: string, within: string) => new RegExp(`${name}="([^"]*)"`).exec(within)?.[1]
  const root = /<svg[^>]*>/.exec(svg)![0]
  const texts = [...svg.matchAll(/<text(?![^>]*aria-hidden)[^>]*>([^<]*)<\/text>/g)]
  const rects = [...svg.matchAll(/<g clip-path="url\(#r\)">(.*?)<\/g>/g)][0]![1]!
  const fills = [...rects.matchAll(/<rect[^>]*fill="(#[0-9a-f]+)"/g)].map((m) => m[1]!)
  return {
    width: Number(attr('width', root)),
    label: texts[0]![1]!,
    message: texts[1]![1]!,
    labelFill: fills[0]!,
    messageFill: fills[1]!,
    title: /<title>([^<]*)<\/title>/.exec(svg)![1]!,
    ariaLabel: attr('aria-label', root)!,
    textLengths: texts.map((m) => Number(attr('textLength', m[0])) / 10),
    rects: [...rects.matchAll(/<rect[^>]*width="(\d+)"/g)].map((m) => Number(m[1])),
  }
}

async function badge(path: string, headers: Record<string, string> = {}) {
  const res = await t.app.request(path, { headers })
  return { res, svg: res.status === 200 ? await res.text() : '' }
}

describe('page badge', () => {
  it.each<[string, ComponentStatus[], string, string]>([
    ['all operational', ['operational', 'operational'], 'operational', GREEN],
    ['something degraded', ['operational', 'degraded_performance'], 'degraded', YELLOW],
    ['a partial outage', ['operational', 'partial_outage'], 'minor outage', YELLOW],
    ['one of two down', ['operational', 'major_outage'], 'partial outage', ORANGE],
    ['everything down', ['major_outage', 'major_outage'], 'major outage', RED],
    ['under maintenance', ['operational', 'under_maintenance'], 'maintenance', BLUE],
  ])('shows %s', async (_, statuses, message, colour) => {
    t = createTestApp()
    const s = seeder(t)
    for (const [i, status] of statuses.entries()) await s.component(`C${i}`, { status })
    const { res, svg } = await badge('/badge.svg')
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toBe('image/svg+xml; charset=utf-8')
    const b = parseBadge(svg)
    expect(b).toMatchObject({ label: 'status', message, labelFill: '#555', messageFill: colour })
    expect(b.title).toBe(`status: ${message}`)
    expect(b.ariaLabel).toBe(`status: ${message}`)
  })

  it('counts open incidents as the page does', async () => {
    t = createTestApp()
    const s = seeder(t)
    await s.component('API')
    await s.incident('Everything is on fire', {
      impact: 'critical',
      startedAt: '2026-11-22T11:00:00Z',
    })
    expect(parseBadge((await badge('/badge.svg')).svg)).toMatchObject({
      message: 'major outage',
      messageFill: RED,
    })
  })

  it('is cacheable for at most a minute, with an ETag that revalidates', async () => {
    t = createTestApp()
    await seeder(t).component('API')
    const { res } = await badge('/badge.svg')
    const maxAge = Number(/max-age=(\d+)/.exec(res.headers.get('Cache-Control') ?? '')?.[1])
    expect(maxAge).toBeGreaterThan(0)
    expect(maxAge).toBeLessThanOrEqual(60)
    expect(res.headers.get('Cache-Control')).toMatch(/^public/)
    const etag = res.headers.get('ETag')!
    expect(etag).toBeTruthy()
    const again = await badge('/badge.svg', { 'If-None-Match': etag })
    expect(again.res.status).toBe(304)
  })
})

describe('component badge', () => {
  it.each<[ComponentStatus, string, string]>([
    ['operational', 'operational', GREEN],
    ['degraded_performance', 'degraded performance', YELLOW],
    ['partial_outage', 'partial outage', ORANGE],
    ['major_outage', 'major outage', RED],
    ['under_maintenance', 'under maintenance', BLUE],
  ])(
    'shows %s in its colour, labelled with the component name',
    async (status, message, colour) => {
      t = createTestApp()
      const api = await seeder(t).component('API', { status })
      const { res, svg } = await badge(`/components/${api.id}/badge.svg`)
      expect(res.status).toBe(200)
      expect(parseBadge(svg)).toMatchObject({
        label: 'API',
        message,
        messageFill: colour,
        title: `API: ${message}`,
        ariaLabel: `API: ${message}`,
      })
    },
  )

  it('answers 404 for an unknown or hidden component', async () => {
    t = createTestApp()
    const hidden = await seeder(t).component('Internal', { visible: false })
    expect((await badge('/components/nope/badge.svg')).res.status).toBe(404)
    expect((await badge(`/components/${hidden.id}/badge.svg`)).res.status).toBe(404)
  })

  it('takes a ?label= of up to 40 characters and refuses longer or empty ones', async () => {
    t = createTestApp()
    const api = await seeder(t).component('API')
    const path = `/components/${api.id}/badge.svg`
    const custom = await badge(`${path}?label=${encodeURIComponent('Public API (EU)')}`)
    expect(custom.res.status).toBe(200)
    expect(custom.res.headers.get('Content-Type')).toBe('image/svg+xml; charset=utf-8')
    expect(parseBadge(custom.svg)).toMatchObject({
      label: 'Public API (EU)',
      title: 'Public API (EU): operational',
    })
    expect((await badge(`${path}?label=${'x'.repeat(40)}`)).res.status).toBe(200)
    expect((await badge(`${path}?label=${'x'.repeat(41)}`)).res.status).toBe(422)
    expect((await badge(`${path}?label=`)).res.status).toBe(422)
    expect((await badge(`/badge.svg?label=%01`)).res.status).toBe(422)
  })

  it('revalidates a custom-label badge by ETag, and a status change changes it', async () => {
    t = createTestApp()
    const s = seeder(t)
    const api = await s.component('API')
    const path = `/components/${api.id}/badge.svg?label=uptime`
    const first = await badge(path)
    const etag = first.res.headers.get('ETag')!
    expect(etag).toBeTruthy()
    expect(first.res.headers.get('Cache-Control')).toMatch(/max-age=\d+/)
    expect((await badge(path, { 'If-None-Match': etag })).res.status).toBe(304)
    await s.setStatus(api, 'operational', 'major_outage', '2026-11-22T11:00:00Z')
    const after = await badge(path, { 'If-None-Match': etag })
    expect(after.res.status).toBe(200)
    expect(parseBadge(after.svg).messageFill).toBe(RED)
  })
})

describe('badge layout', () => {
  it('grows with its text, so every text fits its half', async () => {
    t = createTestApp()
    const api = await seeder(t).component('API')
    const path = `/components/${api.id}/badge.svg`
    const widths: Record<string, Parsed> = {}
    for (const label of ['API', 'API gateway', 'iiiiiiiiii', 'WWWWWWWWWW']) {
      widths[label] = parseBadge((await badge(`${path}?label=${label}`)).svg)
    }
    expect(widths['API gateway']!.width).toBeGreaterThan(widths['API']!.width)
    // Same number of characters, very different widths: measured per character, not counted.
    expect(widths['WWWWWWWWWW']!.width).toBeGreaterThan(widths['iiiiiiiiii']!.width + 50)
    for (const b of Object.values(widths)) {
      const [labelRect, messageRect] = b.rects as [number, number]
      expect(labelRect + messageRect).toBe(b.width)
      // Each text keeps some padding inside its own half.
      expect(b.textLengths[0]).toBeLessThan(labelRect)
      expect(b.textLengths[1]).toBeLessThan(messageRect)
    }
    // Ten W's in 11 px Verdana take about 110 px; the label half must hold them.
    expect(widths['WWWWWWWWWW']!.textLengths[0]).toBeGreaterThanOrEqual(105)
  })

  it('escapes a tag in a component name and in a custom label', async () => {
    t = createTestApp()
    const s = await seedScenario(t)
    const evil = await seeder(t).component(XSS)
    for (const path of [
      `/components/${evil.id}/badge.svg`,
      `/components/${s.api.id}/badge.svg?label=${encodeURIComponent(XSS)}`,
      `/badge.svg?label=${encodeURIComponent('"><script>alert(1)</script>')}`,
    ]) {
      const { res, svg } = await badge(path)
      expect(res.status, path).toBe(200)
      expect(svg, path).not.toContain('<img')
      expect(svg, path).not.toContain('<script')
      expect(svg.match(/<text/g), path).toHaveLength(4)
    }
    const b = parseBadge((await badge(`/components/${evil.id}/badge.svg`)).svg)
    expect(b.label).toBe('&lt;img src=x onerror=alert(1)&gt;')
    expect(b.ariaLabel).toBe('&lt;img src=x onerror=alert(1)&gt;: operational')
  })
})

describe('embed widget', () => {
  it('shows the page status and open incidents without script, and may be framed anywhere', async () => {
    t = createTestApp()
    const s = await seedScenario(t)
    const res = await t.app.request('/embed')
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toContain('text/html')
    const csp = res.headers.get('Content-Security-Policy')!
    expect(csp).toContain('frame-ancestors *')
    expect(csp).not.toContain("frame-ancestors 'self'")
    expect(csp).toContain("script-src 'self'")
    expect(res.headers.get('X-Frame-Options')).toBeNull()
    expect(res.headers.get('ETag')).toBeTruthy()

    const html = await res.text()
    expect(html).not.toContain('<script')
    expect(html).toContain('Acme Status')
    expect(html).toContain('Minor Service Outage')
    expect(html).toContain(`href="/incidents/${s.open.id}"`)
    expect(html).toContain('target="_blank"')
    expect(html).not.toContain('Login failures')
  })

  it('leaves the framing rules of every other page alone', async () => {
    t = createTestApp()
    await seeder(t).component('API')
    await t.app.request('/embed')
    for (const path of ['/', '/badge.svg', '/feed.atom', '/api/v2/status.json']) {
      const res = await t.app.request(path)
      expect(res.headers.get('Content-Security-Policy'), path).toContain("frame-ancestors 'self'")
      expect(res.headers.get('X-Frame-Options'), path).toBe('SAMEORIGIN')
    }
  })

  it('escapes a tag in an incident name', async () => {
    t = createTestApp()
    await seeder(t).incident(XSS, { startedAt: '2026-11-22T11:00:00Z' })
    const html = await (await t.app.request('/embed')).text()
    expect(html).not.toContain('<img')
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;')
  })

  it('lists maintenance in progress, but not upcoming, completed or cancelled windows', async () => {
    t = createTestApp()
    const s = await seedScenario(t)
    const m = await seedMaintenance(t, s)
    const html = await (await t.app.request('/embed')).text()
    expect(html).toContain(`href="/maintenance/${m.active.id}"`)
    expect(html).toContain('Network switch replacement')
    for (const name of ['Certificate rotation', 'Database upgrade', 'Old plan'])
      expect(html).not.toContain(name)
  })

  it('reloads itself every minute, and shows a change after the write (the cache is cleared)', async () => {
    t = createTestApp()
    const s = seeder(t)
    await s.component('API')
    const first = await t.app.request('/embed')
    const html = await first.text()
    expect(html).toContain('<meta http-equiv="refresh" content="60"/>')
    expect(html).toContain('All Systems Operational')
    expect(html).not.toContain('<ul')
    const etag = first.headers.get('ETag')!
    expect((await t.app.request('/embed', { headers: { 'If-None-Match': etag } })).status).toBe(304)
    await s.incident('Search is down', { impact: 'critical', startedAt: '2026-11-22T11:00:00Z' })
    const after = await t.app.request('/embed', { headers: { 'If-None-Match': etag } })
    expect(after.status).toBe(200)
    const text = await after.text()
    expect(text).toContain('Major System Outage')
    expect(text).toContain('Search is down')
    expect(after.headers.get('Content-Security-Policy')).toContain('frame-ancestors *')
  })
})
