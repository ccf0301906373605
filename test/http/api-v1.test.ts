import { afterEach, describe, expect, it } from 'vitest'
import { HOUR_MS, MINUTE_MS } from '../../src/domain/time.ts'
import { TEST_NOW, type TestApp } from '../support/app.ts'
import { json, setUp, type Api } from './api-v1-helpers.ts'

let t: TestApp | undefined
afterEach(() => t?.close())

async function start() {
  const s = await setUp()
  t = s.t
  return s
}

const isoAt = (ms: number) => new Date(ms).toISOString()

async function createComponent(api: Api, body: Record<string, unknown>) {
  const res = await api('POST', '/components', body)
  expect(res.status).toBe(201)
  return json(res)
}

describe('components and groups over /api/v1', () => {
  it('creates a component in a group named by the request, creating the group once and reusing it', async () => {
    const { api } = await start()
    const web = await createComponent(api, { name: 'Website', group: 'Frontend' })
    const cdn = await createComponent(api, {
      name: 'CDN',
      group: 'frontend',
      status: 'degraded_performance',
    })
    const db = await createComponent(api, { name: 'Database', description: 'Primary cluster' })

    expect(web).toMatchObject({
      name: 'Website',
      group_name: 'Frontend',
      status: 'operational',
      visible: true,
      position: 1,
      created_at: '2026-11-22T12:00:00.000Z',
    })
    expect(web.id).toEqual(expect.any(String))
    expect(cdn.group_id).toBe(web.group_id)
    expect(cdn).toMatchObject({
      group_name: 'Frontend',
      position: 2,
      status: 'degraded_performance',
    })
    expect(db).toMatchObject({ group_id: null, group_name: null, description: 'Primary cluster' })

    const groups = await json(await api('GET', '/groups'))
    expect(groups.groups.map((g: { name: string }) => g.name)).toEqual(['Frontend'])

    const list = await json(await api('GET', '/components'))
    expect(list.components.map((c: { name: string }) => c.name).sort()).toEqual([
      'CDN',
      'Database',
      'Website',
    ])
    const one = await json(await api('GET', `/components/${cdn.id}`))
    expect(one).toEqual(cdn)
  })

  it('edits, regroups and deletes components and groups', async () => {
    const { api } = await start()
    const group = await json(await api('POST', '/groups', { name: 'Backend', collapsed: true }))
    expect(group).toMatchObject({ name: 'Backend', collapsed: true, description: null })
    const c = await createComponent(api, { name: 'Queue', description: 'Jobs' })

    const patched = await api('PATCH', `/components/${c.id}`, {
      name: 'Job queue',
      group_id: group.id,
      status: 'partial_outage',
      description: null,
      visible: false,
    })
    expect(patched.status).toBe(200)
    expect(await json(patched)).toMatchObject({
      name: 'Job queue',
      group_id: group.id,
      group_name: 'Backend',
      status: 'partial_outage',
      description: null,
      visible: false,
    })

    const renamed = await json(await api('PATCH', `/groups/${group.id}`, { name: 'Back end' }))
    expect(renamed).toMatchObject({ id: group.id, name: 'Back end', collapsed: true })

    expect((await api('DELETE', `/groups/${group.id}`)).status).toBe(204)
    expect((await api('GET', `/groups/${group.id}`)).status).toBe(404)
    // Deleting a group keeps its components, ungrouped.
    expect(await json(await api('GET', `/components/${c.id}`))).toMatchObject({ group_id: null })

    expect((await api('DELETE', `/components/${c.id}`)).status).toBe(204)
    expect((await api('GET', `/components/${c.id}`)).status).toBe(404)
  })
})

describe('incidents over /api/v1', () => {
  it('runs an incident from first report to resolution, keeping the whole timeline', async () => {
    const { api, t: app, user } = await start()
    // The components exist well before the incident, as they would in real life: a backdated
    // event never overrides status history recorded after it.
    app.clock.set(TEST_NOW - 24 * HOUR_MS)
    const web = await createComponent(api, { name: 'Website' })
    const db = await createComponent(api, { name: 'Database' })
    app.clock.set(TEST_NOW)

    const opened = await api('POST', '/incidents', {
      name: 'Checkout failing',
      impact: 'major',
      status: 'investigating',
      body: 'Checkout returns errors.',
      components: { [web.id]: 'major_outage' },
      started_at: '2026-11-22T13:30:00+02:00',
    })
    expect(opened.status).toBe(201)
    const incident = await json(opened)
    expect(incident).toMatchObject({
      name: 'Checkout failing',
      impact: 'major',
      status: 'investigating',
      started_at: '2026-11-22T11:30:00.000Z',
      resolved_at: null,
      components: [web.id],
    })
    expect(incident.events).toHaveLength(1)
    expect(incident.events[0]).toMatchObject({
      body: 'Checkout returns errors.',
      visibility: 'public',
      status: 'investigating',
      at: '2026-11-22T11:30:00.000Z',
      posted_at: '2026-11-22T12:00:00.000Z',
      components: { [web.id]: 'major_outage' },
      author: { id: user.id, name: user.name },
      edited_at: null,
    })
    expect(await json(await api('GET', `/components/${web.id}`))).toMatchObject({
      status: 'major_outage',
    })

    app.clock.advance(10 * MINUTE_MS)
    const note = await api('POST', `/incidents/${incident.id}/updates`, {
      body: 'Suspect the new payment SDK.',
      visibility: 'internal',
    })
    expect(note.status).toBe(201)
    const noteJson = await json(note)
    expect(noteJson.update).toMatchObject({
      visibility: 'internal',
      kind: 'note',
      notify: false,
      status: null,
    })

    app.clock.advance(10 * MINUTE_MS)
    // Happened 15 minutes ago, posted now: the timeline orders by when it happened.
    const backdated = await api('POST', `/incidents/${incident.id}/updates`, {
      body: 'Database failover started.',
      status: 'identified',
      at: isoAt(app.clock.now() - 15 * MINUTE_MS),
      components: { [db.id]: 'degraded_performance' },
      kind: 'mitigation',
    })
    expect(backdated.status).toBe(201)
    const { incident: afterBackdate, update } = await json(backdated)
    expect(update).toMatchObject({
      at: isoAt(TEST_NOW + 5 * MINUTE_MS),
      posted_at: isoAt(TEST_NOW + 20 * MINUTE_MS),
      kind: 'mitigation',
      components: { [db.id]: 'degraded_performance' },
    })
    expect(afterBackdate.status).toBe('identified')
    expect(afterBackdate.components.sort()).toEqual([web.id, db.id].sort())

    const full = await json(await api('GET', `/incidents/${incident.id}`))
    expect(full.events.map((e: { body: string }) => e.body)).toEqual([
      'Suspect the new payment SDK.', // at +10 min
      'Database failover started.', // at +5 min (posted at +20)
      'Checkout returns errors.', // at -30 min
    ])

    app.clock.advance(HOUR_MS)
    const resolved = await api('POST', `/incidents/${incident.id}/resolve`)
    expect(resolved.status).toBe(200)
    const done = await json(resolved)
    expect(done.incident).toMatchObject({
      status: 'resolved',
      resolved_at: isoAt(TEST_NOW + 80 * MINUTE_MS),
    })
    expect(done.update).toMatchObject({ status: 'resolved', kind: 'resolution' })
    expect(done.incident.events).toHaveLength(4)
    // Resolving brings the affected components back.
    for (const id of [web.id, db.id])
      expect(await json(await api('GET', `/components/${id}`))).toMatchObject({
        status: 'operational',
      })
  })

  it('lists incidents by state with paging', async () => {
    const { api, t: app } = await start()
    const ids: string[] = []
    for (const n of [1, 2, 3]) {
      const res = await api('POST', '/incidents', {
        name: `Incident ${n}`,
        impact: 'minor',
        status: 'investigating',
        body: 'Looking.',
        started_at: isoAt(app.clock.now() - (4 - n) * HOUR_MS),
      })
      ids.push((await json(res)).id)
    }
    await api('POST', `/incidents/${ids[0]}/resolve`, { body: 'Fixed.' })

    const open = await json(await api('GET', '/incidents?state=open'))
    expect(open.incidents.map((i: { name: string }) => i.name)).toEqual([
      'Incident 3',
      'Incident 2',
    ])
    expect(open.total).toBe(2)
    const resolved = await json(await api('GET', '/incidents?state=resolved'))
    expect(resolved.incidents.map((i: { name: string }) => i.name)).toEqual(['Incident 1'])
    expect(resolved.incidents[0].events.map((e: { body: string }) => e.body)).toEqual([
      'Fixed.',
      'Looking.',
    ])

    const page = await json(await api('GET', '/incidents?limit=1&offset=1'))
    expect(page).toMatchObject({ total: 3, limit: 1, offset: 1 })
    expect(page.incidents.map((i: { name: string }) => i.name)).toEqual(['Incident 2'])
    const all = await json(await api('GET', '/incidents'))
    expect(all).toMatchObject({ total: 3, limit: 25, offset: 0 })
  })

  it('edits an incident and its updates, and deletes an update', async () => {
    const { api, t: app } = await start()
    const incident = await json(
      await api('POST', '/incidents', {
        name: 'Slow',
        impact: 'minor',
        status: 'investigating',
        body: 'Slow pages.',
      }),
    )
    const patched = await api('PATCH', `/incidents/${incident.id}`, {
      name: 'Slow pages',
      impact: 'major',
      started_at: '2026-11-22T11:00:00Z',
    })
    expect(patched.status).toBe(200)
    expect(await json(patched)).toMatchObject({
      name: 'Slow pages',
      impact: 'major',
      started_at: '2026-11-22T11:00:00.000Z',
    })

    app.clock.advance(MINUTE_MS)
    const { update } = await json(
      await api('POST', `/incidents/${incident.id}/updates`, {
        body: 'Typo hre.',
        status: 'monitoring',
      }),
    )
    app.clock.advance(MINUTE_MS)
    const edited = await api('PATCH', `/incidents/${incident.id}/updates/${update.id}`, {
      body: 'Typo here.',
    })
    expect(edited.status).toBe(200)
    const editedJson = await json(edited)
    expect(editedJson.update).toMatchObject({
      body: 'Typo here.',
      edited_at: isoAt(TEST_NOW + 2 * MINUTE_MS),
    })
    expect(editedJson.incident.status).toBe('monitoring')

    expect((await api('DELETE', `/incidents/${incident.id}/updates/${update.id}`)).status).toBe(204)
    const after = await json(await api('GET', `/incidents/${incident.id}`))
    expect(after.status).toBe('investigating')
    expect(after.events.map((e: { body: string }) => e.body)).toEqual(['Slow pages.'])
  })

  it('lets an owner delete an incident', async () => {
    const { api } = await start()
    const incident = await json(
      await api('POST', '/incidents', {
        name: 'Test',
        impact: 'none',
        status: 'investigating',
        body: 'Drill.',
      }),
    )
    expect((await api('DELETE', `/incidents/${incident.id}`)).status).toBe(204)
    expect((await api('GET', `/incidents/${incident.id}`)).status).toBe(404)
  })

  it('marks every answer, errors included, as not cacheable', async () => {
    const { api } = await start()
    for (const res of [
      await api('GET', '/components'),
      await api('GET', '/incidents/nope'),
      await api('POST', '/components', { name: '' }),
    ])
      expect(res.headers.get('Cache-Control')).toBe('no-store')
  })

  it('records API changes in the audit log as the token’s user', async () => {
    const { api, t: app, user } = await start()
    const c = await createComponent(api, { name: 'Search' })
    const entries = await app.deps.store.listAudit()
    const created = entries.find((e) => e.action === 'component.create' && e.entityId === c.id)
    expect(created).toMatchObject({ actorId: user.id, actorLabel: `${user.name} (API)` })
  })
})
