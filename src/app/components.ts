import { z } from 'zod'
import { invalid, notFound } from '../domain/errors.ts'
import type { Component } from '../domain/types.ts'
import { assertRole, type Actor } from './actor.ts'
import { audit } from './audit.ts'
import { planComponentBroadcast } from './broadcast/plan.ts'
import { planGroup } from './component-groups.ts'
import { moveInList } from './reorder.ts'
import type { Deps } from './deps.ts'
import type { Change } from './ports.ts'
import { ComponentStatusSchema, Description, Id, Name } from './schemas.ts'

type D = Pick<Deps, 'store' | 'clock' | 'ids'>

export const CreateComponentInput = z.object({
  name: Name,
  description: Description.optional(),
  /** A group by name, created when missing (the admin API's convenience). */
  group: Name.optional(),
  groupId: Id.nullable().optional(),
  status: ComponentStatusSchema.default('operational'),
  visible: z.boolean().default(true),
})
export type CreateComponentInput = z.input<typeof CreateComponentInput>

export async function createComponent(
  deps: D,
  actor: Actor,
  raw: CreateComponentInput,
): Promise<Component> {
  assertRole(actor, 'owner', 'responder')
  const input = CreateComponentInput.parse(raw)
  const changes: Change[] = []
  let groupId: string | null = null
  if (input.groupId) {
    if (!(await deps.store.getGroup(input.groupId))) throw invalid('groupId', 'unknown group')
    groupId = input.groupId
  } else if (input.group) {
    const wanted = input.group.toLowerCase()
    const existing = (await deps.store.listGroups()).find((g) => g.name.toLowerCase() === wanted)
    if (existing) groupId = existing.id
    else {
      const planned = await planGroup(deps, actor, input.group, {
        description: null,
        collapsed: false,
      })
      groupId = planned.group.id
      changes.push(...planned.changes)
    }
  }
  const siblings = (await deps.store.listComponents()).filter((c) => c.groupId === groupId)
  const now = deps.clock.now()
  const component: Component = {
    id: deps.ids.next(),
    name: input.name,
    description: input.description ?? null,
    groupId,
    position: Math.max(0, ...siblings.map((c) => c.position)) + 1,
    visible: input.visible,
    status: input.status,
    createdAt: now,
    updatedAt: now,
  }
  changes.push(
    { type: 'component.insert', component },
    // The first recorded status starts the component's uptime history.
    {
      type: 'statusChange.insert',
      change: {
        id: deps.ids.next(),
        componentId: component.id,
        fromStatus: null,
        toStatus: component.status,
        at: now,
        incidentId: null,
        eventId: null,
      },
    },
    audit(
      deps,
      actor,
      'component.create',
      { type: 'component', id: component.id },
      null,
      component,
    ),
  )
  await deps.store.commit(changes)
  return component
}

export const UpdateComponentInput = z.object({
  name: Name.optional(),
  description: Description.optional(),
  groupId: Id.nullable().optional(),
  status: ComponentStatusSchema.optional(),
  visible: z.boolean().optional(),
})
export type UpdateComponentInput = z.input<typeof UpdateComponentInput>

/** Edits a component; a status change outside an incident is recorded like any other. */
export async function updateComponent(
  deps: D,
  actor: Actor,
  id: string,
  raw: UpdateComponentInput,
): Promise<Component> {
  assertRole(actor, 'owner', 'responder')
  const input = UpdateComponentInput.parse(raw)
  const before = await deps.store.getComponent(id)
  if (!before) throw notFound('Component', id)
  if (input.groupId && !(await deps.store.getGroup(input.groupId)))
    throw invalid('groupId', 'unknown group')
  const now = deps.clock.now()
  const after: Component = { ...before, ...input, updatedAt: now }
  if (input.groupId !== undefined && input.groupId !== before.groupId) {
    const siblings = (await deps.store.listComponents()).filter((c) => c.groupId === input.groupId)
    after.position = Math.max(0, ...siblings.map((c) => c.position)) + 1
  }
  const changes: Change[] = [{ type: 'component.update', component: after }]
  if (after.status !== before.status) {
    const statusChangeId = deps.ids.next()
    changes.push({
      type: 'statusChange.insert',
      change: {
        id: statusChangeId,
        componentId: id,
        fromStatus: before.status,
        toStatus: after.status,
        at: now,
        incidentId: null,
        eventId: null,
      },
    })
    const settings = await deps.store.getSettings()
    if (settings?.notifyComponentChanges && after.visible)
      changes.push(planComponentBroadcast(deps, id, statusChangeId))
  }
  changes.push(audit(deps, actor, 'component.update', { type: 'component', id }, before, after))
  await deps.store.commit(changes)
  return after
}

export async function deleteComponent(deps: D, actor: Actor, id: string): Promise<void> {
  assertRole(actor, 'owner', 'responder')
  const before = await deps.store.getComponent(id)
  if (!before) throw notFound('Component', id)
  await deps.store.commit([
    { type: 'component.delete', id },
    audit(deps, actor, 'component.delete', { type: 'component', id }, before, null),
  ])
}

/** Swaps a component with its neighbour inside its group. */
export async function moveComponent(
  deps: D,
  actor: Actor,
  id: string,
  direction: 'up' | 'down',
): Promise<void> {
  assertRole(actor, 'owner', 'responder')
  const all = await deps.store.listComponents()
  const component = all.find((c) => c.id === id)
  if (!component) throw notFound('Component', id)
  const siblings = all.filter((c) => c.groupId === component.groupId)
  const moved = moveInList(siblings, id, direction)
  if (moved.length === 0) return
  const now = deps.clock.now()
  await deps.store.commit([
    ...moved.map(({ item, position }): Change => ({
      type: 'component.update',
      component: { ...item, position, updatedAt: now },
    })),
    audit(deps, actor, `component.move.${direction}`, { type: 'component', id }, null, null),
  ])
}
