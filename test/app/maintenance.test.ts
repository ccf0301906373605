import { afterEach, describe, expect, it } from 'vitest'
import { CLI_ACTOR } from '../../src/app/actor.ts'
import { createComponent, updateComponent } from '../../src/app/components.ts'
import {
  cancelMaintenance,
  postMaintenanceUpdate,
  runMaintenanceTransitions,
  scheduleMaintenance,
  updateMaintenance,
} from '../../src/app/maintenance.ts'
import { createTestApp, type TestApp } from '../support/app.ts'

let t: TestApp
afterEach(() => t?.close())

const HOUR = 3_600_000

async function setUp() {
  t = createTestApp()
  const db = await createComponent(t.deps, CLI_ACTOR, { name: 'Database' })
  const api = await createComponent(t.deps, CLI_ACTOR, {
    name: 'API',
    status: 'degraded_performance',
  })
  return { db, api }
}

const kinds = async () => {
  const all = await t.deps.store.listUnexpandedBroadcasts(100)
  return all.map((b) => b.kind)
}

describe('scheduled maintenance', () => {
  it('reminds, starts and completes on time, showing components under maintenance only while it runs', async () => {
    const { db, api } = await setUp()
    const start = t.clock.now() + 3 * HOUR
    const m = await scheduleMaintenance(t.deps, CLI_ACTOR, {
      name: 'Database upgrade',
      body: 'We will upgrade the primary database.',
      scheduledFor: start,
      scheduledUntil: start + 2 * HOUR,
      componentIds: [db.id, api.id],
    })
    expect(await kinds()).toEqual(['maintenance_scheduled'])

    // Nothing is due yet.
    expect(await runMaintenanceTransitions(t.deps)).toBe(0)
    // The default reminder is an hour before the start.
    t.clock.set(start - HOUR - 1000)
    expect(await runMaintenanceTransitions(t.deps)).toBe(0)
    t.clock.set(start - HOUR)
    expect(await runMaintenanceTransitions(t.deps)).toBe(1)
    expect(await runMaintenanceTransitions(t.deps)).toBe(0)
    expect(await kinds()).toEqual(['maintenance_scheduled', 'maintenance_reminder'])

    t.clock.set(start)
    await runMaintenanceTransitions(t.deps)
    expect(await t.deps.store.getMaintenance(m.id)).toMatchObject({
      status: 'in_progress',
      startedAt: start,
    })
    const during = new Map((await t.deps.store.listComponents()).map((c) => [c.id, c.status]))
    expect(during.get(db.id)).toBe('under_maintenance')
    expect(during.get(api.id)).toBe('under_maintenance')

    t.clock.set(start + 2 * HOUR)
    await runMaintenanceTransitions(t.deps)
    expect(await t.deps.store.getMaintenance(m.id)).toMatchObject({
      status: 'completed',
      completedAt: start + 2 * HOUR,
    })
    const after = new Map((await t.deps.store.listComponents()).map((c) => [c.id, c.status]))
    // Each component goes back to what it was before, not blindly to operational.
    expect(after.get(db.id)).toBe('operational')
    expect(after.get(api.id)).toBe('degraded_performance')
    expect(await kinds()).toEqual([
      'maintenance_scheduled',
      'maintenance_reminder',
      'maintenance_started',
      'maintenance_completed',
    ])
    const updates = await t.deps.store.listMaintenanceUpdates([m.id])
    expect(updates.map((u) => u.status)).toEqual(['scheduled', 'in_progress', 'completed'])
  })

  it('catches up after downtime: a missed window is recorded at the times it was due and only its completion is announced', async () => {
    const { db } = await setUp()
    const start = t.clock.now() + 30 * 60_000
    const m = await scheduleMaintenance(t.deps, CLI_ACTOR, {
      name: 'Network work',
      body: 'Switch replacement.',
      scheduledFor: start,
      scheduledUntil: start + HOUR,
      componentIds: [db.id],
    })
    // The server was down for the whole window.
    t.clock.set(start + 5 * HOUR)
    await runMaintenanceTransitions(t.deps)
    expect(await t.deps.store.getMaintenance(m.id)).toMatchObject({
      status: 'completed',
      startedAt: start,
      completedAt: start + HOUR,
    })
    const changes = (await t.deps.store.listStatusChanges(start - 1)).filter(
      (c) => c.componentId === db.id,
    )
    expect(changes.filter((c) => c.at >= start).map((c) => [c.toStatus, c.at])).toEqual([
      ['under_maintenance', start],
      ['operational', start + HOUR],
    ])
    expect((await t.deps.store.getComponent(db.id))!.status).toBe('operational')
    expect(await kinds()).toEqual(['maintenance_scheduled', 'maintenance_completed'])
  })

  it('waits for a responder when auto start is off, and moves only forward', async () => {
    const { db } = await setUp()
    const start = t.clock.now() + HOUR
    const m = await scheduleMaintenance(t.deps, CLI_ACTOR, {
      name: 'Manual',
      body: 'x',
      scheduledFor: start,
      scheduledUntil: start + HOUR,
      componentIds: [db.id],
      autoStart: false,
      autoComplete: false,
      notify: false,
    })
    t.clock.set(start + 10 * 60_000)
    await runMaintenanceTransitions(t.deps)
    expect((await t.deps.store.getMaintenance(m.id))!.status).toBe('scheduled')
    await postMaintenanceUpdate(t.deps, CLI_ACTOR, m.id, {
      body: 'Starting now.',
      status: 'in_progress',
    })
    await postMaintenanceUpdate(t.deps, CLI_ACTOR, m.id, { body: 'Checking.', status: 'verifying' })
    await expect(
      postMaintenanceUpdate(t.deps, CLI_ACTOR, m.id, { body: 'Oops', status: 'scheduled' }),
    ).rejects.toMatchObject({ code: 'VALIDATION' })
    await postMaintenanceUpdate(t.deps, CLI_ACTOR, m.id, { body: 'Done.', status: 'completed' })
    expect((await t.deps.store.getComponent(db.id))!.status).toBe('operational')
    expect(await kinds()).toEqual([])
  })

  it('does not put back a status an incident set while the maintenance ran', async () => {
    const { db } = await setUp()
    const start = t.clock.now() + HOUR
    await scheduleMaintenance(t.deps, CLI_ACTOR, {
      name: 'x',
      body: 'x',
      scheduledFor: start,
      scheduledUntil: start + HOUR,
      componentIds: [db.id],
    })
    t.clock.set(start)
    await runMaintenanceTransitions(t.deps)
    t.clock.advance(10 * 60_000)
    await updateComponent(t.deps, CLI_ACTOR, db.id, { status: 'major_outage' })
    t.clock.set(start + HOUR)
    await runMaintenanceTransitions(t.deps)
    expect((await t.deps.store.getComponent(db.id))!.status).toBe('major_outage')
  })

  it('bumps the calendar sequence on reschedule and cancellation, and refuses a window that ends before it starts', async () => {
    await setUp()
    const start = t.clock.now() + HOUR
    const m = await scheduleMaintenance(t.deps, CLI_ACTOR, {
      name: 'x',
      body: 'x',
      scheduledFor: start,
      scheduledUntil: start + HOUR,
    })
    await expect(
      scheduleMaintenance(t.deps, CLI_ACTOR, {
        name: 'y',
        body: 'y',
        scheduledFor: start,
        scheduledUntil: start,
      }),
    ).rejects.toMatchObject({
      issues: expect.arrayContaining([expect.objectContaining({ path: ['scheduledUntil'] })]),
    })
    const moved = await updateMaintenance(t.deps, CLI_ACTOR, m.id, {
      scheduledFor: start + HOUR,
      scheduledUntil: start + 2 * HOUR,
      body: 'Moved by an hour.',
    })
    expect(moved.sequence).toBe(1)
    const cancelled = await cancelMaintenance(t.deps, CLI_ACTOR, m.id)
    expect(cancelled).toMatchObject({ sequence: 2, status: 'scheduled' })
    expect(cancelled.cancelledAt).not.toBeNull()
    t.clock.set(start + 5 * HOUR)
    expect(await runMaintenanceTransitions(t.deps)).toBe(0)
    expect(await t.deps.store.listMaintenances({ state: 'upcoming' })).toEqual([])
    expect((await t.deps.store.listMaintenances({ state: 'past' })).map((x) => x.id)).toEqual([
      m.id,
    ])
  })
})
