import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { CLI_ACTOR } from '../../src/app/actor.ts'
import { createComponent } from '../../src/app/components.ts'
import { runMaintenanceTransitions, scheduleMaintenance } from '../../src/app/maintenance.ts'
import { postIncidentUpdate } from '../../src/app/post-incident-update.ts'
import { createTestApp, TEST_NOW, type TestApp } from '../support/app.ts'
import { HOUR, INTERNAL_NOTE, MINUTE, seedMaintenance, seedScenario } from './api-v2-fixture.ts'
import { seeder } from './public-seed.ts'

// Contract tests: every /api/v2 answer is parsed strictly against the shapes Statuspage documents
// for its public v2 API (field names, types, enums, nulls), and fields come in Statuspage's order.

let t: TestApp
afterEach(() => t?.close())

// --- the documented Statuspage shapes --------------------------------------------------------

/** ISO-8601 with an explicit numeric offset, as Statuspage writes times in the page's zone. */
const Iso = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?[+-]\d{2}:\d{2}$/)
const Id = z.string().min(1)
const ComponentStatus = z.enum([
  'operational',
  'degraded_performance',
  'partial_outage',
  'major_outage',
  'under_maintenance',
])
const IncidentStatus = z.enum([
  'investigating',
  'identified',
  'monitoring',
  'resolved',
  'postmortem',
])
const MaintenanceStatus = z.enum(['scheduled', 'in_progress', 'verifying', 'completed'])
const Impact = z.enum(['none', 'minor', 'major', 'critical'])

const Page = z.strictObject({
  id: Id,
  name: z.string(),
  url: z.url({ protocol: /^https?$/ }),
  time_zone: z.string(),
  updated_at: Iso,
})
const Status = z.strictObject({
  indicator: z.enum(['none', 'minor', 'major', 'critical', 'maintenance']),
  description: z.enum([
    'All Systems Operational',
    'Partially Degraded Service',
    'Minor Service Outage',
    'Partial System Outage',
    'Major System Outage',
    'Service Under Maintenance',
  ]),
})
const componentFields = {
  id: Id,
  name: z.string(),
  status: ComponentStatus,
  created_at: Iso,
  updated_at: Iso,
  position: z.number().int(),
  description: z.string().nullable(),
  showcase: z.boolean(),
  start_date: z.iso.date().nullable(),
  group_id: Id.nullable(),
  page_id: Id,
  group: z.literal(false),
  only_show_if_degraded: z.boolean(),
}
const Component = z.strictObject(componentFields)
const Group = z.strictObject({
  ...componentFields,
  group: z.literal(true),
  group_id: z.null(),
  components: z.array(Id),
})
const AnyComponent = z.union([Component, Group])
const AffectedComponent = z.strictObject({
  code: Id,
  name: z.string(),
  old_status: ComponentStatus,
  new_status: ComponentStatus,
})
const updateFields = {
  id: Id,
  body: z.string(),
  incident_id: Id,
  created_at: Iso,
  updated_at: Iso,
  display_at: Iso,
  affected_components: z.array(AffectedComponent).nullable(),
  deliver_notifications: z.boolean(),
  custom_tweet: z.string().nullable(),
  tweet_id: z.string().nullable(),
}
const IncidentUpdate = z.strictObject({ ...updateFields, status: IncidentStatus })
const incidentFields = {
  id: Id,
  name: z.string(),
  created_at: Iso,
  updated_at: Iso,
  monitoring_at: Iso.nullable(),
  resolved_at: Iso.nullable(),
  shortlink: z.url(),
  started_at: Iso,
  page_id: Id,
  components: z.array(Component),
}
const Incident = z.strictObject({
  ...incidentFields,
  status: IncidentStatus,
  impact: Impact,
  incident_updates: z.array(IncidentUpdate),
})
const ScheduledMaintenance = z.strictObject({
  ...incidentFields,
  status: MaintenanceStatus,
  impact: z.enum(['none', 'minor', 'major', 'critical', 'maintenance']),
  incident_updates: z.array(z.strictObject({ ...updateFields, status: MaintenanceStatus })),
  scheduled_for: Iso,
  scheduled_until: Iso,
})

const Summary = z.strictObject({
  page: Page,
  components: z.array(AnyComponent),
  incidents: z.array(Incident),
  scheduled_maintenances: z.array(ScheduledMaintenance),
  status: Status,
})
const StatusDoc = z.strictObject({ page: Page, status: Status })
const ComponentsDoc = z.strictObject({ page: Page, components: z.array(AnyComponent) })
const IncidentsDoc = z.strictObject({ page: Page, incidents: z.array(Incident) })
const MaintenancesDoc = z.strictObject({
  page: Page,
  scheduled_maintenances: z.array(ScheduledMaintenance),
})

// Statuspage's field order, as its responses list them.
const ORDER = {
  page: ['id', 'name', 'url', 'time_zone', 'updated_at'],
  component: [
    'id',
    'name',
    'status',
    'created_at',
    'updated_at',
    'position',
    'description',
    'showcase',
    'start_date',
    'group_id',
    'page_id',
    'group',
    'only_show_if_degraded',
  ],
  incident: [
    'id',
    'name',
    'status',
    'created_at',
    'updated_at',
    'monitoring_at',
    'resolved_at',
    'impact',
    'shortlink',
    'started_at',
    'page_id',
    'incident_updates',
    'components',
  ],
  update: [
    'id',
    'status',
    'body',
    'incident_id',
    'created_at',
    'updated_at',
    'display_at',
    'affected_components',
    'deliver_notifications',
    'custom_tweet',
    'tweet_id',
  ],
}

const ENDPOINTS = {
  '/api/v2/summary.json': Summary,
  '/api/v2/status.json': StatusDoc,
  '/api/v2/components.json': ComponentsDoc,
  '/api/v2/incidents.json': IncidentsDoc,
  '/api/v2/incidents/unresolved.json': IncidentsDoc,
  '/api/v2/scheduled-maintenances.json': MaintenancesDoc,
  '/api/v2/scheduled-maintenances/upcoming.json': MaintenancesDoc,
  '/api/v2/scheduled-maintenances/active.json': MaintenancesDoc,
} as const

type Path = keyof typeof ENDPOINTS

/** The answer, checked strictly against its schema and returned as sent (field order kept). */
async function getDoc<P extends Path>(
  path: P,
  headers: Record<string, string> = {},
): Promise<z.infer<(typeof ENDPOINTS)[P]>> {
  const res = await t.app.request(path, { headers })
  expect(res.status, path).toBe(200)
  const raw: unknown = await res.json()
  ENDPOINTS[path].parse(raw)
  return raw as z.infer<(typeof ENDPOINTS)[P]>
}

// --- tests ------------------------------------------------------------------------------------

describe('/api/v2 contract', () => {
  it.each(Object.keys(ENDPOINTS) as Path[])(
    '%s answers JSON in the documented shape, open to any origin and cacheable',
    async (path) => {
      t = createTestApp()
      await seedScenario(t)
      const res = await t.app.request(path)
      expect(res.status).toBe(200)
      expect(res.headers.get('Content-Type')).toBe('application/json; charset=utf-8')
      expect(res.headers.get('Access-Control-Allow-Origin')).toBe('*')
      expect(res.headers.get('ETag')).toMatch(/^"[0-9a-f]{40}"$/)
      expect(res.headers.get('Cache-Control')).toMatch(/^public, max-age=\d+/)
      const raw = (await res.json()) as { page: object }
      ENDPOINTS[path].parse(raw)
      expect(Object.keys(raw.page)).toEqual(ORDER.page)
    },
  )

  it('names the page by its settings: id, name, absolute url, zone, and offsets in that zone', async () => {
    t = createTestApp()
    const s = await seedScenario(t)
    const { page } = await getDoc('/api/v2/status.json')
    expect(page.name).toBe('Acme Status')
    expect(page.url).toBe('https://status.acme.example')
    expect(page.time_zone).toBe('America/New_York')
    // The latest public change: the public "Still looking." update, 50 minutes ago (07:00 EST).
    expect(page.updated_at).toBe('2026-11-22T06:10:00-05:00')
    expect(s.stillLooking.postedAt).toBe(TEST_NOW - 50 * MINUTE)
  })

  it('lists groups as components with group: true and their shown children, in page order', async () => {
    t = createTestApp()
    const s = await seedScenario(t)
    const { components } = await getDoc('/api/v2/components.json')
    // Positions count per level, as in Statuspage: Dashboard and Platform are both first at the
    // top level, and the page puts ungrouped components first on a tie.
    expect(components.map((c) => c.name)).toEqual(['Dashboard', 'Platform', 'API', 'Website'])
    expect(components.map((c) => c.position)).toEqual([1, 1, 1, 2])

    const group = Group.parse(components[1])
    expect(group).toMatchObject({
      id: s.platform.id,
      group: true,
      group_id: null,
      description: 'Core services',
      // The worst of API (partial outage) and Website; the hidden component does not count.
      status: 'partial_outage',
      components: [s.api.id, s.web.id],
    })
    expect(Object.keys(group)).toEqual([...ORDER.component, 'components'])

    const api = Component.parse(components[2])
    expect(api).toMatchObject({
      id: s.api.id,
      status: 'partial_outage',
      group: false,
      group_id: s.platform.id,
      description: 'Public REST API',
      showcase: true,
      only_show_if_degraded: false,
      // Created 10 days before TEST_NOW, at 07:00 EST on Nov 12.
      start_date: '2026-11-12',
      created_at: '2026-11-12T07:00:00-05:00',
    })
    expect(Object.keys(api)).toEqual(ORDER.component)
    expect(Component.parse(components[0])).toMatchObject({ name: 'Dashboard', group_id: null })
  })

  it('never shows a hidden component, not even as an affected one', async () => {
    t = createTestApp()
    await seedScenario(t)
    for (const path of Object.keys(ENDPOINTS) as Path[]) {
      const text = await (await t.app.request(path)).text()
      expect(text, path).not.toContain('Secret backend')
    }
    const { incidents } = await getDoc('/api/v2/incidents/unresolved.json')
    expect(incidents[0]!.components.map((c) => c.name)).toEqual(['API'])
    expect(incidents[0]!.incident_updates.at(-1)!.affected_components).toEqual([
      {
        code: expect.any(String),
        name: 'API',
        old_status: 'operational',
        new_status: 'partial_outage',
      },
    ])
  })

  it('rolls the page status up as the page does', async () => {
    t = createTestApp()
    await seedScenario(t)
    const { status } = await getDoc('/api/v2/status.json')
    // API in partial outage (minor), and a minor incident: the component's description wins.
    expect(status).toEqual({ indicator: 'minor', description: 'Minor Service Outage' })
  })

  it('says All Systems Operational for an empty page, with the default name and zone', async () => {
    t = createTestApp({ env: { BASE_URL: 'https://status.example.org/' } })
    const doc = await getDoc('/api/v2/summary.json')
    expect(doc).toEqual({
      page: {
        id: expect.any(String),
        name: 'Status',
        url: 'https://status.example.org',
        time_zone: 'UTC',
        updated_at: '1970-01-01T00:00:00+00:00',
      },
      components: [],
      incidents: [],
      scheduled_maintenances: [],
      status: { indicator: 'none', description: 'All Systems Operational' },
    })
  })
})

describe('/api/v2 incidents', () => {
  it('lists open and resolved incidents newest first, with every public update newest first', async () => {
    t = createTestApp()
    const s = await seedScenario(t)
    const { incidents } = await getDoc('/api/v2/incidents.json')
    expect(incidents.map((i) => i.name)).toEqual(['Slow API', 'Login failures'])

    const [open, resolved] = incidents as [z.infer<typeof Incident>, z.infer<typeof Incident>]
    expect(Object.keys(open)).toEqual(ORDER.incident)
    expect(open).toMatchObject({
      id: s.open.id,
      status: 'investigating',
      impact: 'minor',
      started_at: '2026-11-22T06:00:00-05:00',
      created_at: '2026-11-22T06:00:00-05:00',
      // The public update 50 minutes ago, not the internal note 40 minutes ago.
      updated_at: '2026-11-22T06:10:00-05:00',
      monitoring_at: null,
      resolved_at: null,
      shortlink: `https://status.acme.example/incidents/${s.open.id}`,
    })
    expect(open.incident_updates.map((u) => u.body)).toEqual([
      'Still looking.',
      'API responses are slow.',
    ])
    const [latest, first] = open.incident_updates as [
      z.infer<typeof IncidentUpdate>,
      z.infer<typeof IncidentUpdate>,
    ]
    expect(Object.keys(latest)).toEqual(ORDER.update)
    // An update that set no status carries the one in force.
    expect(latest).toMatchObject({
      id: s.stillLooking.id,
      status: 'investigating',
      incident_id: s.open.id,
      display_at: '2026-11-22T06:10:00-05:00',
      created_at: '2026-11-22T06:10:00-05:00',
      updated_at: '2026-11-22T06:10:00-05:00',
      affected_components: null,
      deliver_notifications: true,
      custom_tweet: null,
      tweet_id: null,
    })
    expect(first.id).toBe(s.opening.id)

    expect(resolved).toMatchObject({
      id: s.resolved.id,
      status: 'resolved',
      impact: 'major',
      started_at: '2026-11-20T07:00:00-05:00',
      monitoring_at: '2026-11-20T07:30:00-05:00',
      resolved_at: '2026-11-20T08:00:00-05:00',
      updated_at: '2026-11-20T08:00:00-05:00',
    })
    expect(resolved.components.map((c) => c.name)).toEqual(['Website'])
    expect(resolved.incident_updates.map((u) => [u.status, u.affected_components])).toEqual([
      [
        'resolved',
        [
          {
            code: s.web.id,
            name: 'Website',
            old_status: 'degraded_performance',
            new_status: 'operational',
          },
        ],
      ],
      [
        'monitoring',
        [
          {
            code: s.web.id,
            name: 'Website',
            old_status: 'major_outage',
            new_status: 'degraded_performance',
          },
        ],
      ],
      [
        'investigating',
        [
          {
            code: s.web.id,
            name: 'Website',
            old_status: 'operational',
            new_status: 'major_outage',
          },
        ],
      ],
    ])
  })

  it('lists only open incidents in unresolved.json and in the summary', async () => {
    t = createTestApp()
    const s = await seedScenario(t)
    const unresolved = await getDoc('/api/v2/incidents/unresolved.json')
    expect(unresolved.incidents.map((i) => i.id)).toEqual([s.open.id])
    const summary = await getDoc('/api/v2/summary.json')
    expect(summary.incidents).toEqual(unresolved.incidents)
    expect(summary.components).toEqual((await getDoc('/api/v2/components.json')).components)
  })

  it('orders a backdated update by when it happened, not when it was posted', async () => {
    t = createTestApp()
    const s = await seedScenario(t)
    const late = await postIncidentUpdate(t.deps, CLI_ACTOR, s.open.id, {
      body: 'Backfilled: first alert fired.',
      at: TEST_NOW - 55 * MINUTE,
    })
    const { incidents } = await getDoc('/api/v2/incidents/unresolved.json')
    const updates = incidents[0]!.incident_updates
    expect(updates.map((u) => u.body)).toEqual([
      'Still looking.',
      'Backfilled: first alert fired.',
      'API responses are slow.',
    ])
    expect(updates[1]).toMatchObject({
      id: late.event.id,
      display_at: '2026-11-22T06:05:00-05:00',
      created_at: '2026-11-22T07:00:00-05:00',
    })
  })

  it('never lets an internal note through, in any endpoint', async () => {
    t = createTestApp()
    await seedScenario(t)
    for (const path of Object.keys(ENDPOINTS) as Path[]) {
      const text = await (await t.app.request(path)).text()
      expect(text, path).not.toContain('db01')
      expect(text, path).not.toContain(INTERNAL_NOTE)
    }
    const { incidents } = await getDoc('/api/v2/incidents.json')
    expect(incidents[0]!.incident_updates).toHaveLength(2)
  })

  it('holds the 50 most recent incidents, and every open one', async () => {
    t = createTestApp()
    const s = seeder(t)
    const oldOpen = await s.incident('Ancient open', { startedAt: '2025-01-01T00:00:00Z' })
    for (let i = 0; i < 55; i++) {
      const start = new Date(Date.UTC(2026, 5, 1) + i * 24 * HOUR).toISOString()
      const end = new Date(Date.UTC(2026, 5, 1) + i * 24 * HOUR + HOUR).toISOString()
      await s.incident(`Resolved ${i}`, { startedAt: start, resolvedAt: end })
    }
    const { incidents } = await getDoc('/api/v2/incidents.json')
    expect(incidents).toHaveLength(50)
    expect(incidents[0]!.name).toBe('Resolved 54')
    expect(incidents.at(-1)!.id).toBe(oldOpen.id)
    expect(incidents.at(-2)!.name).toBe('Resolved 6')
    const unresolved = await getDoc('/api/v2/incidents/unresolved.json')
    expect(unresolved.incidents.map((i) => i.name)).toEqual(['Ancient open'])
  })
})

describe('/api/v2 scheduled maintenance', () => {
  it.each([
    '/api/v2/scheduled-maintenances.json',
    '/api/v2/scheduled-maintenances/upcoming.json',
    '/api/v2/scheduled-maintenances/active.json',
  ] as const)('%s lists none until maintenance exists', async (path) => {
    t = createTestApp()
    await seedScenario(t)
    const doc = await getDoc(path)
    expect(doc.scheduled_maintenances).toEqual([])
    expect(Object.keys(doc)).toEqual(['page', 'scheduled_maintenances'])
  })
})

describe('/api/v2 scheduled maintenance, with maintenance', () => {
  const BASE = 'https://status.acme.example'
  type Maintenance = z.infer<typeof ScheduledMaintenance>

  it('lists the recent ones newest first by window, completed included and cancelled left out, field for field', async () => {
    t = createTestApp()
    const s = await seedScenario(t)
    const m = await seedMaintenance(t, s)
    const { scheduled_maintenances: all } = await getDoc('/api/v2/scheduled-maintenances.json')
    expect(all.map((x) => x.name)).toEqual([
      'Certificate rotation',
      'Network switch replacement',
      'Database upgrade',
    ])
    const done = all[2] as Maintenance
    // Statuspage's incident fields in its order, then the window.
    expect(Object.keys(done)).toEqual([...ORDER.incident, 'scheduled_for', 'scheduled_until'])
    // TEST_NOW is 07:00 EST on Nov 22; this one ran 07:00–09:00 on Nov 19, scheduled on Nov 17.
    expect(done).toMatchObject({
      id: m.completed.id,
      status: 'completed',
      impact: 'maintenance',
      created_at: '2026-11-17T07:00:00-05:00',
      started_at: '2026-11-17T07:00:00-05:00',
      scheduled_for: '2026-11-19T07:00:00-05:00',
      scheduled_until: '2026-11-19T09:00:00-05:00',
      monitoring_at: '2026-11-19T08:00:00-05:00',
      resolved_at: '2026-11-19T09:00:00-05:00',
      updated_at: '2026-11-19T09:00:00-05:00',
      shortlink: `${BASE}/maintenance/${m.completed.id}`,
      page_id: expect.any(String),
    })
    expect(done.components.map((c) => c.name)).toEqual(['Dashboard'])
    expect(Object.keys(done.incident_updates[0]!)).toEqual(ORDER.update)
    expect(
      done.incident_updates.map((u) => [u.status, u.body, u.display_at, u.affected_components]),
    ).toEqual([
      [
        'completed',
        'Scheduled maintenance has been completed.',
        '2026-11-19T09:00:00-05:00',
        [
          {
            code: s.dashboard.id,
            name: 'Dashboard',
            old_status: 'under_maintenance',
            new_status: 'operational',
          },
        ],
      ],
      ['verifying', 'Checking replicas.', '2026-11-19T08:00:00-05:00', null],
      [
        'in_progress',
        'Scheduled maintenance is now in progress.',
        '2026-11-19T07:00:00-05:00',
        [
          {
            code: s.dashboard.id,
            name: 'Dashboard',
            old_status: 'operational',
            new_status: 'under_maintenance',
          },
        ],
      ],
      ['scheduled', 'We will upgrade the **database**.', '2026-11-17T07:00:00-05:00', null],
    ])
    expect(done.incident_updates.every((u) => u.incident_id === m.completed.id)).toBe(true)
    expect(done.incident_updates[0]).toMatchObject({
      deliver_notifications: true,
      custom_tweet: null,
      tweet_id: null,
    })
  })

  it('lists only the not-yet-started ones in upcoming.json, without hidden components', async () => {
    t = createTestApp()
    const s = await seedScenario(t)
    const m = await seedMaintenance(t, s)
    const { scheduled_maintenances: upcoming } = await getDoc(
      '/api/v2/scheduled-maintenances/upcoming.json',
    )
    expect(upcoming.map((x) => x.id)).toEqual([m.upcoming.id])
    expect(upcoming[0]).toMatchObject({
      status: 'scheduled',
      impact: 'maintenance',
      scheduled_for: '2026-11-23T07:00:00-05:00',
      scheduled_until: '2026-11-23T07:30:00-05:00',
      monitoring_at: null,
      resolved_at: null,
    })
    // Secret backend is hidden: it is not named anywhere.
    expect(upcoming[0]!.components.map((c) => c.name)).toEqual(['API'])
    expect(upcoming[0]!.incident_updates.map((u) => u.body)).toEqual(['Rotating TLS certificates.'])
    for (const path of Object.keys(ENDPOINTS) as Path[]) {
      const text = await (await t.app.request(path)).text()
      expect(text, path).not.toContain('Secret backend')
      expect(text, path).not.toContain('Old plan')
      expect(text, path).not.toContain(m.cancelled.id)
    }
  })

  it('lists the running ones in active.json, and both kinds in the summary', async () => {
    t = createTestApp()
    const s = await seedScenario(t)
    const m = await seedMaintenance(t, s)
    const { scheduled_maintenances: active } = await getDoc(
      '/api/v2/scheduled-maintenances/active.json',
    )
    expect(active.map((x) => x.id)).toEqual([m.active.id])
    expect(active[0]).toMatchObject({ status: 'in_progress', resolved_at: null })
    expect(active[0]!.components).toEqual([
      expect.objectContaining({ name: 'Website', status: 'under_maintenance' }),
    ])
    const summary = await getDoc('/api/v2/summary.json')
    const upcoming = await getDoc('/api/v2/scheduled-maintenances/upcoming.json')
    expect(summary.scheduled_maintenances).toEqual([...active, ...upcoming.scheduled_maintenances])
    // The minor incident is worse than maintenance, so it still sets the indicator.
    expect(summary.status.indicator).toBe('minor')
  })

  it('says Service Under Maintenance while one runs and nothing is worse, and goes back after', async () => {
    t = createTestApp()
    // No components at all: only the running maintenance can say so.
    const start = TEST_NOW + HOUR
    await scheduleMaintenance(t.deps, CLI_ACTOR, {
      name: 'Backups',
      body: 'Nightly backup window.',
      scheduledFor: start,
      scheduledUntil: start + HOUR,
    })
    expect((await getDoc('/api/v2/status.json')).status.indicator).toBe('none')
    t.clock.set(start)
    await runMaintenanceTransitions(t.deps)
    expect((await getDoc('/api/v2/status.json')).status).toEqual({
      indicator: 'maintenance',
      description: 'Service Under Maintenance',
    })
    t.clock.set(start + HOUR)
    await runMaintenanceTransitions(t.deps)
    expect((await getDoc('/api/v2/status.json')).status.indicator).toBe('none')
    const all = await getDoc('/api/v2/scheduled-maintenances.json')
    expect(all.scheduled_maintenances.map((x) => x.status)).toEqual(['completed'])
  })

  it('serves a fresh answer once a maintenance starts on time (the transition is a write)', async () => {
    t = createTestApp()
    const api = await createComponent(t.deps, CLI_ACTOR, { name: 'API' })
    const start = TEST_NOW + 10 * MINUTE
    await scheduleMaintenance(t.deps, CLI_ACTOR, {
      name: 'Upgrade',
      body: 'Upgrading.',
      scheduledFor: start,
      scheduledUntil: start + HOUR,
      componentIds: [api.id],
    })
    const before = await t.app.request('/api/v2/summary.json')
    const etag = before.headers.get('ETag')!
    t.clock.set(start)
    expect(await runMaintenanceTransitions(t.deps)).toBe(1)
    const after = await t.app.request('/api/v2/summary.json', {
      headers: { 'If-None-Match': etag },
    })
    expect(after.status).toBe(200)
    const doc = Summary.parse(await after.json())
    expect(doc.status.indicator).toBe('maintenance')
    expect(doc.components[0]!.status).toBe('under_maintenance')
    expect(doc.scheduled_maintenances.map((x) => x.status)).toEqual(['in_progress'])
  })
})

describe('/api/v2 page url', () => {
  it('falls back to BASE_URL, then to the address the request came in at', async () => {
    t = createTestApp({ env: { BASE_URL: 'https://status.example.org' } })
    expect((await getDoc('/api/v2/status.json')).page.url).toBe('https://status.example.org')
    t.close()

    t = createTestApp()
    const res = await t.app.request('http://status.internal:8080/api/v2/status.json')
    expect(Page.parse(((await res.json()) as { page: unknown }).page).url).toBe(
      'http://status.internal:8080',
    )
    // Another address is another answer, never the first one's cached copy.
    const other = await t.app.request('https://other.example/api/v2/status.json')
    expect(((await other.json()) as { page: { url: string } }).page.url).toBe(
      'https://other.example',
    )
  })
})

describe('/api/v2 caching and CORS', () => {
  it('answers If-None-Match with 304, and a write changes the answer', async () => {
    t = createTestApp()
    const s = await seedScenario(t)
    const first = await t.app.request('/api/v2/summary.json')
    const etag = first.headers.get('ETag')!
    const again = await t.app.request('/api/v2/summary.json', {
      headers: { 'If-None-Match': etag },
    })
    expect(again.status).toBe(304)
    expect(again.headers.get('Access-Control-Allow-Origin')).toBe('*')
    expect(await again.text()).toBe('')

    await postIncidentUpdate(t.deps, CLI_ACTOR, s.open.id, {
      body: 'Found it: a bad deploy.',
      status: 'identified',
    })
    const after = await t.app.request('/api/v2/summary.json', {
      headers: { 'If-None-Match': etag },
    })
    expect(after.status).toBe(200)
    expect(after.headers.get('ETag')).not.toBe(etag)
    const doc = Summary.parse(await after.json())
    expect(doc.incidents[0]!.status).toBe('identified')
    expect(doc.incidents[0]!.incident_updates[0]!.body).toBe('Found it: a bad deploy.')
  })

  it('answers a CORS preflight for GET', async () => {
    t = createTestApp()
    const res = await t.app.request('/api/v2/summary.json', {
      method: 'OPTIONS',
      headers: { Origin: 'https://dash.example', 'Access-Control-Request-Method': 'GET' },
    })
    expect(res.status).toBe(204)
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe('*')
    expect(res.headers.get('Access-Control-Allow-Methods')).toContain('GET')
  })

  it('answers unknown paths and methods with a JSON 404', async () => {
    t = createTestApp()
    for (const [method, path] of [
      ['GET', '/api/v2/nope.json'],
      ['GET', '/api/v2/incidents/123.json'],
      ['GET', '/api/v2/summary'],
      ['POST', '/api/v2/summary.json'],
    ] as const) {
      const res = await t.app.request(path, { method })
      expect(res.status, `${method} ${path}`).toBe(404)
      expect(res.headers.get('Content-Type')).toContain('application/json')
      expect(res.headers.get('Access-Control-Allow-Origin')).toBe('*')
      expect(await res.json()).toMatchObject({ error: { code: 'NOT_FOUND' } })
    }
  })
})
