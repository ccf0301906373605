import { z } from 'zod'
import { notFound } from '../domain/errors.ts'
import type { ComponentGroup } from '../domain/types.ts'
import { assertRole, type Actor } from './actor.ts'
import { audit } from './audit.ts'
import type { Deps } from './deps.ts'
import type { Change } from './ports.ts'
import { moveInList } from './reorder.ts'
import { Description, Name } from './schemas.ts'

type D = Pick<Deps, 'store' | 'clock' | 'ids'>

export const CreateComponentGroupInput = z.object({
  name: Name,
  description: Description.optional(),
  collapsed: z.boolean().default(false),
})
export type CreateComponentGroupInput = z.input<typeof CreateComponentGroupInput>

export async function createComponentGroup(
  deps: D,
  actor: Actor,
  raw: CreateComponentGroupInput,
): Promise<ComponentGroup> {
  assertRole(actor, 'owner', 'responder')
  const input = CreateComponentGroupInput.parse(raw)
  const { group, changes } = await planGroup(deps, actor, input.name, {
    description: input.description ?? null,
    collapsed: input.collapsed,
  })
  await deps.store.commit(changes)
  return group
}

/** A new group at the end of the list, plus its audit entry; shared with createComponent's `group`. */
export async function planGroup(
  deps: D,
  actor: Actor,
  name: string,
  extra: { description: string | null; collapsed: boolean },
): Promise<{ group: ComponentGroup; changes: Change[] }> {
  const groups = await deps.store.listGroups()
  const now = deps.clock.now()
  const group: ComponentGroup = {
    id: deps.ids.next(),
    name,
    ...extra,
    position: Math.max(0, ...groups.map((g) => g.position)) + 1,
    createdAt: now,
    updatedAt: now,
  }
  return {
    group,
    changes: [
      { type: 'group.insert', group },
      audit(deps, actor, 'group.create', { type: 'group', id: group.id }, null, group),
    ],
  }
}

export const UpdateComponentGroupInput = z.object({
  name: Name.optional(),
  description: Description.optional(),
  collapsed: z.boolean().optional(),
})
export type UpdateComponentGroupInput = z.input<typeof UpdateComponentGroupInput>

export async function updateComponentGroup(
  deps: D,
  actor: Actor,
  id: string,
  raw: UpdateComponentGroupInput,
): Promise<ComponentGroup> {
  assertRole(actor, 'owner', 'responder')
  const input = UpdateComponentGroupInput.parse(raw)
  const before = await deps.store.getGroup(id)
  if (!before) throw notFound('Group', id)
  const after: ComponentGroup = { ...before, ...input, updatedAt: deps.clock.now() }
  await deps.store.commit([
    { type: 'group.update', group: after },
    audit(deps, actor, 'group.update', { type: 'group', id }, before, after),
  ])
  return after
}

/** Deletes a group; its components stay, ungrouped. */
export async function deleteComponentGroup(deps: D, actor: Actor, id: string): Promise<void> {
  assertRole(actor, 'owner', 'responder')
  const before = await deps.store.getGroup(id)
  if (!before) throw notFound('Group', id)
  await deps.store.commit([
    { type: 'group.delete', id },
    audit(deps, actor, 'group.delete', { type: 'group', id }, before, null),
  ])
}

/** Swaps a group with its neighbour. */
export async function moveComponentGroup(
  deps: D,
  actor: Actor,
  id: string,
  direction: 'up' | 'down',
): Promise<void> {
  assertRole(actor, 'owner', 'responder')
  const groups = await deps.store.listGroups()
  if (!groups.some((g) => g.id === id)) throw notFound('Group', id)
  const moved = moveInList(groups, id, direction)
  if (moved.length === 0) return
  const now = deps.clock.now()
  await deps.store.commit([
    ...moved.map(({ item, position }): Change => ({
      type: 'group.update',
      group: { ...item, position, updatedAt: now },
    })),
    audit(deps, actor, `group.move.${direction}`, { type: 'group', id }, null, null),
  ])
}
