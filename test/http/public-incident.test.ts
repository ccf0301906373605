import { afterEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/app.ts'
import { between, seeder } from './public-seed.ts'

// TEST_NOW is 2026-11-22T12:00:00Z.
let t: TestApp
afterEach(() => t?.close())

describe('GET /incidents/:id', () => {
  it('shows a resolved incident: name, impact, status, affected components, times and duration', async () => {
    t = createTestApp()
    const s = seeder(t)
    await s.settings({ timeZone: 'America/New_York' })
    const api = await s.component('API')
    const hidden = await s.component('Shard 7', { visible: false })
    const incident = await s.incident('Checkout failures', {
      impact: 'critical',
      startedAt: '2026-11-10T14:00:00Z',
      resolvedAt: '2026-11-10T16:30:00Z',
      components: [api, hidden],
    })
    await s.event(incident, {
      at: '2026-11-10T14:00:00Z',
      body: 'Investigating failures.',
      status: 'investigating',
    })
    await s.event(incident, {
      at: '2026-11-10T16:30:00Z',
      body: 'All payments go through again.',
      status: 'resolved',
    })

    const res = await t.app.request(`/incidents/${incident.id}`)
    const html = await res.text()
    expect(res.status).toBe(200)
    expect(html).toContain('<title>Checkout failures · Acme Status</title>')
    expect(html).toContain('<h1 class="incident-title">Checkout failures</h1>')
    expect(html).toContain('Critical impact')
    expect(html).toContain('<span class="badge">Resolved</span>')
    // New York is UTC−5 in November.
    expect(between(html, '<dt>Started</dt>', '</div>')).toContain(
      '<time datetime="2026-11-10T09:00:00-05:00">Nov 10, 2026, 09:00 EST</time>',
    )
    expect(between(html, '<dt>Resolved</dt>', '</div>')).toContain(
      '<time datetime="2026-11-10T11:30:00-05:00">',
    )
    expect(between(html, '<dt>Duration</dt>', '</div>')).toContain('2h 30m')
    const affected = between(html, '<dt>Affected components</dt>', '</div>')
    expect(affected).toContain('API')
    expect(affected).not.toContain('Shard 7')
    const updates = between(html, 'class="incident-updates"', '</section>')
    expect(updates.indexOf('All payments go through again.')).toBeLessThan(
      updates.indexOf('Investigating failures.'),
    )
  })

  it('says how long an ongoing incident has lasted so far', async () => {
    t = createTestApp()
    const s = seeder(t)
    const incident = await s.incident('Slow search', { startedAt: '2026-11-22T10:45:00Z' })
    const html = await (await t.app.request(`/incidents/${incident.id}`)).text()
    expect(between(html, '<dt>Resolved</dt>', '</div>')).toContain('Not yet')
    expect(between(html, '<dt>Duration</dt>', '</div>')).toContain('1h 15m so far')
    expect(html).toContain('No updates have been posted yet.')
  })

  it('answers an unknown incident with a 404 page', async () => {
    t = createTestApp()
    const res = await t.app.request('/incidents/does-not-exist')
    expect(res.status).toBe(404)
    expect(res.headers.get('Content-Type')).toContain('text/html')
    expect(await res.text()).toContain('Not found')
  })

  it('answers 404, not 500, for odd ids', async () => {
    t = createTestApp()
    for (const id of ['%3Cscript%3E', 'x'.repeat(2000), "1'%20OR%20'1'='1", '%00']) {
      const res = await t.app.request(`/incidents/${id}`)
      expect(res.status, id.slice(0, 20)).toBe(404)
    }
  })
})
