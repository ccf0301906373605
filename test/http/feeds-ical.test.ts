import { parseFeed } from '@rowanmanning/feed-parser'
import ICAL from 'ical.js'
import { afterEach, describe, expect, it } from 'vitest'
import { CLI_ACTOR } from '../../src/app/actor.ts'
import { scheduleMaintenance, updateMaintenance } from '../../src/app/maintenance.ts'
import { createTestApp, TEST_NOW, type TestApp } from '../support/app.ts'
import { DAY, HOUR, MINUTE, seedMaintenance, seedScenario, XSS } from './api-v2-fixture.ts'
import { seeder } from './public-seed.ts'

// The maintenance calendar is read back with an independent parser (ical.js), as a calendar app
// would; the Atom and RSS page feeds with @rowanmanning/feed-parser.

let t: TestApp
afterEach(() => t?.close())

const BASE = 'https://status.acme.example'

async function fetchCalendar(headers: Record<string, string> = {}) {
  const res = await t.app.request('/maintenance.ics', { headers })
  expect(res.status).toBe(200)
  const text = await res.text()
  const calendar = new ICAL.Component(ICAL.parse(text))
  const events = calendar.getAllSubcomponents('vevent').map((vevent) => {
    const event = new ICAL.Event(vevent)
    return {
      uid: event.uid,
      summary: event.summary,
      description: event.description,
      start: event.startDate.toJSDate().getTime(),
      end: event.endDate.toJSDate().getTime(),
      utc: event.startDate.zone?.tzid === 'UTC' && event.endDate.zone?.tzid === 'UTC',
      sequence: event.sequence,
      status: vevent.getFirstPropertyValue('status'),
      url: vevent.getFirstPropertyValue('url'),
    }
  })
  return { res, text, calendar, events }
}

describe('the maintenance calendar (/maintenance.ics)', () => {
  it('has one event per maintenance, in UTC, with stable ids, links and the latest update', async () => {
    t = createTestApp()
    const s = await seedScenario(t)
    const m = await seedMaintenance(t, s)
    const { res, calendar, events } = await fetchCalendar()
    expect(res.headers.get('Content-Type')).toBe('text/calendar; charset=utf-8')
    expect(calendar.getFirstPropertyValue('version')).toBe('2.0')
    expect(String(calendar.getFirstPropertyValue('prodid'))).toContain('Herald')

    const byName = new Map(events.map((e) => [e.summary, e]))
    expect([...byName.keys()].sort()).toEqual([
      'Certificate rotation',
      'Database upgrade',
      'Network switch replacement',
      'Old plan',
    ])
    expect(byName.get('Database upgrade')).toEqual({
      uid: `${m.completed.id}@status.acme.example`,
      summary: 'Database upgrade',
      // The latest update, as plain text.
      description: 'Scheduled maintenance has been completed.',
      start: TEST_NOW - 3 * DAY,
      end: TEST_NOW - 3 * DAY + 2 * HOUR,
      utc: true,
      sequence: 0,
      status: 'CONFIRMED',
      url: `${BASE}/maintenance/${m.completed.id}`,
    })
    expect(byName.get('Certificate rotation')).toMatchObject({
      uid: `${m.upcoming.id}@status.acme.example`,
      description: 'Rotating TLS certificates.',
      start: TEST_NOW + DAY,
      end: TEST_NOW + DAY + 30 * MINUTE,
      status: 'CONFIRMED',
    })
  })

  it('marks a cancelled window CANCELLED with a higher SEQUENCE, keeping its UID', async () => {
    t = createTestApp()
    const s = await seedScenario(t)
    const m = await seedMaintenance(t, s)
    const { events } = await fetchCalendar()
    const cancelled = events.find((e) => e.summary === 'Old plan')
    expect(cancelled).toMatchObject({
      uid: `${m.cancelled.id}@status.acme.example`,
      status: 'CANCELLED',
      sequence: 1,
      description: 'Called off.',
    })
  })

  it('keeps the UID across a reschedule, bumps SEQUENCE and moves the times, with a fresh answer', async () => {
    t = createTestApp()
    await seeder(t).settings({ pageUrl: 'https://status.acme.example' })
    const start = TEST_NOW + DAY
    const m = await scheduleMaintenance(t.deps, CLI_ACTOR, {
      name: 'Storage migration',
      body: 'Moving volumes.',
      scheduledFor: start,
      scheduledUntil: start + HOUR,
    })
    const first = await fetchCalendar()
    const etag = first.res.headers.get('ETag')!
    expect(etag).toMatch(/^"[0-9a-f]{40}"$/)
    expect(first.res.headers.get('Cache-Control')).toMatch(/^public, max-age=\d+/)
    expect(
      (await t.app.request('/maintenance.ics', { headers: { 'If-None-Match': etag } })).status,
    ).toBe(304)
    expect(first.events).toEqual([
      expect.objectContaining({ uid: `${m.id}@status.acme.example`, sequence: 0, start }),
    ])

    t.clock.advance(MINUTE)
    await updateMaintenance(t.deps, CLI_ACTOR, m.id, {
      scheduledFor: start + 2 * HOUR,
      scheduledUntil: start + 4 * HOUR,
      body: 'Moved two hours later.',
    })
    const second = await fetchCalendar({ 'If-None-Match': etag })
    expect(second.res.headers.get('ETag')).not.toBe(etag)
    expect(second.events).toEqual([
      expect.objectContaining({
        uid: `${m.id}@status.acme.example`,
        sequence: 1,
        start: start + 2 * HOUR,
        end: start + 4 * HOUR,
        description: 'Moved two hours later.',
        status: 'CONFIRMED',
      }),
    ])
    // An edit that does not move the window is not a new version of the event.
    await updateMaintenance(t.deps, CLI_ACTOR, m.id, { name: 'Storage migration (phase 1)' })
    const third = await fetchCalendar()
    expect(third.events[0]).toMatchObject({ sequence: 1, summary: 'Storage migration (phase 1)' })
  })

  it('renders the same calendar again while nothing changed (no "now" in it)', async () => {
    t = createTestApp()
    await scheduleMaintenance(t.deps, CLI_ACTOR, {
      name: 'Anything',
      body: 'x',
      scheduledFor: TEST_NOW + HOUR,
      scheduledUntil: TEST_NOW + 2 * HOUR,
    })
    const a = await (await t.app.request('/maintenance.ics')).text()
    await t.deps.pageCache.invalidate()
    t.clock.advance(HOUR)
    const b = await (await t.app.request('/maintenance.ics')).text()
    expect(b).toBe(a)
  })

  it('keeps an XSS payload in a name as inert text', async () => {
    t = createTestApp()
    const m = await scheduleMaintenance(t.deps, CLI_ACTOR, {
      name: XSS,
      body: `Body with ${XSS}; commas, and\nlines`,
      scheduledFor: TEST_NOW + HOUR,
      scheduledUntil: TEST_NOW + 2 * HOUR,
    })
    const { text, events } = await fetchCalendar()
    expect(events[0]!.summary).toBe(XSS)
    expect(events[0]!.description).toBe(`Body with ${XSS}; commas, and\nlines`)
    expect(events[0]!.uid).toBe(`${m.id}@localhost`)
    // Plain TEXT values only: no HTML alternative a client could render.
    expect(text).not.toMatch(/X-ALT-DESC|text\/html/i)
  })

  it('is an empty, valid calendar when nothing is scheduled', async () => {
    t = createTestApp()
    const { events, calendar } = await fetchCalendar()
    expect(events).toEqual([])
    expect(calendar.name).toBe('vcalendar')
  })
})

describe('the page feeds with maintenance', () => {
  it.each(['atom', 'rss'] as const)(
    'list maintenance entries among incidents, newest first (%s)',
    async (format) => {
      t = createTestApp()
      const s = await seedScenario(t)
      const m = await seedMaintenance(t, s)
      const res = await t.app.request(`/feed.${format}`)
      const feed = parseFeed(await res.text())
      // Incidents by their start, maintenance by its window's start.
      expect(feed.items.map((i) => i.title)).toEqual([
        'Maintenance: Old plan',
        'Maintenance: Certificate rotation',
        'Maintenance: Network switch replacement',
        'Slow API',
        'Login failures',
        'Maintenance: Database upgrade',
      ])
      const done = feed.items[5]!
      expect(done.url).toBe(`${BASE}/maintenance/${m.completed.id}`)
      expect(done.id).toBe(`${BASE}/maintenance/${m.completed.id}`)
      expect(done.description).toBe('Completed: Scheduled maintenance has been completed.')
      expect(done.content).toContain('Checking replicas.')
      expect(done.content).toContain('We will upgrade the <strong>database</strong>.')
      expect(done.content).toContain('Affected: Dashboard')
      expect(feed.items[0]!.description).toBe('Cancelled: Called off.')
      const upcoming = feed.items[1]!
      expect(upcoming.content).toContain('Affected: API')
      expect(upcoming.content).not.toContain('Secret backend')
    },
  )

  it.each(['atom', 'rss'] as const)(
    'keeps an XSS payload in a maintenance name as text (%s)',
    async (format) => {
      t = createTestApp()
      await scheduleMaintenance(t.deps, CLI_ACTOR, {
        name: XSS,
        body: XSS,
        scheduledFor: TEST_NOW + HOUR,
        scheduledUntil: TEST_NOW + 2 * HOUR,
      })
      const xml = await (await t.app.request(`/feed.${format}`)).text()
      const feed = parseFeed(xml)
      // Nowhere as markup, not raw and not inside CDATA; the title decodes to the name again.
      // (Checked in the XML: this parser entity-decodes content once more, as feeds.test notes.)
      expect(xml).not.toContain('<img')
      expect(xml).toContain('&lt;img src=x onerror=alert(1)&gt;')
      expect(feed.items[0]!.title).toBe(`Maintenance: ${XSS}`)
    },
  )
})
