import { afterEach, describe, expect, it } from 'vitest'
import type { Actor } from '../../src/app/actor.ts'
import {
  createComponentGroup,
  deleteComponentGroup,
  moveComponentGroup,
  updateComponentGroup,
} from '../../src/app/component-groups.ts'
import {
  createComponent,
  deleteComponent,
  moveComponent,
  updateComponent,
} from '../../src/app/components.ts'
import { openIncident } from '../../src/app/open-incident.ts'
import { postIncidentUpdate } from '../../src/app/post-incident-update.ts'
import type { Component, ComponentGroup } from '../../src/domain/types.ts'
import { toAppError } from '../../src/http/errors.tsx'
import { createTestApp, TEST_NOW, type TestApp } from '../support/app.ts'

// Component and group use cases on real SQLite (TEST_NOW is 2026-11-22T12:00:00Z).

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const owner: Actor = { id: null, label: 'Olivia Owner', role: 'owner', via: 'console' }
const viewer: Actor = { id: null, label: 'Vera Viewer', role: 'viewer', via: 'console' }

let t: TestApp
afterEach(() => t?.close())

async function errorOf(promise: Promise<unknown>) {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  return toAppError(err)
}

const names = (components: Component[], groupId: string | null) =>
  components.filter((c) => c.groupId === groupId).map((c) => c.name)

describe('createComponent', () => {
  it('records the first status so uptime has a starting point', async () => {
    t = createTestApp()
    const api = await createComponent(t.deps, owner, {
      name: 'API',
      status: 'degraded_performance',
    })
    const changes = await t.deps.store.listStatusChanges(0)
    expect(changes).toMatchObject([
      {
        componentId: api.id,
        fromStatus: null,
        toStatus: 'degraded_performance',
        at: TEST_NOW,
        incidentId: null,
      },
    ])
  })

  it('places a group by name, creating it once and reusing it case-insensitively', async () => {
    t = createTestApp()
    const a = await createComponent(t.deps, owner, { name: 'API', group: 'Backend' })
    const b = await createComponent(t.deps, owner, { name: 'Jobs', group: 'backend' })
    const groups = await t.deps.store.listGroups()
    expect(groups.map((g) => g.name)).toEqual(['Backend'])
    expect([a.groupId, b.groupId]).toEqual([groups[0]!.id, groups[0]!.id])
    expect([a.position, b.position]).toEqual([1, 2])
  })

  it('refuses an unknown group id, naming groupId, and a viewer', async () => {
    t = createTestApp()
    const bad = await errorOf(createComponent(t.deps, owner, { name: 'API', groupId: 'nope' }))
    expect(bad?.issues.map((i) => i.field)).toEqual(['groupId'])
    expect((await errorOf(createComponent(t.deps, viewer, { name: 'API' })))?.code).toBe(
      'FORBIDDEN',
    )
    expect(await t.deps.store.listComponents()).toEqual([])
  })

  it('names the field of a blank name', async () => {
    t = createTestApp()
    const err = await errorOf(createComponent(t.deps, owner, { name: '   ' }))
    expect(err?.code).toBe('VALIDATION')
    expect(err?.issues.map((i) => i.field)).toEqual(['name'])
  })
})

describe('component status outside an incident', () => {
  it('records a status set directly as a change with no incident', async () => {
    t = createTestApp()
    const api = await createComponent(t.deps, owner, { name: 'API' })
    t.clock.advance(10 * MINUTE)
    await updateComponent(t.deps, owner, api.id, { status: 'under_maintenance' })
    // listStatusChanges also hands back the last change before `since`: skip past creation.
    const changes = (await t.deps.store.listStatusChanges(TEST_NOW + MINUTE)).filter(
      (c) => c.at > TEST_NOW,
    )
    expect(changes).toMatchObject([
      {
        fromStatus: 'operational',
        toStatus: 'under_maintenance',
        at: TEST_NOW + 10 * MINUTE,
        incidentId: null,
        eventId: null,
      },
    ])
    expect((await t.deps.store.getComponent(api.id))?.status).toBe('under_maintenance')
  })

  it('records nothing when the status does not change', async () => {
    t = createTestApp()
    const api = await createComponent(t.deps, owner, { name: 'API' })
    await updateComponent(t.deps, owner, api.id, { name: 'Public API', status: 'operational' })
    expect((await t.deps.store.listStatusChanges(0)).length).toBe(1)
  })

  it('does not let a backdated change override a newer one, but keeps it in the history', async () => {
    t = createTestApp({ now: TEST_NOW - 24 * HOUR })
    const api = await createComponent(t.deps, owner, { name: 'API' })
    t.clock.set(TEST_NOW - 30 * MINUTE)
    await updateComponent(t.deps, owner, api.id, { status: 'degraded_performance' })
    t.clock.set(TEST_NOW)
    const { incident } = await openIncident(t.deps, owner, {
      name: 'x',
      impact: 'minor',
      body: 'a',
    })
    // Written up now about an hour ago, before the newer "degraded" was set.
    await postIncidentUpdate(t.deps, owner, incident.id, {
      body: 'It was fully down for a while.',
      at: TEST_NOW - HOUR,
      components: { [api.id]: 'major_outage' },
    })
    expect((await t.deps.store.getComponent(api.id))?.status).toBe('degraded_performance')
    const history = (await t.deps.store.listStatusChanges(TEST_NOW - 2 * HOUR)).filter(
      (c) => c.componentId === api.id,
    )
    expect(history.map((c) => [c.at, c.fromStatus, c.toStatus])).toEqual([
      [TEST_NOW - 24 * HOUR, null, 'operational'],
      [TEST_NOW - HOUR, 'operational', 'major_outage'],
      [TEST_NOW - 30 * MINUTE, 'operational', 'degraded_performance'],
    ])
  })

  it('lets an incident update move the status when it is the newest change', async () => {
    t = createTestApp({ now: TEST_NOW - 24 * HOUR })
    const api = await createComponent(t.deps, owner, { name: 'API' })
    t.clock.set(TEST_NOW)
    const { incident } = await openIncident(t.deps, owner, {
      name: 'x',
      impact: 'minor',
      body: 'a',
    })
    const { event } = await postIncidentUpdate(t.deps, owner, incident.id, {
      body: 'Down.',
      at: TEST_NOW - MINUTE,
      components: { [api.id]: 'major_outage' },
    })
    expect((await t.deps.store.getComponent(api.id))?.status).toBe('major_outage')
    const [change] = (await t.deps.store.listStatusChanges(TEST_NOW - 2 * MINUTE)).filter(
      (c) => c.incidentId !== null,
    )
    expect(change).toMatchObject({ incidentId: incident.id, eventId: event.id })
  })
})

describe('ordering', () => {
  async function threeIn(groupId: string | null) {
    const out: Component[] = []
    for (const name of ['A', 'B', 'C'])
      out.push(await createComponent(t.deps, owner, { name, groupId }))
    return out
  }

  it('moves a component up and down within its group only', async () => {
    t = createTestApp()
    const group = await createComponentGroup(t.deps, owner, { name: 'G' })
    const [a, , c] = await threeIn(group.id)
    const loose = await createComponent(t.deps, owner, { name: 'Loose' })
    await moveComponent(t.deps, owner, c!.id, 'up')
    expect(names(await t.deps.store.listComponents(), group.id)).toEqual(['A', 'C', 'B'])
    await moveComponent(t.deps, owner, a!.id, 'down')
    expect(names(await t.deps.store.listComponents(), group.id)).toEqual(['C', 'A', 'B'])
    // Positions are renumbered 1..n, with no gaps or duplicates.
    const positions = (await t.deps.store.listComponents())
      .filter((x) => x.groupId === group.id)
      .map((x) => x.position)
    expect(positions).toEqual([1, 2, 3])
    expect((await t.deps.store.getComponent(loose.id))?.position).toBe(1)
  })

  it('leaves the order alone when moving past either end', async () => {
    t = createTestApp()
    const [a, , c] = await threeIn(null)
    await moveComponent(t.deps, owner, a!.id, 'up')
    await moveComponent(t.deps, owner, c!.id, 'down')
    expect(names(await t.deps.store.listComponents(), null)).toEqual(['A', 'B', 'C'])
  })

  it('moves groups and renumbers them', async () => {
    t = createTestApp()
    const groups: ComponentGroup[] = []
    for (const name of ['One', 'Two', 'Three'])
      groups.push(await createComponentGroup(t.deps, owner, { name }))
    await moveComponentGroup(t.deps, owner, groups[2]!.id, 'up')
    await moveComponentGroup(t.deps, owner, groups[2]!.id, 'up')
    const after = await t.deps.store.listGroups()
    expect(after.map((g) => [g.name, g.position])).toEqual([
      ['Three', 1],
      ['One', 2],
      ['Two', 3],
    ])
  })

  it('answers NOT_FOUND when moving something unknown', async () => {
    t = createTestApp()
    expect((await errorOf(moveComponent(t.deps, owner, 'nope', 'up')))?.code).toBe('NOT_FOUND')
    expect((await errorOf(moveComponentGroup(t.deps, owner, 'nope', 'up')))?.code).toBe('NOT_FOUND')
  })
})

describe('groups', () => {
  it('renames a group and marks it collapsed', async () => {
    t = createTestApp()
    const g = await createComponentGroup(t.deps, owner, { name: 'Infra' })
    const after = await updateComponentGroup(t.deps, owner, g.id, {
      name: 'Infrastructure',
      collapsed: true,
    })
    expect(after).toMatchObject({ name: 'Infrastructure', collapsed: true })
  })

  it('deleting a group keeps its components, ungrouped', async () => {
    t = createTestApp()
    const g = await createComponentGroup(t.deps, owner, { name: 'Infra' })
    const db = await createComponent(t.deps, owner, { name: 'Database', groupId: g.id })
    await deleteComponentGroup(t.deps, owner, g.id)
    expect(await t.deps.store.getGroup(g.id)).toBeNull()
    expect((await t.deps.store.getComponent(db.id))?.groupId).toBeNull()
  })
})

describe('deleteComponent', () => {
  it('removes the component, its history and its incident links, and audits the removal', async () => {
    t = createTestApp()
    const api = await createComponent(t.deps, owner, { name: 'API' })
    const { incident } = await openIncident(t.deps, owner, {
      name: 'x',
      impact: 'minor',
      body: 'a',
      components: { [api.id]: 'major_outage' },
    })
    await deleteComponent(t.deps, owner, api.id)
    expect(await t.deps.store.getComponent(api.id)).toBeNull()
    expect(await t.deps.store.listStatusChanges(0)).toEqual([])
    expect((await t.deps.store.getIncident(incident.id))?.componentIds).toEqual([])
    const [entry] = await t.deps.store.listAudit({ limit: 1 })
    expect(entry).toMatchObject({ action: 'component.delete', entityId: api.id, after: null })
  })
})

describe('atomic write sets', () => {
  it('leaves nothing behind when the last change of a write set violates a constraint', async () => {
    t = createTestApp()
    const existing = await createComponent(t.deps, owner, { name: 'Existing' })
    const now = t.deps.clock.now()
    const group: ComponentGroup = {
      id: 'g-new',
      name: 'New group',
      description: null,
      position: 9,
      collapsed: false,
      createdAt: now,
      updatedAt: now,
    }
    const fresh: Component = { ...existing, id: 'c-new', name: 'Fresh', groupId: group.id }
    await expect(
      t.deps.store.commit([
        { type: 'group.insert', group },
        { type: 'component.insert', component: fresh },
        { type: 'component.update', component: { ...existing, name: 'Renamed' } },
        // Same primary key as an existing row: the database refuses the whole set.
        { type: 'component.insert', component: { ...existing, name: 'Duplicate' } },
      ]),
    ).rejects.toThrow()
    expect(await t.deps.store.getGroup('g-new')).toBeNull()
    expect(await t.deps.store.getComponent('c-new')).toBeNull()
    expect((await t.deps.store.getComponent(existing.id))?.name).toBe('Existing')
    expect((await t.deps.store.listComponents()).map((c) => c.name)).toEqual(['Existing'])
  })
})
