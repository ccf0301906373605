import { afterEach, describe, expect, it } from 'vitest'
import { CLI_ACTOR } from '../../src/app/actor.ts'
import { createComponent } from '../../src/app/components.ts'
import { openIncident } from '../../src/app/open-incident.ts'
import { postIncidentUpdate } from '../../src/app/post-incident-update.ts'
import { resolveIncident } from '../../src/app/resolve-incident.ts'
import { apiV1PostmortemRoutes } from '../../src/http/routes/api-v1-postmortems.ts'
import type { TestApp } from '../support/app.ts'
import { addUserWithToken, apiClient, json, setUp } from './api-v1-helpers.ts'

// Postmortems in /api/v1 (bearer tokens) and how a published one shows in the Statuspage API.
// api-v1-postmortems.ts is a sub-app that api-v1.ts mounts; it is mounted here the same way, under
// /api/v1 after the API's own middleware (auth, write checks, body limit), in case it is not yet.

const MINUTE = 60_000
const START = Date.UTC(2026, 10, 21, 22, 10)

let t: TestApp
afterEach(() => t?.close())

async function setUpApi(opts: Parameters<typeof setUp>[0] = {}) {
  const s = await setUp(opts)
  t = s.t
  t.app.route('/api/v1', apiV1PostmortemRoutes)
  return s
}

async function incident(resolve = true) {
  const api = await createComponent(t.deps, CLI_ACTOR, { name: 'API' })
  const { incident } = await openIncident(t.deps, CLI_ACTOR, {
    name: 'Checkout failures',
    impact: 'major',
    body: 'Checkout requests fail.',
    startedAt: START,
    components: { [api.id]: 'major_outage' },
  })
  await postIncidentUpdate(t.deps, CLI_ACTOR, incident.id, {
    body: 'Suspect the failover.',
    visibility: 'internal',
    at: START + 30 * MINUTE,
  })
  if (resolve) await resolveIncident(t.deps, CLI_ACTOR, incident.id, { at: START + 150 * MINUTE })
  return incident.id
}

describe('/api/v1 postmortems', () => {
  it('drafts with PUT, edits sections, and reads it back as JSON and Markdown', async () => {
    const { api } = await setUpApi()
    const id = await incident()
    const none = await api('GET', `/incidents/${id}/postmortem`)
    expect(none.status).toBe(404)

    const created = await api('PUT', `/incidents/${id}/postmortem`, {
      root_cause: 'A bad failover script.',
      users_affected_percent: 40,
    })
    expect(created.status).toBe(201)
    const body = await json(created)
    expect(body).toMatchObject({
      incident_id: id,
      state: 'draft',
      root_cause: 'A bad failover script.',
      users_affected_percent: 40,
      impact_text: 'API was affected.',
      todos: [],
      imported: false,
      published_at: null,
    })
    expect(body.markdown).toContain('- **Root cause:** A bad failover script.')
    expect(body.markdown).toContain('Note: Suspect the failover. (internal)')

    const again = await api('PUT', `/incidents/${id}/postmortem`, { lessons: 'Practise.' })
    expect(again.status).toBe(200)
    expect(await json(again)).toMatchObject({
      lessons: 'Practise.',
      root_cause: 'A bad failover script.',
    })

    const md = await api('GET', `/incidents/${id}/postmortem.md`)
    expect(md.status).toBe(200)
    expect(md.headers.get('Content-Type')).toBe('text/markdown; charset=utf-8')
    const current = await json(await api('GET', `/incidents/${id}/postmortem`))
    expect(await md.text()).toBe(current.markdown)
    expect(current.markdown).toContain('## Lessons Learned\n\nPractise.')
  })

  it('names the bad field and drafts nothing when a section is wrong', async () => {
    const { api } = await setUpApi()
    const id = await incident()
    const bad = await api('PUT', `/incidents/${id}/postmortem`, {
      users_affected_percent: 101,
      title: 'x',
    })
    expect(bad.status).toBe(422)
    const fields = (await json(bad)).error.fields.map((f: { field: string }) => f.field)
    expect(fields).toEqual(['title'])
    const range = await api('PUT', `/incidents/${id}/postmortem`, { users_affected_percent: 101 })
    expect(range.status).toBe(422)
    expect((await json(range)).error.fields).toEqual([
      { field: 'users_affected_percent', message: 'must be from 0 to 100' },
    ])
    expect(await t.deps.store.getPostmortem(id)).toBeNull()
  })

  it('refuses to draft for an open incident and says an unknown one is not found', async () => {
    const { api } = await setUpApi()
    const id = await incident(false)
    expect((await api('PUT', `/incidents/${id}/postmortem`, {})).status).toBe(409)
    expect((await api('PUT', '/incidents/nope/postmortem', {})).status).toBe(404)
    expect((await api('GET', '/incidents/nope/postmortem.md')).status).toBe(404)
  })

  it('publishes into the Statuspage API as status postmortem, and unpublishes', async () => {
    const { api } = await setUpApi()
    const id = await incident()
    await api('PUT', `/incidents/${id}/postmortem`, { root_cause: 'A bad failover script.' })
    const published = await api('POST', `/incidents/${id}/postmortem/publish`, { notify: true })
    expect(published.status).toBe(200)
    expect(await json(published)).toMatchObject({
      state: 'published',
      notified: true,
      published_at: '2026-11-22T12:00:00.000Z',
    })

    const v2 = await json(await t.app.request('/api/v2/incidents.json'))
    const shown = v2.incidents.find((i: { id: string }) => i.id === id)
    expect(shown.status).toBe('postmortem')
    expect(shown.postmortem_published_at).toBe('2026-11-22T12:00:00+00:00')
    expect(shown.postmortem_body).toContain('## Root Cause and Resolution')
    expect(shown.postmortem_body).toContain('A bad failover script.')

    // The admin API says so too, on the incident and in the list.
    expect(await json(await api('GET', `/incidents/${id}`))).toMatchObject({
      status: 'postmortem',
      postmortem: { state: 'published', published_at: '2026-11-22T12:00:00.000Z' },
    })
    const listed = await json(await api('GET', '/incidents?state=resolved'))
    expect(listed.incidents.find((i: { id: string }) => i.id === id)).toMatchObject({
      status: 'postmortem',
    })

    const back = await api('POST', `/incidents/${id}/postmortem/unpublish`)
    expect(await json(back)).toMatchObject({ state: 'draft', published_at: null })
    const after = await json(await t.app.request('/api/v2/incidents.json'))
    const plain = after.incidents.find((i: { id: string }) => i.id === id)
    expect(plain.status).toBe('resolved')
    expect(plain).not.toHaveProperty('postmortem_body')
    expect(await json(await api('GET', `/incidents/${id}`))).toMatchObject({
      status: 'resolved',
      postmortem: { state: 'draft', published_at: null },
    })
  })

  it('lets read tokens read but not write', async () => {
    const { api } = await setUpApi()
    const id = await incident()
    await api('PUT', `/incidents/${id}/postmortem`, {})
    const reader = await addUserWithToken(t, { scope: 'read', email: 'reader@example.com' })
    const read = apiClient(t, reader.secret)
    expect((await read('GET', `/incidents/${id}/postmortem`)).status).toBe(200)
    expect((await read('PUT', `/incidents/${id}/postmortem`, { root_cause: 'x' })).status).toBe(403)
    expect((await read('POST', `/incidents/${id}/postmortem/publish`)).status).toBe(403)
    expect((await read('POST', '/postmortems/import', { markdown: '# x' })).status).toBe(403)
    expect((await apiClient(t, null)('GET', `/incidents/${id}/postmortem`)).status).toBe(401)
  })
})

const DOC = `# Search indexing lag

- **Duration:** March 4, 2024, 09:15 - 10:45 (UTC)
- **Impact:** Minor — search results were up to an hour old.

## Timeline

- 09:15 Detection: lag alert fires
- Somewhere in between: looked at dashboards
- 10:45 Resolved, index caught up
`

describe('/api/v1/postmortems/import', () => {
  it('reads without saving on a dry run', async () => {
    const { api } = await setUpApi()
    const res = await api('POST', '/postmortems/import', { markdown: DOC, dry_run: true })
    expect(res.status).toBe(200)
    expect(await json(res)).toMatchObject({
      name: 'Search indexing lag',
      started_at: '2024-03-04T09:15:00+00:00',
      resolved_at: '2024-03-04T10:45:00+00:00',
      time_zone: 'UTC',
      impact: 'minor',
    })
    expect(await t.deps.store.countIncidents()).toBe(0)
  })

  it('creates the incident with 201 and its warnings, and returns it again for the same document', async () => {
    const { api } = await setUpApi()
    const res = await api('POST', '/postmortems/import', { markdown: DOC })
    expect(res.status).toBe(201)
    const body = await json(res)
    expect(body).toMatchObject({ name: 'Search indexing lag', created: true })
    expect(res.headers.get('Location')).toBe(`/api/v1/incidents/${body.incident_id}`)
    expect(body.warnings).toContain(
      '1 of 3 timeline events have no time; each was imported at the time of the event before it, marked "(time not given)"',
    )

    const incident = await json(await api('GET', `/incidents/${body.incident_id}`))
    // Imported postmortems are published history.
    expect(incident).toMatchObject({
      status: 'postmortem',
      resolved_at: '2024-03-04T10:45:00.000Z',
    })

    const again = await api('POST', '/postmortems/import', { markdown: DOC })
    expect(again.status).toBe(200)
    expect(await json(again)).toMatchObject({ incident_id: body.incident_id, created: false })
  })

  it('names markdown when it is missing or gives no time', async () => {
    const { api } = await setUpApi()
    const missing = await api('POST', '/postmortems/import', {})
    expect(missing.status).toBe(422)
    expect((await json(missing)).error.fields[0].field).toBe('markdown')
    const timeless = await api('POST', '/postmortems/import', { markdown: '# Broke\n\nFixed.' })
    expect(timeless.status).toBe(422)
    expect((await json(timeless)).error.fields[0]).toMatchObject({ field: 'markdown' })
    const zone = await api('POST', '/postmortems/import', { markdown: DOC, time_zone: 'Mars/Base' })
    expect((await json(zone)).error.fields[0]).toMatchObject({ field: 'time_zone' })
  })
})
