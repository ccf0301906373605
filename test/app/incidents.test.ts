import { afterEach, describe, expect, it } from 'vitest'
import type { Actor } from '../../src/app/actor.ts'
import { createComponent } from '../../src/app/components.ts'
import { deleteIncident } from '../../src/app/delete-incident.ts'
import { deleteIncidentUpdate } from '../../src/app/delete-incident-update.ts'
import { editIncidentUpdate } from '../../src/app/edit-incident-update.ts'
import { getIncident } from '../../src/app/get-incident.ts'
import { listIncidents } from '../../src/app/list-incidents.ts'
import { openIncident } from '../../src/app/open-incident.ts'
import { postIncidentUpdate } from '../../src/app/post-incident-update.ts'
import { resolveIncident } from '../../src/app/resolve-incident.ts'
import { updateIncident } from '../../src/app/update-incident.ts'
import { toAppError } from '../../src/http/errors.tsx'
import { createTestApp, TEST_NOW, type TestApp } from '../support/app.ts'

// Use cases against a real in-memory SQLite database with a fixed clock (TEST_NOW is
// 2026-11-22T12:00:00Z).

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const owner: Actor = { id: null, label: 'Olivia Owner', role: 'owner', via: 'console' }
const responder: Actor = { id: null, label: 'Rui Responder', role: 'responder', via: 'console' }
const viewer: Actor = { id: null, label: 'Vera Viewer', role: 'viewer', via: 'console' }

let t: TestApp
afterEach(() => t?.close())

/** The error a promise rejects with, as the HTTP layer would classify it. */
async function failure(promise: Promise<unknown>) {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(err, 'expected the call to fail').not.toBeNull()
  const appErr = toAppError(err)
  expect(appErr, `not an AppError or ZodError: ${String(err)}`).not.toBeNull()
  return appErr!
}

async function component(name: string, status: 'operational' | 'major_outage' = 'operational') {
  return createComponent(t.deps, owner, { name, status })
}

describe('openIncident', () => {
  it('opens a backdated incident with its first event, affected components and their new statuses', async () => {
    t = createTestApp({ now: TEST_NOW - 24 * HOUR })
    const api = await component('API')
    t.clock.set(TEST_NOW)
    const started = TEST_NOW - 2 * HOUR
    const { incident } = await openIncident(t.deps, responder, {
      name: 'API errors',
      impact: 'major',
      status: 'identified',
      body: 'Elevated 5xx.',
      components: { [api.id]: 'partial_outage' },
      startedAt: started,
    })
    const detail = await getIncident(t.deps, incident.id)
    expect(detail.incident).toMatchObject({
      status: 'identified',
      startedAt: started,
      resolvedAt: null,
    })
    expect(detail.events).toHaveLength(1)
    expect(detail.events[0]).toMatchObject({
      at: started,
      postedAt: TEST_NOW,
      authorName: 'Rui Responder',
      kind: 'detection',
    })
    expect(detail.components.map((c) => [c.name, c.status])).toEqual([['API', 'partial_outage']])
    const changes = (await t.deps.store.listStatusChanges(0)).filter(
      (c) => c.incidentId === incident.id,
    )
    expect(changes).toMatchObject([
      { componentId: api.id, fromStatus: 'operational', toStatus: 'partial_outage', at: started },
    ])
  })

  it('refuses a viewer', async () => {
    t = createTestApp()
    const err = await failure(
      openIncident(t.deps, viewer, { name: 'x', impact: 'minor', body: 'y' }),
    )
    expect(err.code).toBe('FORBIDDEN')
    expect(await t.deps.store.countIncidents()).toBe(0)
  })

  it('refuses a start in the future, naming startedAt', async () => {
    t = createTestApp()
    const err = await failure(
      openIncident(t.deps, owner, {
        name: 'x',
        impact: 'minor',
        body: 'y',
        startedAt: TEST_NOW + HOUR,
      }),
    )
    expect(err.code).toBe('VALIDATION')
    expect(err.issues.map((i) => i.field)).toEqual(['startedAt'])
  })

  it('refuses an unknown component and writes nothing', async () => {
    t = createTestApp()
    const err = await failure(
      openIncident(t.deps, owner, {
        name: 'x',
        impact: 'minor',
        body: 'y',
        components: { nope: 'major_outage' },
      }),
    )
    expect(err.code).toBe('VALIDATION')
    expect(err.issues[0]?.field).toBe('components.nope')
    expect(await t.deps.store.countIncidents()).toBe(0)
  })
})

describe('status derived from the timeline', () => {
  it('lets the latest event by `at` win, so a backdated status never overrides the present', async () => {
    t = createTestApp()
    const { incident } = await openIncident(t.deps, owner, {
      name: 'Slow search',
      impact: 'minor',
      body: 'Looking.',
      startedAt: TEST_NOW - 3 * HOUR,
    })
    t.clock.advance(10 * MINUTE)
    const monitoring = await postIncidentUpdate(t.deps, owner, incident.id, {
      body: 'Fix out.',
      status: 'monitoring',
    })
    expect(monitoring.incident.status).toBe('monitoring')
    expect(monitoring.previousStatus).toBe('investigating')

    // Written up later: "we had identified it an hour in". It lands in history, not in the present.
    t.clock.advance(5 * MINUTE)
    const backdated = await postIncidentUpdate(t.deps, owner, incident.id, {
      body: 'Root cause identified.',
      status: 'identified',
      at: TEST_NOW - 2 * HOUR,
    })
    expect(backdated.incident.status).toBe('monitoring')
    // Even a backdated "resolved" does not resolve an incident that has moved on since.
    const oldResolve = await postIncidentUpdate(t.deps, owner, incident.id, {
      body: 'Briefly looked fine.',
      status: 'resolved',
      at: TEST_NOW - HOUR,
    })
    expect(oldResolve.incident).toMatchObject({ status: 'monitoring', resolvedAt: null })

    const detail = await getIncident(t.deps, incident.id)
    expect(detail.incident.status).toBe('monitoring')
    // Newest first by `at`, whatever order they were posted in.
    expect(detail.events.map((e) => e.body)).toEqual([
      'Fix out.',
      'Briefly looked fine.',
      'Root cause identified.',
      'Looking.',
    ])
  })

  it('breaks a tie in `at` by posting order', async () => {
    t = createTestApp()
    const { incident } = await openIncident(t.deps, owner, {
      name: 'Tie',
      impact: 'none',
      body: 'a',
      startedAt: TEST_NOW - HOUR,
    })
    const at = TEST_NOW - 30 * MINUTE
    await postIncidentUpdate(t.deps, owner, incident.id, {
      body: 'first',
      status: 'identified',
      at,
    })
    const second = await postIncidentUpdate(t.deps, owner, incident.id, {
      body: 'second',
      status: 'monitoring',
      at,
    })
    expect(second.incident.status).toBe('monitoring')
  })

  it('reopens a resolved incident when a newer update sets another status', async () => {
    t = createTestApp()
    const { incident } = await openIncident(t.deps, owner, {
      name: 'Flapping',
      impact: 'minor',
      body: 'a',
    })
    t.clock.advance(MINUTE)
    const resolved = await resolveIncident(t.deps, owner, incident.id, {})
    expect(resolved.incident.resolvedAt).toBe(TEST_NOW + MINUTE)
    t.clock.advance(MINUTE)
    const again = await postIncidentUpdate(t.deps, owner, incident.id, {
      body: 'Back.',
      status: 'investigating',
    })
    expect(again.incident).toMatchObject({ status: 'investigating', resolvedAt: null })
  })
})

describe('internal notes', () => {
  it('refuses a status change on an internal note as a VALIDATION error naming `status`', async () => {
    t = createTestApp()
    const { incident } = await openIncident(t.deps, owner, {
      name: 'x',
      impact: 'minor',
      body: 'a',
    })
    const err = await failure(
      postIncidentUpdate(t.deps, owner, incident.id, {
        body: 'note',
        visibility: 'internal',
        status: 'resolved',
      }),
    )
    expect(err.code).toBe('VALIDATION')
    expect(err.issues.map((i) => i.field)).toEqual(['status'])
    expect((await getIncident(t.deps, incident.id)).events).toHaveLength(1)
  })

  it('refuses component changes on an internal note, naming `components`', async () => {
    t = createTestApp()
    const api = await component('API')
    const { incident } = await openIncident(t.deps, owner, {
      name: 'x',
      impact: 'minor',
      body: 'a',
    })
    const err = await failure(
      postIncidentUpdate(t.deps, owner, incident.id, {
        body: 'note',
        visibility: 'internal',
        components: { [api.id]: 'major_outage' },
      }),
    )
    expect(err.issues.map((i) => i.field)).toEqual(['components'])
  })

  it('keeps an internal note out of the public timeline and never marks it for broadcast', async () => {
    t = createTestApp()
    const { incident } = await openIncident(t.deps, owner, {
      name: 'x',
      impact: 'minor',
      body: 'Public start.',
    })
    const { event } = await postIncidentUpdate(t.deps, owner, incident.id, {
      body: 'Suspect the 14:02 deploy.',
      visibility: 'internal',
      notify: true,
    })
    expect(event).toMatchObject({ visibility: 'internal', notify: false, kind: 'note' })
    const all = await getIncident(t.deps, incident.id)
    const pub = await getIncident(t.deps, incident.id, { publicOnly: true })
    expect(all.events.map((e) => e.body)).toContain('Suspect the 14:02 deploy.')
    expect(pub.events.map((e) => e.body)).toEqual(['Public start.'])
  })
})

describe('resolveIncident', () => {
  it('returns every affected component to operational and records each change', async () => {
    t = createTestApp()
    const api = await component('API')
    const web = await component('Web')
    const untouched = await component('Billing', 'major_outage')
    const { incident } = await openIncident(t.deps, owner, {
      name: 'Outage',
      impact: 'critical',
      body: 'Down.',
      components: { [api.id]: 'major_outage', [web.id]: 'degraded_performance' },
    })
    t.clock.advance(30 * MINUTE)
    const { incident: resolved, event } = await resolveIncident(t.deps, owner, incident.id, {})
    expect(resolved).toMatchObject({ status: 'resolved', resolvedAt: TEST_NOW + 30 * MINUTE })
    expect(event).toMatchObject({
      body: 'This incident has been resolved.',
      kind: 'resolution',
      visibility: 'public',
    })
    expect((await t.deps.store.getComponent(api.id))?.status).toBe('operational')
    expect((await t.deps.store.getComponent(web.id))?.status).toBe('operational')
    // A component the incident never touched is not its business.
    expect((await t.deps.store.getComponent(untouched.id))?.status).toBe('major_outage')
    const changes = (await t.deps.store.listStatusChanges(TEST_NOW)).filter(
      (c) => c.eventId === event.id,
    )
    expect(changes.map((c) => [c.componentId, c.fromStatus, c.toStatus]).sort()).toEqual(
      [
        [api.id, 'major_outage', 'operational'],
        [web.id, 'degraded_performance', 'operational'],
      ].sort(),
    )
  })
})

describe('editIncidentUpdate', () => {
  it('marks the event edited, keeps the old version in the audit log and re-derives the status', async () => {
    t = createTestApp()
    const { incident } = await openIncident(t.deps, owner, {
      name: 'x',
      impact: 'minor',
      body: 'a',
      startedAt: TEST_NOW - HOUR,
    })
    const { event } = await postIncidentUpdate(t.deps, owner, incident.id, {
      body: 'Fixed?',
      status: 'monitoring',
    })
    t.clock.advance(5 * MINUTE)
    const edited = await editIncidentUpdate(t.deps, responder, event.id, {
      body: 'Fix deployed.',
      status: 'identified',
    })
    expect(edited.event).toMatchObject({
      body: 'Fix deployed.',
      status: 'identified',
      editedAt: TEST_NOW + 5 * MINUTE,
    })
    expect(edited.incident.status).toBe('identified')
    expect((await t.deps.store.getIncident(incident.id))?.status).toBe('identified')
    const [entry] = await t.deps.store.listAudit({ limit: 1 })
    expect(entry).toMatchObject({
      action: 'incident.update.edit',
      entityId: event.id,
      actorLabel: 'Rui Responder',
    })
    expect(entry?.before).toMatchObject({ body: 'Fixed?', status: 'monitoring' })
    expect(entry?.after).toMatchObject({ body: 'Fix deployed.' })
  })

  it('re-derives when an edit moves an event in time', async () => {
    t = createTestApp()
    const { incident } = await openIncident(t.deps, owner, {
      name: 'x',
      impact: 'minor',
      body: 'a',
      startedAt: TEST_NOW - 2 * HOUR,
    })
    await postIncidentUpdate(t.deps, owner, incident.id, {
      body: 'm',
      status: 'monitoring',
      at: TEST_NOW - HOUR,
    })
    const { event } = await postIncidentUpdate(t.deps, owner, incident.id, {
      body: 'i',
      status: 'identified',
      at: TEST_NOW - 90 * MINUTE,
    })
    expect((await t.deps.store.getIncident(incident.id))?.status).toBe('monitoring')
    const { incident: after } = await editIncidentUpdate(t.deps, owner, event.id, {
      at: TEST_NOW - 30 * MINUTE,
    })
    expect(after.status).toBe('identified')
  })

  it('refuses to make a status-changing update internal', async () => {
    t = createTestApp()
    const { incident, event } = await openIncident(t.deps, owner, {
      name: 'x',
      impact: 'minor',
      body: 'a',
    })
    const err = await failure(
      editIncidentUpdate(t.deps, owner, event.id, { visibility: 'internal' }),
    )
    expect(err.issues.map((i) => i.field)).toEqual(['visibility'])
    expect((await getIncident(t.deps, incident.id)).events[0]?.visibility).toBe('public')
  })

  it('answers NOT_FOUND for an unknown event', async () => {
    t = createTestApp()
    expect((await failure(editIncidentUpdate(t.deps, owner, 'nope', { body: 'x' }))).code).toBe(
      'NOT_FOUND',
    )
  })
})

describe('deleteIncidentUpdate', () => {
  it('refuses to delete the only event of an incident with CONFLICT', async () => {
    t = createTestApp()
    const { incident, event } = await openIncident(t.deps, owner, {
      name: 'x',
      impact: 'minor',
      body: 'a',
    })
    const err = await failure(deleteIncidentUpdate(t.deps, owner, event.id))
    expect(err.code).toBe('CONFLICT')
    expect((await getIncident(t.deps, incident.id)).events).toHaveLength(1)
  })

  it('deletes an event, re-derives the status and keeps the event in the audit log', async () => {
    t = createTestApp()
    const { incident } = await openIncident(t.deps, owner, {
      name: 'x',
      impact: 'minor',
      body: 'a',
      startedAt: TEST_NOW - HOUR,
    })
    const { event } = await postIncidentUpdate(t.deps, owner, incident.id, {
      body: 'Oops, wrong incident.',
      status: 'resolved',
    })
    expect((await t.deps.store.getIncident(incident.id))?.resolvedAt).toBe(TEST_NOW)
    const { incident: after } = await deleteIncidentUpdate(t.deps, responder, event.id)
    expect(after).toMatchObject({ status: 'investigating', resolvedAt: null })
    expect(await t.deps.store.getEvent(event.id)).toBeNull()
    const [entry] = await t.deps.store.listAudit({ limit: 1 })
    expect(entry).toMatchObject({
      action: 'incident.update.delete',
      entityId: event.id,
      after: null,
    })
    expect(entry?.before).toMatchObject({ body: 'Oops, wrong incident.' })
  })
})

describe('updateIncident and deleteIncident', () => {
  it('renames and re-rates an incident without touching its derived status', async () => {
    t = createTestApp()
    const { incident } = await openIncident(t.deps, owner, {
      name: 'x',
      impact: 'minor',
      body: 'a',
      status: 'identified',
    })
    const after = await updateIncident(t.deps, responder, incident.id, {
      name: 'Login failures',
      impact: 'major',
    })
    expect(after).toMatchObject({ name: 'Login failures', impact: 'major', status: 'identified' })
  })

  it('lets only an owner delete an incident, and removes its timeline', async () => {
    t = createTestApp()
    const { incident, event } = await openIncident(t.deps, owner, {
      name: 'x',
      impact: 'minor',
      body: 'a',
    })
    expect((await failure(deleteIncident(t.deps, responder, incident.id))).code).toBe('FORBIDDEN')
    await deleteIncident(t.deps, owner, incident.id)
    expect(await t.deps.store.getIncident(incident.id)).toBeNull()
    expect(await t.deps.store.getEvent(event.id)).toBeNull()
  })
})

describe('listIncidents (the console board)', () => {
  it('lists every open incident first and pages through resolved ones, most recent first', async () => {
    t = createTestApp()
    const resolvedIds: string[] = []
    for (let i = 0; i < 5; i++) {
      const { incident } = await openIncident(t.deps, owner, {
        name: `Old ${i}`,
        impact: 'minor',
        body: 'a',
        startedAt: TEST_NOW - (10 - i) * HOUR,
      })
      await resolveIncident(t.deps, owner, incident.id, { at: TEST_NOW - (9 - i) * HOUR })
      resolvedIds.push(incident.id)
    }
    const early = await openIncident(t.deps, owner, {
      name: 'Open early',
      impact: 'major',
      body: 'a',
      startedAt: TEST_NOW - 20 * HOUR,
    })
    const late = await openIncident(t.deps, owner, {
      name: 'Open late',
      impact: 'major',
      body: 'a',
    })

    const first = await listIncidents(t.deps, { page: 1, pageSize: 2 })
    expect(first.open.map((i) => i.name)).toEqual(['Open late', 'Open early'])
    expect(first.resolved.map((i) => i.name)).toEqual(['Old 4', 'Old 3'])
    expect(first).toMatchObject({ page: 1, pageCount: 3, resolvedTotal: 5 })

    const last = await listIncidents(t.deps, { page: 3, pageSize: 2 })
    expect(last.open.map((i) => i.id)).toEqual([late.incident.id, early.incident.id])
    expect(last.resolved.map((i) => i.name)).toEqual(['Old 0'])

    // A page past the end shows the last page rather than nothing.
    expect((await listIncidents(t.deps, { page: 99, pageSize: 2 })).page).toBe(3)
    expect((await listIncidents(t.deps, { page: -4, pageSize: 2 })).page).toBe(1)
  })

  it('hands back the affected components by id', async () => {
    t = createTestApp()
    const api = await component('API')
    await openIncident(t.deps, owner, {
      name: 'x',
      impact: 'minor',
      body: 'a',
      components: { [api.id]: 'major_outage' },
    })
    const board = await listIncidents(t.deps)
    expect(board.open[0]?.componentIds).toEqual([api.id])
    expect(board.components.get(api.id)?.status).toBe('major_outage')
  })
})
