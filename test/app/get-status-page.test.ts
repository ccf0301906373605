import { afterEach, describe, expect, it } from 'vitest'
import { formatUptime, getStatusPage, uptimeLabel } from '../../src/app/get-status-page.ts'
import { createTestApp, type TestApp } from '../support/app.ts'
import { seeder } from '../http/public-seed.ts'

// TEST_NOW is 2026-11-22T12:00:00Z.
let t: TestApp
afterEach(() => t?.close())

describe('formatUptime', () => {
  it('rounds down so that any downtime never reads 100%', () => {
    expect(formatUptime(1)).toBe('100%')
    expect(formatUptime(0.99999)).toBe('99.99%')
    expect(formatUptime(0.875)).toBe('87.50%')
    expect(formatUptime(0.9999)).toBe('99.99%')
    expect(formatUptime(0)).toBe('0.00%')
  })
})

describe('uptimeLabel', () => {
  it('names the date, the uptime and the incidents of a day', () => {
    const incidents = [
      { id: 'a', name: 'API outage' },
      { id: 'b', name: 'Slow logins' },
    ]
    expect(uptimeLabel('Nov 3, 2026', { uptime: 0.9912, incidents: incidents.slice(0, 1) })).toBe(
      'Nov 3, 2026: 99.12% uptime, 1 incident: API outage',
    )
    expect(uptimeLabel('Nov 3, 2026', { uptime: 0.5, incidents })).toBe(
      'Nov 3, 2026: 50.00% uptime, 2 incidents: API outage; Slow logins',
    )
    expect(uptimeLabel('Nov 3, 2026', { uptime: 1, incidents: [] })).toBe(
      'Nov 3, 2026: 100% uptime, no incidents',
    )
    expect(uptimeLabel('Nov 3, 2026', { uptime: null, incidents: [] })).toBe('Nov 3, 2026: no data')
  })
})

describe('getStatusPage', () => {
  it('orders sections like the console and leaves hidden components and empty groups out', async () => {
    t = createTestApp()
    const s = seeder(t)
    const core = await s.group('Core', { position: 1 })
    const hiddenOnly = await s.group('Back office', { position: 2 })
    await s.component('Website', { position: 3 })
    await s.component('CDN', { groupId: core.id, position: 2, status: 'degraded_performance' })
    await s.component('API', { groupId: core.id, position: 1 })
    await s.component('Ledger', { groupId: hiddenOnly.id, visible: false })

    const view = await getStatusPage(t.deps)
    expect(
      view.sections.map((sec) =>
        sec.kind === 'group'
          ? `${sec.name} [${sec.components.map((c) => c.name).join(', ')}] ${sec.status}`
          : sec.component.name,
      ),
    ).toEqual(['Core [API, CDN] degraded_performance', 'Website'])
    expect(view.rollup).toEqual({ indicator: 'minor', description: 'Partially Degraded Service' })
    expect(view.page).toEqual({ name: 'Status', logoUrl: null, timeZone: 'UTC' })
  })

  it('gives each component 90 bars ending today, with the worst status of each day', async () => {
    t = createTestApp()
    const s = seeder(t)
    const api = await s.component('API')
    await s.setStatus(api, 'operational', 'degraded_performance', '2026-11-21T08:00:00Z')
    await s.setStatus(api, 'degraded_performance', 'major_outage', '2026-11-21T09:00:00Z')
    await s.setStatus(api, 'major_outage', 'operational', '2026-11-21T09:36:00Z')
    const view = await getStatusPage(t.deps)
    const section = view.sections[0]!
    if (section.kind !== 'component') throw new Error('expected a component')
    const bars = section.component.bars
    expect(bars).toHaveLength(90)
    expect(bars[0]!.date).toBe('2026-08-25')
    expect(bars[89]!.date).toBe('2026-11-22')
    // 36 minutes down of 1,440: 97.50%; degraded time counts as up.
    expect(bars[88]).toEqual({
      date: '2026-11-21',
      status: 'major_outage',
      label: 'Nov 21, 2026: 97.50% uptime, no incidents',
      day: 88,
      summary: null,
    })
    expect(bars[89]!.status).toBe('operational')
    // A quiet day is marked so the page can label it by reference to shared text.
    expect(bars[89]!.summary).toBe('ok')
    expect(view.dayLabels[88]).toBe('Nov 21, 2026')
  })

  it('shows open incidents with public updates only, newest first, in the page time zone', async () => {
    t = createTestApp()
    const s = seeder(t)
    await s.settings({ timeZone: 'Europe/Berlin' })
    const api = await s.component('API')
    const incident = await s.incident('Errors', {
      startedAt: '2026-11-22T09:00:00Z',
      components: [api],
      impact: 'critical',
    })
    await s.incident('Old', {
      startedAt: '2026-11-01T09:00:00Z',
      resolvedAt: '2026-11-01T10:00:00Z',
    })
    await s.event(incident, { at: '2026-11-22T09:00:00Z', body: 'first', status: 'investigating' })
    await s.event(incident, {
      at: '2026-11-22T09:30:00Z',
      body: 'secret',
      visibility: 'internal',
      status: 'monitoring',
    })
    await s.event(incident, { at: '2026-11-22T10:00:00Z', body: 'second' })

    const view = await getStatusPage(t.deps)
    expect(view.rollup.indicator).toBe('critical')
    expect(view.openIncidents.map((i) => i.name)).toEqual(['Errors'])
    const [open] = view.openIncidents
    expect(open!.status).toBe('investigating')
    expect(open!.updates.map((u) => [u.body, u.label])).toEqual([
      ['second', 'Update'],
      ['first', 'Investigating'],
    ])
    expect(open!.updates[0]!.at).toEqual({
      iso: '2026-11-22T11:00:00+01:00',
      text: 'Nov 22, 2026, 11:00 CET',
    })
    expect(open!.components.map((c) => c.name)).toEqual(['API'])
    expect(open!.duration).toBe('3h')
  })
})
