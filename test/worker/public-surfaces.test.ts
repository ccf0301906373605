import { parseFeed } from '@rowanmanning/feed-parser'
import ICAL from 'ical.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestWorker, type TestWorker } from '../support/worker.ts'
import { locationOf, setUpOwner, type Owner } from './owner.ts'

// Issue 5's public surfaces on Workers: the real Worker under workerd with local D1. The data is
// made as a user makes it (console forms and /api/v1), maintenance starts through the cron
// handler, and everything is read back as outside clients read it: the Statuspage v2 endpoints,
// Atom and RSS through an independent feed parser, the calendar through ical.js, badges, the
// embed and the OpenAPI document.
//
// The cron variant (startTestWorker({ cron: true })) has no [assets]: none of this needs them.

const BASE_URL = 'https://status.surfaces.test'
const NOTE = 'Internal only: the on-call rota is short this week.'
const XSS = '<script>alert(1)</script>'
const TEST_MS = 60_000

interface Data {
  groupId: string
  api: string
  web: string
  db: string
  open: string
  resolved: string
  upcoming: string
  running: string
}

const hasNote = (text: string) => text.includes('Internal only')

describe('public surfaces on Workers (v2 API, feeds, calendar, badges, embed, OpenAPI)', () => {
  let worker: TestWorker
  let owner: Owner
  const data: Partial<Data> = {}
  const need = <K extends keyof Data>(key: K): string => {
    const value = data[key]
    if (value === undefined) throw new Error(`an earlier step did not set ${key}`)
    return value
  }
  const v2 = async (path: string) => {
    const res = await worker.fetch(`/api/v2/${path}`)
    expect(res.status, path).toBe(200)
    expect(res.headers.get('access-control-allow-origin'), path).toBe('*')
    const text = await res.text()
    expect(hasNote(text), `${path} leaks the internal note`).toBe(false)
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return JSON.parse(text) as any
  }

  beforeAll(async () => {
    worker = await startTestWorker({ cron: true, vars: { BASE_URL } })
    owner = await setUpOwner(worker, { pageName: 'Surfaces Status' })
  }, 90_000)
  afterAll(async () => {
    await worker?.close()
  })

  it(
    'takes components, incidents and maintenance from the API and the console forms',
    async () => {
      const { api, browser } = owner
      const group = await api('POST', '/groups', { name: 'Platform' })
      expect(group.status).toBe(201)
      data.groupId = group.json.id
      for (const [key, name, groupId] of [
        ['api', 'Public API', group.json.id],
        ['db', 'Database', group.json.id],
        ['web', 'Website', undefined],
      ] as const) {
        const res = await api('POST', '/components', {
          name,
          ...(groupId ? { group_id: groupId } : {}),
        })
        expect(res.status).toBe(201)
        data[key] = res.json.id
      }

      const resolved = await api('POST', '/incidents', {
        name: `Old outage ${XSS}`,
        impact: 'minor',
        body: 'The website was slow.',
        components: { [need('web')]: 'degraded_performance' },
      })
      expect(resolved.status).toBe(201)
      expect(
        (await api('POST', `/incidents/${resolved.json.id}/resolve`, { body: 'All good again.' }))
          .status,
      ).toBe(200)
      data.resolved = resolved.json.id

      const open = await api('POST', '/incidents', {
        name: 'API errors',
        impact: 'major',
        body: 'Some API requests fail.',
        components: { [need('api')]: 'partial_outage' },
      })
      expect(open.status).toBe(201)
      expect(
        (
          await api('POST', `/incidents/${open.json.id}/updates`, {
            body: NOTE,
            visibility: 'internal',
          })
        ).status,
      ).toBe(201)
      data.open = open.json.id

      // Upcoming, through the console's form (local times in the page's zone, UTC here).
      const local = (ms: number) => new Date(ms).toISOString().slice(0, 16)
      await browser.get('/console/maintenance/new')
      const upcoming = await browser.post('/console/maintenance', {
        name: 'Network upgrade',
        scheduledFor: local(Date.now() + 2 * 86_400_000),
        scheduledUntil: local(Date.now() + 2 * 86_400_000 + 3_600_000),
        body: 'New routers in the main site.',
        componentIds: need('web'),
        autoStart: 'on',
        autoComplete: 'on',
        notify: 'on',
      })
      expect(upcoming.status, upcoming.text.slice(0, 500)).toBe(303)
      const upcomingId = /^\/console\/maintenance\/([^/]+)$/.exec(locationOf(upcoming))?.[1]
      expect(upcomingId).toBeDefined()
      data.upcoming = upcomingId!

      // Due already: the cron starts it.
      const now = Math.floor(Date.now() / 1000) * 1000
      const running = await api('POST', '/maintenance', {
        name: 'Database failover drill',
        body: 'Failing the primary over.',
        scheduled_for: new Date(now - 60_000).toISOString(),
        scheduled_until: new Date(now + 3_600_000).toISOString(),
        components: [need('db')],
      })
      expect(running.status).toBe(201)
      data.running = running.json.id
      await worker.scheduled()
      expect((await api('GET', `/maintenance/${running.json.id}`)).json.status).toBe('in_progress')
    },
    TEST_MS,
  )

  it(
    'shows the page, the history and the maintenance page, with names escaped and notes kept out',
    async () => {
      const page = await worker.fetch('/')
      expect(page.status).toBe(200)
      const html = await page.text()
      for (const text of ['Platform', 'Public API', 'API errors', 'Network upgrade'])
        expect(html, text).toContain(text)
      expect(html).toContain('Partial System Outage')
      expect(hasNote(html)).toBe(false)

      const history = await worker.fetch('/history')
      expect(history.status).toBe(200)
      const past = await history.text()
      expect(past).toContain(`/incidents/${need('resolved')}`)
      expect(past).not.toContain(XSS)
      expect(past).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')

      const resolved = await (await worker.fetch(`/incidents/${need('resolved')}`)).text()
      expect(resolved).not.toContain(XSS)
      expect(resolved).toContain('All good again.')

      const maintenance = await worker.fetch(`/maintenance/${need('running')}`)
      expect(maintenance.status).toBe(200)
      const text = await maintenance.text()
      expect(text).toContain('Database failover drill')
      expect(text).toContain('Failing the primary over.')
      expect((await worker.fetch('/maintenance/nope')).status).toBe(404)
    },
    TEST_MS,
  )

  it(
    'answers every Statuspage v2 endpoint in its shape, with groups, incidents and maintenance',
    async () => {
      const summary = await v2('summary.json')
      expect(summary.page).toMatchObject({
        name: 'Surfaces Status',
        url: BASE_URL,
        time_zone: 'UTC',
      })
      expect(typeof summary.page.id).toBe('string')
      expect(summary.page.updated_at).toMatch(
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/,
      )
      expect(summary.status).toEqual({ indicator: 'major', description: 'Partial System Outage' })
      const group = summary.components.find((c: { id: string }) => c.id === need('groupId'))
      expect(group).toMatchObject({ group: true, name: 'Platform' })
      expect([...group.components].sort()).toEqual([need('api'), need('db')].sort())
      const byId = (id: string) => summary.components.find((c: { id: string }) => c.id === id)
      expect(byId(need('api'))).toMatchObject({
        group: false,
        group_id: need('groupId'),
        status: 'partial_outage',
      })
      expect(byId(need('db')).status).toBe('under_maintenance')
      expect(byId(need('web'))).toMatchObject({ group_id: null, status: 'operational' })
      expect(summary.incidents.map((i: { id: string }) => i.id)).toEqual([need('open')])
      expect(summary.scheduled_maintenances.map((m: { id: string }) => m.id).sort()).toEqual(
        [need('running'), need('upcoming')].sort(),
      )

      expect((await v2('status.json')).status.indicator).toBe('major')
      expect((await v2('components.json')).components).toEqual(summary.components)

      const incidents = (await v2('incidents.json')).incidents
      expect(incidents.map((i: { id: string }) => i.id)).toEqual([need('open'), need('resolved')])
      const [open, resolved] = incidents
      expect(open).toMatchObject({ status: 'investigating', impact: 'major', resolved_at: null })
      expect(open.incident_updates.map((u: { body: string }) => u.body)).toEqual([
        'Some API requests fail.',
      ])
      expect(open.components.map((c: { id: string }) => c.id)).toEqual([need('api')])
      expect(resolved.status).toBe('resolved')
      expect(resolved.resolved_at).not.toBeNull()
      // Newest first.
      expect(resolved.incident_updates.map((u: { body: string }) => u.body)).toEqual([
        'All good again.',
        'The website was slow.',
      ])
      expect(resolved.incident_updates[0].affected_components).toEqual(expect.any(Array))
      expect(
        (await v2('incidents/unresolved.json')).incidents.map((i: { id: string }) => i.id),
      ).toEqual([need('open')])

      const all = (await v2('scheduled-maintenances.json')).scheduled_maintenances
      const statusOf = Object.fromEntries(
        all.map((m: { id: string; status: string }) => [m.id, m.status]),
      )
      expect(statusOf).toEqual({
        [need('upcoming')]: 'scheduled',
        [need('running')]: 'in_progress',
      })
      const upcoming = (await v2('scheduled-maintenances/upcoming.json')).scheduled_maintenances
      expect(upcoming.map((m: { id: string }) => m.id)).toEqual([need('upcoming')])
      expect(upcoming[0].components.map((c: { id: string }) => c.id)).toEqual([need('web')])
      const active = (await v2('scheduled-maintenances/active.json')).scheduled_maintenances
      expect(active.map((m: { id: string }) => m.id)).toEqual([need('running')])
    },
    TEST_MS,
  )

  it(
    'revalidates summary.json by ETag, and a write changes it within seconds',
    async () => {
      const first = await worker.fetch('/api/v2/summary.json')
      const etag = first.headers.get('etag')
      expect(etag).toBeTruthy()
      await first.arrayBuffer()
      expect(
        (await worker.fetch('/api/v2/summary.json', { headers: { 'If-None-Match': etag! } }))
          .status,
      ).toBe(304)
      const posted = await owner.api('POST', `/incidents/${need('open')}/updates`, {
        body: 'A fix is rolling out.',
        status: 'monitoring',
      })
      expect(posted.status).toBe(201)
      const deadline = Date.now() + 5_000
      let status = 304
      while (status === 304 && Date.now() < deadline) {
        const res = await worker.fetch('/api/v2/summary.json', {
          headers: { 'If-None-Match': etag! },
        })
        status = res.status
        if (status === 200) expect(await res.text()).toContain('A fix is rolling out.')
        else await new Promise((r) => setTimeout(r, 100))
      }
      expect(status).toBe(200)
    },
    TEST_MS,
  )

  it(
    'publishes Atom and RSS that a feed parser reads, newest first, with names escaped',
    async () => {
      for (const [path, type] of [
        ['/feed.atom', /application\/atom\+xml/],
        ['/feed.rss', /application\/rss\+xml/],
      ] as const) {
        const res = await worker.fetch(path)
        expect(res.status, path).toBe(200)
        expect(res.headers.get('content-type'), path).toMatch(type)
        const xml = await res.text()
        expect(hasNote(xml), path).toBe(false)
        expect(xml, path).not.toContain(XSS)
        const feed = parseFeed(xml)
        const titles = feed.items.map((i) => i.title ?? '')
        // Incidents and maintenance on one feed; the XSS text survives as text only.
        expect(
          titles.some((t) => t.includes('API errors')),
          path,
        ).toBe(true)
        expect(
          titles.some((t) => t.includes(`Old outage ${XSS}`)),
          path,
        ).toBe(true)
        expect(
          titles.some((t) => t.includes('Network upgrade')),
          path,
        ).toBe(true)
        const links = feed.items.map((i) => i.url)
        expect(links, path).toContain(`${BASE_URL}/incidents/${need('open')}`)
        // Newest first by start: the window in two days, the incident opened last, the one opened
        // before it, then the window that began a minute before this test ran.
        const order = ['Network upgrade', 'API errors', 'Old outage', 'Database failover drill']
        expect(
          titles.map((t) => order.findIndex((name) => t.includes(name))),
          path,
        ).toEqual([0, 1, 2, 3])
      }
      const incidentRss = await worker.fetch(`/incidents/${need('resolved')}/feed.rss`)
      expect(incidentRss.status).toBe(200)
      const items = parseFeed(await incidentRss.text()).items
      expect(items.map((i) => i.content ?? i.description ?? '').join(' ')).toContain(
        'All good again.',
      )
      expect(items).toHaveLength(2)
    },
    TEST_MS,
  )

  it(
    'publishes a maintenance calendar that ical.js reads, and marks a cancelled window CANCELLED',
    async () => {
      const read = async () => {
        const res = await worker.fetch('/maintenance.ics')
        expect(res.status).toBe(200)
        expect(res.headers.get('content-type')).toMatch(/^text\/calendar/)
        const calendar = new ICAL.Component(ICAL.parse(await res.text()))
        return calendar.getAllSubcomponents('vevent').map((v) => ({
          uid: String(v.getFirstPropertyValue('uid')),
          summary: String(v.getFirstPropertyValue('summary')),
          status: String(v.getFirstPropertyValue('status') ?? ''),
          sequence: Number(v.getFirstPropertyValue('sequence') ?? 0),
        }))
      }
      const before = await read()
      const upcoming = before.find((e) => e.summary.includes('Network upgrade'))
      expect(upcoming).toBeDefined()
      expect(before.some((e) => e.summary.includes('Database failover drill'))).toBe(true)

      const { browser } = owner
      await browser.get(`/console/maintenance/${need('upcoming')}`)
      const cancelled = await browser.post(`/console/maintenance/${need('upcoming')}/cancel`)
      expect(cancelled.status, cancelled.text.slice(0, 300)).toBe(303)

      const after = await read()
      const same = after.find((e) => e.uid === upcoming!.uid)
      expect(same).toMatchObject({ status: 'CANCELLED' })
      expect(same!.sequence).toBeGreaterThan(upcoming!.sequence)
    },
    TEST_MS,
  )

  it(
    'serves SVG badges for the page and a component, cacheable and revalidated by ETag',
    async () => {
      const page = await worker.fetch('/badge.svg')
      expect(page.status).toBe(200)
      expect(page.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8')
      expect(page.headers.get('cache-control')).toMatch(/^public/)
      const svg = await page.text()
      expect(svg).toMatch(/^<svg[^>]+aria-label="status: partial outage"/)
      const etag = page.headers.get('etag')!
      expect(
        (await worker.fetch('/badge.svg', { headers: { 'If-None-Match': etag } })).status,
      ).toBe(304)

      const component = await worker.fetch(`/components/${need('db')}/badge.svg`)
      expect(component.status).toBe(200)
      expect(await component.text()).toContain('aria-label="Database: under maintenance"')
      expect((await worker.fetch('/components/nope/badge.svg')).status).toBe(404)
    },
    TEST_MS,
  )

  it(
    'serves the embeddable widget with a policy that lets any site frame it',
    async () => {
      const res = await worker.fetch('/embed')
      expect(res.status).toBe(200)
      expect(res.headers.get('content-security-policy')).toContain('frame-ancestors *')
      expect(res.headers.get('x-frame-options')).toBeNull()
      const html = await res.text()
      expect(html).toContain('Partial System Outage')
      expect(html).toContain('API errors')
      // The page itself may still only be framed by itself.
      const pageRes = await worker.fetch('/')
      expect(pageRes.headers.get('content-security-policy')).toContain("frame-ancestors 'self'")
      await pageRes.arrayBuffer()
    },
    TEST_MS,
  )

  it(
    'describes the admin API in /api/v1/openapi.json and renders it on /api/v1/docs',
    async () => {
      const res = await worker.fetch('/api/v1/openapi.json')
      expect(res.status).toBe(200)
      const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> }
      expect(doc.openapi).toMatch(/^3\./)
      for (const path of ['/incidents', '/incidents/{id}/updates', '/maintenance', '/subscribers'])
        expect(
          Object.keys(doc.paths).some((p) => p.endsWith(path)),
          path,
        ).toBe(true)
      const docs = await worker.fetch('/api/v1/docs')
      expect(docs.status).toBe(200)
      expect(await docs.text()).toContain('/incidents/{id}/updates')
    },
    TEST_MS,
  )
})
