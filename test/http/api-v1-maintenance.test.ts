import { afterEach, describe, expect, it } from 'vitest'
import { CLI_ACTOR } from '../../src/app/actor.ts'
import { createComponent } from '../../src/app/components.ts'
import { runMaintenanceTransitions } from '../../src/app/maintenance.ts'
import { apiV1MaintenanceRoutes } from '../../src/http/routes/api-v1-maintenance.ts'
import type { Role, TokenScope } from '../../src/domain/enums.ts'
import { TEST_NOW, type TestApp } from '../support/app.ts'
import { addUserWithToken, apiClient, json, setUp as setUpApi } from './api-v1-helpers.ts'

// /api/v1/maintenance through the real app with real tokens. TEST_NOW is 2026-11-22T12:00:00Z.

let t: TestApp | undefined
afterEach(() => t?.close())

const HOUR = 3_600_000

/**
 * The sub-app is mounted by one line in src/http/routes/api-v1.ts (owned by the lead). Until that
 * line lands, mount it here the same way: under /api/v1, after the API middleware, so bearer auth,
 * the write check and no-store apply exactly as they will there.
 */
function mountOnce(app: TestApp['app']) {
  if (!app.routes.some((r) => r.path === '/api/v1/maintenance' && r.method === 'POST'))
    app.route('/api/v1', apiV1MaintenanceRoutes)
}

async function setUp(opts: { role?: Role; scope?: TokenScope } = {}) {
  const s = await setUpApi(opts)
  t = s.t
  mountOnce(t.app)
  const db = await createComponent(t.deps, CLI_ACTOR, { name: 'Database' })
  return { ...s, db }
}

const schedule = {
  name: 'Database upgrade',
  body: 'We will upgrade the primary.',
  scheduled_for: '2026-11-23T10:00:00-05:00',
  scheduled_until: '2026-11-23T12:00:00-05:00',
}

describe('/api/v1/maintenance', () => {
  it('schedules, reads back in snake_case with ISO timestamps, and lists it', async () => {
    const { api, db } = await setUp()
    const res = await api('POST', '/maintenance', {
      ...schedule,
      components: [db.id],
      notify: false,
    })
    expect(res.status).toBe(201)
    expect(res.headers.get('Cache-Control')).toBe('no-store')
    const created = await json(res)
    expect(res.headers.get('Location')).toBe(`/api/v1/maintenance/${created.id}`)
    expect(created).toEqual({
      id: expect.any(String),
      name: 'Database upgrade',
      status: 'scheduled',
      cancelled: false,
      scheduled_for: '2026-11-23T15:00:00.000Z',
      scheduled_until: '2026-11-23T17:00:00.000Z',
      started_at: null,
      completed_at: null,
      cancelled_at: null,
      components: [db.id],
      auto_start: true,
      auto_complete: true,
      notify: false,
      sequence: 0,
      reminder_sent_at: null,
      created_at: '2026-11-22T12:00:00.000Z',
      updated_at: '2026-11-22T12:00:00.000Z',
      updates: [
        {
          id: expect.any(String),
          at: '2026-11-22T12:00:00.000Z',
          posted_at: '2026-11-22T12:00:00.000Z',
          body: 'We will upgrade the primary.',
          status: 'scheduled',
          author: { name: 'Ada owner' },
        },
      ],
    })
    expect(await json(await api('GET', `/maintenance/${created.id}`))).toEqual(created)
    const list = await json(await api('GET', '/maintenance?state=upcoming'))
    expect(list.maintenance.map((m: { id: string }) => m.id)).toEqual([created.id])
    expect((await json(await api('GET', '/maintenance?state=past'))).maintenance).toEqual([])
  })

  it('reschedules with PATCH (bumping the sequence), posts updates forward only, and cancels', async () => {
    const { api, db } = await setUp()
    const { id } = await json(
      await api('POST', '/maintenance', { ...schedule, components: [db.id] }),
    )
    const patched = await api('PATCH', `/maintenance/${id}`, {
      scheduled_for: '2026-11-24T15:00:00Z',
      scheduled_until: '2026-11-24T16:00:00Z',
      body: 'Moved a day.',
    })
    expect(patched.status).toBe(200)
    const moved = await json(patched)
    expect(moved).toMatchObject({ sequence: 1, scheduled_for: '2026-11-24T15:00:00.000Z' })
    expect(moved.updates.map((u: { body: string }) => u.body)).toEqual([
      'Moved a day.',
      'We will upgrade the primary.',
    ])

    const posted = await api('POST', `/maintenance/${id}/updates`, {
      body: 'Starting early.',
      status: 'in_progress',
    })
    expect(posted.status).toBe(201)
    const { maintenance, update } = await json(posted)
    expect(maintenance.status).toBe('in_progress')
    expect(maintenance.started_at).toBe('2026-11-22T12:00:00.000Z')
    expect(update).toMatchObject({ body: 'Starting early.', status: 'in_progress' })
    expect((await t!.deps.store.getComponent(db.id))!.status).toBe('under_maintenance')

    const back = await api('POST', `/maintenance/${id}/updates`, { body: 'x', status: 'scheduled' })
    expect(back.status).toBe(422)
    expect((await json(back)).error.fields).toEqual([
      { field: 'status', message: 'cannot go back from in_progress to scheduled' },
    ])
    // Started: it can no longer be cancelled.
    expect((await api('POST', `/maintenance/${id}/cancel`)).status).toBe(409)

    const other = await json(await api('POST', '/maintenance', schedule))
    const cancelled = await api('POST', `/maintenance/${other.id}/cancel`)
    expect(cancelled.status).toBe(200)
    expect(await json(cancelled)).toMatchObject({
      cancelled: true,
      cancelled_at: '2026-11-22T12:00:00.000Z',
      sequence: 1,
      status: 'scheduled',
    })
    const past = await json(await api('GET', '/maintenance?state=past'))
    expect(past.maintenance.map((m: { id: string }) => m.id)).toEqual([other.id])
  })

  it('shows transitions made on time by the schedule, authored by nobody', async () => {
    const { api } = await setUp()
    const { id } = await json(
      await api('POST', '/maintenance', {
        ...schedule,
        scheduled_for: '2026-11-22T13:00:00Z',
        scheduled_until: '2026-11-22T14:00:00Z',
      }),
    )
    t!.clock.set(TEST_NOW + 2 * HOUR)
    await runMaintenanceTransitions(t!.deps)
    const m = await json(await api('GET', `/maintenance/${id}`))
    expect(m).toMatchObject({
      status: 'completed',
      started_at: '2026-11-22T13:00:00.000Z',
      completed_at: '2026-11-22T14:00:00.000Z',
    })
    expect(m.updates.map((u: { status: string; author: unknown }) => [u.status, u.author])).toEqual(
      [
        ['completed', null],
        ['in_progress', null],
        ['scheduled', { name: 'Ada owner' }],
      ],
    )
    // Over: no more changes.
    expect((await api('PATCH', `/maintenance/${id}`, { name: 'x' })).status).toBe(409)
  })

  it('names every bad field in the API terms with 422', async () => {
    const { api } = await setUp()
    const cases: [unknown, string[]][] = [
      [{ ...schedule, scheduled_for: '2026-11-23T10:00:00' }, ['scheduled_for']],
      [{ ...schedule, scheduled_until: '2026-11-23T09:00:00-05:00' }, ['scheduled_until']],
      [{ ...schedule, components: ['nope'] }, ['components']],
      [{ ...schedule, components: 'db' }, ['components']],
      [{ ...schedule, scheduledFor: 'x' }, ['scheduledFor']],
      [{ ...schedule, name: '' }, ['name']],
      [{ ...schedule, auto_start: 'yes' }, ['auto_start']],
      [{ name: 'x' }, ['body', 'scheduled_for', 'scheduled_until']],
      [[], ['body']],
    ]
    for (const [body, fields] of cases) {
      const res = await api('POST', '/maintenance', body)
      expect(res.status, JSON.stringify(body)).toBe(422)
      const error = (await json(res)).error
      expect(error.code).toBe('VALIDATION')
      expect(
        error.fields.map((f: { field: string }) => f.field).sort(),
        JSON.stringify(body),
      ).toEqual([...fields].sort())
    }
    expect((await api('POST', '/maintenance', '{nope')).status).toBe(422)
    const { id } = await json(await api('POST', '/maintenance', schedule))
    const empty = await api('PATCH', `/maintenance/${id}`, {})
    expect(empty.status).toBe(422)
    const badStatus = await api('POST', `/maintenance/${id}/updates`, { body: 'x', status: 'done' })
    expect((await json(badStatus)).error.fields[0].field).toBe('status')
    expect((await api('GET', '/maintenance?state=soon')).status).toBe(422)
    expect((await api('GET', '/maintenance?limit=0')).status).toBe(422)
  })

  it('answers 404 for an unknown id on every route', async () => {
    const { api } = await setUp()
    for (const [method, path, body] of [
      ['GET', '/maintenance/nope', undefined],
      ['PATCH', '/maintenance/nope', { name: 'x' }],
      ['DELETE', '/maintenance/nope', undefined],
      ['POST', '/maintenance/nope/updates', { body: 'x' }],
      ['POST', '/maintenance/nope/cancel', undefined],
    ] as const) {
      const res = await api(method, path, body)
      expect(res.status, `${method} ${path}`).toBe(404)
      expect((await json(res)).error.code).toBe('NOT_FOUND')
    }
  })

  it('needs a token, refuses writes to read tokens and viewers, and lets only owners delete', async () => {
    const { api, t: app } = await setUp({ role: 'responder' })
    expect((await apiClient(app, null)('GET', '/maintenance')).status).toBe(401)
    const { id } = await json(await api('POST', '/maintenance', schedule))

    const reader = await addUserWithToken(app, { role: 'owner', scope: 'read' })
    const read = apiClient(app, reader.secret)
    expect((await read('GET', `/maintenance/${id}`)).status).toBe(200)
    expect((await read('POST', '/maintenance', schedule)).status).toBe(403)

    const viewer = await addUserWithToken(app, { role: 'viewer' })
    expect((await apiClient(app, viewer.secret)('POST', `/maintenance/${id}/cancel`)).status).toBe(
      403,
    )

    // A responder may schedule and cancel, but not delete.
    expect((await api('DELETE', `/maintenance/${id}`)).status).toBe(403)
    const owner = await addUserWithToken(app, { role: 'owner', email: 'boss@example.com' })
    const res = await apiClient(app, owner.secret)('DELETE', `/maintenance/${id}`)
    expect(res.status).toBe(204)
    expect((await api('GET', `/maintenance/${id}`)).status).toBe(404)
  })
})
