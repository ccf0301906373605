import { afterEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/app.ts'
import { barLabels, between, seeder } from './public-seed.ts'

// TEST_NOW is 2026-11-22T12:00:00Z.
let t: TestApp
afterEach(() => t?.close())

async function page(path = '/') {
  const res = await t.app.request(path)
  return { res, html: await res.text() }
}

const XSS = '<img src=x onerror=alert(1)>'
const XSS_ESCAPED = '&lt;img src=x onerror=alert(1)&gt;'

describe('the overall banner', () => {
  it('says All Systems Operational when every component is operational and nothing is open', async () => {
    t = createTestApp()
    const s = seeder(t)
    await s.component('API')
    await s.component('Website')
    const { res, html } = await page()
    expect(res.status).toBe(200)
    expect(html).toMatch(/<section id="status-banner" class="banner indicator-none">/)
    expect(between(html, 'id="status-banner"', '</section>')).toContain('All Systems Operational')
  })

  it('shows a partial system outage while a major-impact incident is open', async () => {
    t = createTestApp()
    const s = seeder(t)
    const api = await s.component('API')
    await s.incident('Database failover', {
      impact: 'major',
      startedAt: '2026-11-22T11:00:00Z',
      components: [api],
    })
    const { html } = await page()
    const banner = between(html, 'id="status-banner"', '</section>')
    expect(banner).toContain('indicator-major')
    expect(banner).toContain('Partial System Outage')
    expect(banner).not.toContain('All Systems Operational')
  })

  it('ignores a hidden component in major outage', async () => {
    t = createTestApp()
    const s = seeder(t)
    await s.component('API')
    await s.component('Internal batch', { visible: false, status: 'major_outage' })
    const { html } = await page()
    expect(between(html, 'id="status-banner"', '</section>')).toContain('All Systems Operational')
  })
})

describe('components', () => {
  it('lists groups in position order with their components, and ungrouped components in between', async () => {
    t = createTestApp()
    const s = seeder(t)
    const regions = await s.group('Regions', { position: 3 })
    const core = await s.group('Core', { position: 1 })
    await s.component('Website', { position: 2 })
    await s.component('EU West', { groupId: regions.id, position: 2 })
    await s.component('US East', { groupId: regions.id, position: 1 })
    await s.component('API', { groupId: core.id, position: 1 })
    const { html } = await page()
    const list = between(html, 'id="component-list"', '<p class="uptime-rule">')
    const order = ['Core', 'API', 'Website', 'Regions', 'US East', 'EU West'].map((name) =>
      list.indexOf(`>${name}<`),
    )
    expect(order.every((i) => i >= 0)).toBe(true)
    expect([...order].sort((a, b) => a - b)).toEqual(order)
  })

  it('never shows a hidden component, and drops a group whose components are all hidden', async () => {
    t = createTestApp()
    const s = seeder(t)
    const secret = await s.group('Back office')
    await s.component('API')
    await s.component('Billing worker', { visible: false })
    await s.component('Ledger', { groupId: secret.id, visible: false })
    const { html } = await page()
    expect(html).toContain('>API<')
    expect(html).not.toContain('Billing worker')
    expect(html).not.toContain('Ledger')
    expect(html).not.toContain('Back office')
  })

  it('renders a collapsed group as a closed <details> and other groups open', async () => {
    t = createTestApp()
    const s = seeder(t)
    const open = await s.group('Core', { collapsed: false })
    const closed = await s.group('Regions', { collapsed: true })
    await s.component('API', { groupId: open.id })
    await s.component('EU West', { groupId: closed.id })
    const { html } = await page()
    expect(html).toMatch(
      /<details class="group" open=""><summary[^>]*><span class="group-name">Core</,
    )
    expect(html).toMatch(/<details class="group"><summary[^>]*><span class="group-name">Regions</)
  })

  it('shows each component status and the worst one on its group', async () => {
    t = createTestApp()
    const s = seeder(t)
    const core = await s.group('Core')
    await s.component('API', { groupId: core.id, status: 'partial_outage' })
    await s.component('CDN', { groupId: core.id, status: 'degraded_performance' })
    const { html } = await page()
    const summary = between(html, '<summary', '</summary>')
    expect(summary).toContain(
      '<span class="component-status status-partial_outage">Partial Outage</span>',
    )
    expect(html).toContain(
      '<span class="component-status status-degraded_performance">Degraded Performance</span>',
    )
  })
})

describe('uptime bars', () => {
  it('labels every day with its date, uptime and incidents, worked out from the status history', async () => {
    t = createTestApp()
    const s = seeder(t)
    const api = await s.component('API')
    await s.component('Website')
    // Three hours of major outage on Nov 20 (UTC page): 21/24 of the day up = 87.50%.
    await s.setStatus(api, 'operational', 'major_outage', '2026-11-20T10:00:00Z')
    await s.setStatus(api, 'major_outage', 'operational', '2026-11-20T13:00:00Z')
    await s.incident('API outage', {
      impact: 'major',
      startedAt: '2026-11-20T10:00:00Z',
      resolvedAt: '2026-11-20T13:00:00Z',
      components: [api],
    })
    const { html } = await page()
    const apiBars = between(html, 'aria-label="API: uptime per day', '</div>')
    expect(apiBars.match(/role="img"/g)).toHaveLength(90)
    expect(apiBars).toContain(
      '<span role="img" class="bar status-major_outage" aria-label="Nov 20, 2026: 87.50% uptime, 1 incident: API outage"></span>',
    )
    const apiLabels = barLabels(html, 'API')
    expect(apiLabels.at(-3)).toBe('Nov 20, 2026: 87.50% uptime, 1 incident: API outage')
    expect(apiLabels.at(-4)).toBe('Nov 19, 2026: 100% uptime, no incidents')
    // The window is 89 whole days plus 12 hours of today: 2,148 h with 3 h down → 99.86%.
    expect(between(html, 'aria-label="API: uptime per day', '</p>')).toContain(
      '99.86% uptime over 90 days',
    )
    // The incident touched only the API.
    expect(barLabels(html, 'Website').at(-3)).toBe('Nov 20, 2026: 100% uptime, no incidents')
  })

  it('counts a partial outage 30% and reads days in the page time zone', async () => {
    t = createTestApp()
    const s = seeder(t)
    await s.settings({ timeZone: 'Asia/Tokyo' })
    const api = await s.component('API')
    // 10 hours of partial outage on Nov 21 in Tokyo (01:00–11:00Z = 10:00–20:00 JST):
    // 10 h × 0.3 = 3 h down of 24 → 87.50%.
    await s.setStatus(api, 'operational', 'partial_outage', '2026-11-21T01:00:00Z')
    await s.setStatus(api, 'partial_outage', 'operational', '2026-11-21T11:00:00Z')
    const { html } = await page()
    expect(html).toContain(
      'class="bar status-partial_outage" aria-label="Nov 21, 2026: 87.50% uptime, no incidents"',
    )
  })

  it('marks days before a component existed as having no data', async () => {
    t = createTestApp()
    const s = seeder(t)
    await s.component('New service', { createdAt: Date.parse('2026-11-21T00:00:00Z') })
    const { html } = await page()
    const labels = barLabels(html, 'New service')
    expect(labels.at(-3)).toBe('Nov 20, 2026: no data')
    expect(labels.at(-2)).toBe('Nov 21, 2026: 100% uptime, no incidents')
    expect(html).toMatch(/class="bar nodata" aria-labelledby="ud87 ud-nodata"/)
  })

  it('states the uptime rule on the page', async () => {
    t = createTestApp()
    await seeder(t).component('API')
    const { html } = await page()
    expect(html).toContain('Time in a major outage counts fully as downtime')
    expect(html).toContain('partial outage counts 30% as downtime')
  })
})

describe('open incidents', () => {
  it('shows the public timeline newest first with status, rendered markdown and time in the page zone', async () => {
    t = createTestApp()
    const s = seeder(t)
    await s.settings({ timeZone: 'Asia/Tokyo' })
    const api = await s.component('API', { status: 'partial_outage' })
    const incident = await s.incident('Elevated errors', {
      impact: 'minor',
      startedAt: '2026-11-22T09:00:00Z',
      components: [api],
    })
    await s.event(incident, {
      at: '2026-11-22T09:00:00Z',
      body: 'We are **looking** into it.',
      status: 'investigating',
    })
    await s.event(incident, {
      at: '2026-11-22T10:30:00Z',
      body: 'Cause found: a bad deploy.',
      status: 'identified',
    })
    const { html } = await page()
    const section = between(html, 'id="open-incidents"', '</section>')
    expect(section).toContain('Elevated errors')
    const newer = section.indexOf('Cause found: a bad deploy.')
    const older = section.indexOf('We are <strong>looking</strong> into it.')
    expect(newer).toBeGreaterThan(0)
    expect(older).toBeGreaterThan(newer)
    expect(section).toContain('<p class="update-label">Identified</p>')
    expect(section).toContain('<time datetime="2026-11-22T19:30:00+09:00">Nov 22, 2026, 19:30')
    expect(section).toContain('Affected: API')
  })

  it('marks an edited update as edited', async () => {
    t = createTestApp()
    const s = seeder(t)
    const incident = await s.incident('Slow logins', { startedAt: '2026-11-22T09:00:00Z' })
    await s.event(incident, {
      at: '2026-11-22T09:00:00Z',
      body: 'Logins are slow.',
      status: 'investigating',
      editedAt: '2026-11-22T09:20:00Z',
    })
    const { html } = await page()
    expect(html).toMatch(/edited <time datetime="2026-11-22T09:20:00\+00:00">/)
  })

  it('does not let an internal note change the status customers see', async () => {
    t = createTestApp()
    const s = seeder(t)
    const incident = await s.incident('Slow logins', {
      startedAt: '2026-11-22T09:00:00Z',
      status: 'identified',
    })
    await s.event(incident, {
      at: '2026-11-22T09:00:00Z',
      body: 'Logins are slow.',
      status: 'investigating',
    })
    await s.event(incident, {
      at: '2026-11-22T09:30:00Z',
      body: 'It is the cache.',
      status: 'identified',
      visibility: 'internal',
    })
    const { html } = await page()
    expect(between(html, 'class="incident-meta"', '</p>')).toContain('Investigating')
  })
})

describe('what never reaches the public', () => {
  it('never shows an internal note on the page, the incident page or the history', async () => {
    t = createTestApp()
    const s = seeder(t)
    const api = await s.component('API')
    const incident = await s.incident('Outage', {
      startedAt: '2026-11-22T09:00:00Z',
      components: [api],
    })
    await s.event(incident, {
      at: '2026-11-22T09:00:00Z',
      body: 'We are investigating.',
      status: 'investigating',
    })
    await s.event(incident, {
      at: '2026-11-22T09:10:00Z',
      body: 'INTERNAL: root password rotated, ping Dana',
      visibility: 'internal',
      status: 'identified',
    })
    for (const path of ['/', `/incidents/${incident.id}`, '/history']) {
      const { res, html } = await page(path)
      expect(res.status, path).toBe(200)
      expect(html, path).toContain('Outage')
      expect(html, path).not.toContain('root password')
    }
  })

  it('shows HTML in names and bodies as text', async () => {
    t = createTestApp()
    const s = seeder(t)
    const api = await s.component(`API ${XSS}`)
    const incident = await s.incident(`Outage ${XSS}`, {
      startedAt: '2026-11-22T09:00:00Z',
      components: [api],
    })
    await s.event(incident, {
      at: '2026-11-22T09:00:00Z',
      body: `Body ${XSS}`,
      status: 'investigating',
    })
    await s.settings({ pageName: `Acme ${XSS}` })
    for (const path of ['/', `/incidents/${incident.id}`, '/history']) {
      const { html } = await page(path)
      expect(html, path).not.toContain(XSS)
      expect(html, path).toContain(XSS_ESCAPED)
    }
  })
})

describe('page settings', () => {
  it('falls back to the name Status and UTC when nothing is configured', async () => {
    t = createTestApp()
    const { html } = await page()
    expect(html.startsWith('<!doctype html>')).toBe(true)
    expect(html).toContain('<title>Status</title>')
    expect(html).toContain('Times are shown in <strong>UTC</strong>')
    expect(html).toContain('Powered by Herald')
    expect(html).toContain('No components to show yet.')
  })

  it('uses the configured name, logo and time zone', async () => {
    t = createTestApp()
    const s = seeder(t)
    await s.settings({
      pageName: 'Acme',
      logoUrl: 'https://cdn.example.com/acme.svg',
      timeZone: 'Europe/Berlin',
    })
    const { html } = await page()
    expect(html).toContain('<title>Acme</title>')
    expect(html).toContain(
      '<img class="brand-logo" src="https://cdn.example.com/acme.svg" alt="Acme"/>',
    )
    expect(html).toContain('Times are shown in <strong>Europe/Berlin</strong>')
  })

  it('loads its stylesheet and no inline script or style', async () => {
    t = createTestApp()
    await seeder(t).component('API')
    const { res, html } = await page()
    expect(html).toContain('<link rel="stylesheet" href="/css/page.css"/>')
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)/)
    expect(html).not.toMatch(/\sstyle=/)
    const css = await t.app.request('/css/page.css')
    expect(css.status).toBe(200)
    expect(res.headers.get('Content-Security-Policy')).toContain("script-src 'self'")
  })
})
