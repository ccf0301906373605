import { afterEach, describe, expect, it } from 'vitest'
import { CLI_ACTOR } from '../../src/app/actor.ts'
import { createComponent } from '../../src/app/components.ts'
import {
  cancelMaintenance,
  postMaintenanceUpdate,
  runMaintenanceTransitions,
  scheduleMaintenance,
} from '../../src/app/maintenance.ts'
import { createTestApp, TEST_NOW, type TestApp } from '../support/app.ts'
import { DAY, HOUR, MINUTE, seedMaintenance, seedScenario, XSS } from './api-v2-fixture.ts'
import { between, seeder } from './public-seed.ts'

// Scheduled maintenance on the public page and its own page. TEST_NOW is 2026-11-22T12:00:00Z,
// 07:00 EST in America/New_York.

let t: TestApp
afterEach(() => t?.close())

async function page(path = '/', headers: Record<string, string> = {}) {
  const res = await t.app.request(path, { headers })
  return { res, html: await res.text() }
}

const XSS_ESCAPED = '&lt;img src=x onerror=alert(1)&gt;'

describe('maintenance on the front page', () => {
  it('shows running maintenance above the components with its latest update, and upcoming maintenance with its window and components', async () => {
    t = createTestApp()
    const s = await seedScenario(t)
    await seedMaintenance(t, s)
    const { html } = await page()

    const running = between(html, 'id="maintenance-in-progress"', '</section>')
    expect(running).toContain('Maintenance in progress')
    expect(running).toContain('Network switch replacement')
    expect(running).toContain('In progress')
    // Its latest update only: the automatic start, not the announcement.
    expect(running).toContain('Scheduled maintenance is now in progress.')
    expect(running).not.toContain('Replacing a core switch.')
    expect(running).toContain('Affected: Website')
    expect(html.indexOf('id="maintenance-in-progress"')).toBeLessThan(
      html.indexOf('id="component-list"'),
    )

    const upcoming = between(html, 'id="upcoming-maintenance"', '</section>')
    expect(upcoming).toContain('Certificate rotation')
    // The window in the page's zone, machine-readable; the end on the same day as a time.
    expect(upcoming).toContain(
      '<time datetime="2026-11-23T07:00:00-05:00">Nov 23, 2026, 07:00 EST</time>',
    )
    expect(upcoming).toContain('<time datetime="2026-11-23T07:30:00-05:00">07:30</time>')
    expect(upcoming).toContain('Affected: API')
    expect(upcoming).toContain('Rotating TLS certificates.')
    expect(html).not.toContain('Secret backend')
    // Cancelled and completed windows are not on the front page.
    expect(html).not.toContain('Old plan')
    expect(html).not.toContain('Database upgrade')
    expect(html).toContain('<link rel="alternate" type="text/calendar"')
  })

  it('shows neither section while there is no maintenance', async () => {
    t = createTestApp()
    await seeder(t).component('API')
    const { html } = await page()
    expect(html).not.toContain('id="maintenance-in-progress"')
    expect(html).not.toContain('id="upcoming-maintenance"')
  })

  it('says Service Under Maintenance while one runs and nothing is worse, refreshed when it starts and ends on time', async () => {
    t = createTestApp()
    const api = await createComponent(t.deps, CLI_ACTOR, { name: 'API' })
    const start = TEST_NOW + HOUR
    await scheduleMaintenance(t.deps, CLI_ACTOR, {
      name: 'Database upgrade',
      body: 'Upgrading the primary.',
      scheduledFor: start,
      scheduledUntil: start + HOUR,
      componentIds: [api.id],
    })
    const before = await page()
    const etag = before.res.headers.get('ETag')!
    expect(between(before.html, 'id="status-banner"', '</section>')).toContain(
      'All Systems Operational',
    )
    expect(before.html).toContain('id="upcoming-maintenance"')

    // The transition is a write: it clears the cached page like any other.
    t.clock.set(start)
    await runMaintenanceTransitions(t.deps)
    const during = await page('/', { 'If-None-Match': etag })
    expect(during.res.status).toBe(200)
    const banner = between(during.html, 'id="status-banner"', '</section>')
    expect(banner).toContain('indicator-maintenance')
    expect(banner).toContain('Service Under Maintenance')
    expect(during.html).toContain('id="maintenance-in-progress"')
    expect(during.html).not.toContain('id="upcoming-maintenance"')
    expect(between(during.html, 'id="component-list"', '</section>')).toContain('Under Maintenance')

    t.clock.set(start + HOUR)
    await runMaintenanceTransitions(t.deps)
    const after = await page()
    expect(between(after.html, 'id="status-banner"', '</section>')).toContain(
      'All Systems Operational',
    )
    expect(after.html).not.toContain('id="maintenance-in-progress"')
  })

  it('lets an incident outrank maintenance in the banner', async () => {
    t = createTestApp()
    const s = seeder(t)
    const api = await s.component('API')
    await s.incident('Database failover', {
      impact: 'major',
      startedAt: '2026-11-22T11:00:00Z',
      components: [api],
    })
    await scheduleMaintenance(t.deps, CLI_ACTOR, {
      name: 'Backups',
      body: 'x',
      scheduledFor: TEST_NOW - MINUTE,
      scheduledUntil: TEST_NOW + HOUR,
    })
    await runMaintenanceTransitions(t.deps)
    const { html } = await page()
    expect(between(html, 'id="status-banner"', '</section>')).toContain('Partial System Outage')
    expect(html).toContain('id="maintenance-in-progress"')
  })
})

describe('the maintenance page', () => {
  it('shows the window, progress, components and the whole timeline newest first', async () => {
    t = createTestApp()
    const s = await seedScenario(t)
    const m = await seedMaintenance(t, s)
    const { res, html } = await page(`/maintenance/${m.completed.id}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('ETag')).toMatch(/^"[0-9a-f]{40}"$/)
    expect(html).toContain('<h1 class="incident-title">Database upgrade</h1>')
    expect(html).toContain('Completed')
    expect(html).toContain(
      '<time datetime="2026-11-19T07:00:00-05:00">Nov 19, 2026, 07:00 EST</time>',
    )
    expect(html).toContain('<time datetime="2026-11-19T09:00:00-05:00">09:00</time>')
    const updates = between(html, '<ol class="timeline">', '</ol>')
    const order = [
      'Scheduled maintenance has been completed.',
      'Checking replicas.',
      'Scheduled maintenance is now in progress.',
      'We will upgrade the <strong>database</strong>.',
    ].map((text) => updates.indexOf(text))
    expect(order.every((i) => i >= 0)).toBe(true)
    expect([...order].sort((a, b) => a - b)).toEqual(order)
    expect(updates).toContain('Verifying')
  })

  it('says a cancelled maintenance was cancelled', async () => {
    t = createTestApp()
    const s = await seedScenario(t)
    const m = await seedMaintenance(t, s)
    const { res, html } = await page(`/maintenance/${m.cancelled.id}`)
    expect(res.status).toBe(200)
    expect(html).toContain('Cancelled')
    expect(html).toContain('This maintenance was cancelled on')
    expect(html).toContain('will not')
    expect(html).toContain('Called off.')
  })

  it('answers an unknown id with a 404 page', async () => {
    t = createTestApp()
    const { res, html } = await page('/maintenance/nope')
    expect(res.status).toBe(404)
    expect(html).toContain('<html')
  })

  it('shows a new update after it is posted (the cache is cleared)', async () => {
    t = createTestApp()
    const m = await scheduleMaintenance(t.deps, CLI_ACTOR, {
      name: 'Upgrade',
      body: 'Planned.',
      scheduledFor: TEST_NOW + DAY,
      scheduledUntil: TEST_NOW + DAY + HOUR,
    })
    expect((await page(`/maintenance/${m.id}`)).html).not.toContain('Moved on.')
    t.clock.advance(MINUTE)
    await postMaintenanceUpdate(t.deps, CLI_ACTOR, m.id, { body: 'Moved on.' })
    expect((await page(`/maintenance/${m.id}`)).html).toContain('Moved on.')
    await cancelMaintenance(t.deps, CLI_ACTOR, m.id)
    expect((await page('/')).html).not.toContain('Upgrade')
    expect((await page(`/maintenance/${m.id}`)).html).toContain('This maintenance was cancelled')
  })

  it('keeps an XSS payload in a name or message as text', async () => {
    t = createTestApp()
    const m = await scheduleMaintenance(t.deps, CLI_ACTOR, {
      name: XSS,
      body: `Body ${XSS} <script>alert(2)</script>`,
      scheduledFor: TEST_NOW + HOUR,
      scheduledUntil: TEST_NOW + 2 * HOUR,
    })
    for (const path of ['/', `/maintenance/${m.id}`]) {
      const { html } = await page(path)
      expect(html, path).not.toContain('<img src=x')
      expect(html, path).not.toContain('<script>alert(2)')
      expect(html, path).toContain(XSS_ESCAPED)
    }
  })
})
