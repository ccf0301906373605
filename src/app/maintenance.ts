import { z } from 'zod'
import type { BroadcastKind, ComponentStatus, MaintenanceStatus } from '../domain/enums.ts'
import { MAINTENANCE_STATUSES } from '../domain/enums.ts'
import { AppError, invalid, notFound } from '../domain/errors.ts'
import type { Broadcast, Maintenance, MaintenanceUpdate } from '../domain/types.ts'
import { assertRole, type Actor } from './actor.ts'
import { audit } from './audit.ts'
import type { Deps } from './deps.ts'
import { getSettings } from './get-settings.ts'
import { planComponentChanges } from './incident-state.ts'
import type { Change } from './ports.ts'
import { Body, Millis, Name } from './schemas.ts'

// Scheduled maintenance (issue 5): scheduled → in_progress → verifying → completed, by hand or on
// time (auto start / auto complete). While it runs its components show under_maintenance; when it
// completes they go back to what they were. Transitions are recorded at the moment they were due,
// so a server that was down at that moment catches up with the right times.

type D = Pick<Deps, 'store' | 'clock' | 'ids'>

const SYSTEM: Actor = { id: null, label: 'schedule', role: 'owner', via: 'cli' }

export const ScheduleMaintenanceInput = z
  .object({
    name: Name,
    body: Body,
    scheduledFor: Millis,
    scheduledUntil: Millis,
    componentIds: z.array(z.string().trim().min(1).max(64)).max(500).default([]),
    autoStart: z.boolean().default(true),
    autoComplete: z.boolean().default(true),
    notify: z.boolean().default(true),
  })
  .superRefine((v, ctx) => {
    if (v.scheduledUntil <= v.scheduledFor)
      ctx.addIssue({ code: 'custom', path: ['scheduledUntil'], message: 'must be after the start' })
    if (v.scheduledUntil - v.scheduledFor > 31 * 86_400_000)
      ctx.addIssue({
        code: 'custom',
        path: ['scheduledUntil'],
        message: 'a window may last at most 31 days',
      })
  })
export type ScheduleMaintenanceInput = z.input<typeof ScheduleMaintenanceInput>

async function checkComponents(deps: Pick<Deps, 'store'>, ids: string[]) {
  const known = new Set((await deps.store.listComponents()).map((c) => c.id))
  const unknown = ids.find((id) => !known.has(id))
  if (unknown) throw invalid('componentIds', `unknown component ${unknown}`)
}

function broadcastOf(
  deps: D,
  m: Maintenance,
  kind: BroadcastKind,
  eventId: string | null,
): Change[] {
  if (!m.notify) return []
  const broadcast: Broadcast = {
    id: deps.ids.next(),
    kind,
    // The maintenance id orders its deliveries per subscriber, as an incident's do.
    incidentId: m.id,
    eventId,
    statusChangeId: null,
    componentIds: m.componentIds,
    createdAt: deps.clock.now(),
    expandedThrough: null,
    expandedAt: null,
  }
  return [{ type: 'broadcast.insert', broadcast }]
}

function newUpdate(
  deps: D,
  m: Maintenance,
  fields: { body: string; status: MaintenanceStatus; at: number; author: string | null },
): MaintenanceUpdate {
  return {
    id: deps.ids.next(),
    maintenanceId: m.id,
    at: fields.at,
    postedAt: deps.clock.now(),
    body: fields.body,
    status: fields.status,
    authorName: fields.author,
  }
}

export async function scheduleMaintenance(
  deps: D,
  actor: Actor,
  raw: ScheduleMaintenanceInput,
): Promise<Maintenance> {
  assertRole(actor, 'owner', 'responder')
  const input = ScheduleMaintenanceInput.parse(raw)
  await checkComponents(deps, input.componentIds)
  const now = deps.clock.now()
  const m: Maintenance = {
    id: deps.ids.next(),
    name: input.name,
    status: 'scheduled',
    scheduledFor: input.scheduledFor,
    scheduledUntil: input.scheduledUntil,
    componentIds: [...new Set(input.componentIds)],
    autoStart: input.autoStart,
    autoComplete: input.autoComplete,
    notify: input.notify,
    startedAt: null,
    completedAt: null,
    cancelledAt: null,
    sequence: 0,
    reminderSentAt: null,
    restore: {},
    createdAt: now,
    updatedAt: now,
    createdBy: actor.id,
  }
  const update = newUpdate(deps, m, {
    body: input.body,
    status: 'scheduled',
    at: now,
    author: actor.label,
  })
  await deps.store.commit([
    { type: 'maintenance.insert', maintenance: m },
    { type: 'maintenanceUpdate.insert', update },
    ...broadcastOf(deps, m, 'maintenance_scheduled', update.id),
    audit(deps, actor, 'maintenance.schedule', { type: 'maintenance', id: m.id }, null, m),
  ])
  return m
}

export const RescheduleMaintenanceInput = z.object({
  name: Name.optional(),
  scheduledFor: Millis.optional(),
  scheduledUntil: Millis.optional(),
  componentIds: z.array(z.string().trim().min(1).max(64)).max(500).optional(),
  autoStart: z.boolean().optional(),
  autoComplete: z.boolean().optional(),
  notify: z.boolean().optional(),
  /** Posted as an update (and sent) when the window moves. */
  body: Body.optional(),
})
export type RescheduleMaintenanceInput = z.input<typeof RescheduleMaintenanceInput>

/** Edits a maintenance; moving its window bumps the calendar SEQUENCE and may tell subscribers. */
export async function updateMaintenance(
  deps: D,
  actor: Actor,
  id: string,
  raw: RescheduleMaintenanceInput,
): Promise<Maintenance> {
  assertRole(actor, 'owner', 'responder')
  const input = RescheduleMaintenanceInput.parse(raw)
  const before = await deps.store.getMaintenance(id)
  if (!before) throw notFound('Maintenance', id)
  if (before.status === 'completed' || before.cancelledAt)
    throw new AppError('CONFLICT', 'This maintenance is over and can no longer be changed')
  if (input.componentIds) await checkComponents(deps, input.componentIds)
  const now = deps.clock.now()
  const after: Maintenance = {
    ...before,
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.scheduledFor !== undefined ? { scheduledFor: input.scheduledFor } : {}),
    ...(input.scheduledUntil !== undefined ? { scheduledUntil: input.scheduledUntil } : {}),
    ...(input.componentIds !== undefined ? { componentIds: [...new Set(input.componentIds)] } : {}),
    ...(input.autoStart !== undefined ? { autoStart: input.autoStart } : {}),
    ...(input.autoComplete !== undefined ? { autoComplete: input.autoComplete } : {}),
    ...(input.notify !== undefined ? { notify: input.notify } : {}),
    updatedAt: now,
  }
  if (after.scheduledUntil <= after.scheduledFor)
    throw invalid('scheduledUntil', 'must be after the start')
  if (before.status !== 'scheduled' && after.scheduledFor !== before.scheduledFor)
    throw invalid('scheduledFor', 'has already started; only the end can move')
  if (
    before.status !== 'scheduled' &&
    input.componentIds !== undefined &&
    [...new Set(input.componentIds)].sort().join() !== [...before.componentIds].sort().join()
  )
    throw invalid('componentIds', 'has already started; its components can no longer change')
  const moved =
    after.scheduledFor !== before.scheduledFor || after.scheduledUntil !== before.scheduledUntil
  if (moved) {
    after.sequence = before.sequence + 1
    // A reminder belongs to the old start time.
    if (after.scheduledFor !== before.scheduledFor) after.reminderSentAt = null
  }
  const changes: Change[] = [{ type: 'maintenance.update', maintenance: after }]
  if (moved && input.body) {
    const update = newUpdate(deps, after, {
      body: input.body,
      status: after.status,
      at: now,
      author: actor.label,
    })
    changes.push(
      { type: 'maintenanceUpdate.insert', update },
      ...broadcastOf(deps, after, 'maintenance_updated', update.id),
    )
  }
  changes.push(audit(deps, actor, 'maintenance.update', { type: 'maintenance', id }, before, after))
  await deps.store.commit(changes)
  return after
}

export const PostMaintenanceUpdateInput = z.object({
  body: Body,
  status: z
    .enum(MAINTENANCE_STATUSES, { error: 'Choose scheduled, in_progress, verifying or completed' })
    .optional(),
  notify: z.boolean().default(true),
})
export type PostMaintenanceUpdateInput = z.input<typeof PostMaintenanceUpdateInput>

const ORDER: Record<MaintenanceStatus, number> = {
  scheduled: 0,
  in_progress: 1,
  verifying: 2,
  completed: 3,
}

/** Plans a move to `status` at `at`: component statuses, restore map, the update and its broadcast. */
async function planTransition(
  deps: D,
  m: Maintenance,
  status: MaintenanceStatus,
  ctx: { at: number; body: string; author: string | null; notify: boolean },
): Promise<{ after: Maintenance; changes: Change[] }> {
  const now = deps.clock.now()
  const after: Maintenance = { ...m, status, updatedAt: now }
  const update = newUpdate(deps, m, { body: ctx.body, status, at: ctx.at, author: ctx.author })
  const changes: Change[] = []
  const components = new Map((await deps.store.listComponents()).map((c) => [c.id, c]))
  let kind: BroadcastKind = 'maintenance_updated'
  if (m.status === 'scheduled' && ORDER[status] >= 1) {
    after.startedAt = ctx.at
    kind = 'maintenance_started'
    const restore: Record<string, ComponentStatus> = {}
    const requested: Record<string, ComponentStatus> = {}
    for (const id of m.componentIds) {
      const c = components.get(id)
      if (!c) continue
      restore[id] = c.status === 'under_maintenance' ? 'operational' : c.status
      requested[id] = 'under_maintenance'
    }
    after.restore = restore
    const planned = await planComponentChanges(deps, requested, {
      at: ctx.at,
      now,
      incidentId: null,
      eventId: update.id,
    })
    changes.push(...planned.changes)
  }
  if (status === 'completed') {
    after.completedAt = ctx.at
    kind = 'maintenance_completed'
    const requested: Record<string, ComponentStatus> = {}
    for (const id of m.componentIds) {
      const c = components.get(id)
      // Only what the maintenance itself set is put back; an incident's later status stays.
      if (c && c.status === 'under_maintenance') requested[id] = after.restore[id] ?? 'operational'
    }
    const planned = await planComponentChanges(deps, requested, {
      at: ctx.at,
      now,
      incidentId: null,
      eventId: update.id,
    })
    changes.push(...planned.changes)
  }
  changes.unshift(
    { type: 'maintenance.update', maintenance: after },
    { type: 'maintenanceUpdate.insert', update },
  )
  if (ctx.notify) changes.push(...broadcastOf(deps, after, kind, update.id))
  return { after, changes }
}

/** A responder's update, optionally moving the status (forward only). */
export async function postMaintenanceUpdate(
  deps: D,
  actor: Actor,
  id: string,
  raw: PostMaintenanceUpdateInput,
): Promise<Maintenance> {
  assertRole(actor, 'owner', 'responder')
  const input = PostMaintenanceUpdateInput.parse(raw)
  const m = await deps.store.getMaintenance(id)
  if (!m) throw notFound('Maintenance', id)
  if (m.cancelledAt) throw new AppError('CONFLICT', 'This maintenance was cancelled')
  const status = input.status ?? m.status
  if (ORDER[status] < ORDER[m.status])
    throw invalid('status', `cannot go back from ${m.status} to ${status}`)
  if (m.status === 'completed') throw new AppError('CONFLICT', 'This maintenance is completed')
  const { after, changes } = await planTransition(deps, m, status, {
    at: deps.clock.now(),
    body: input.body,
    author: actor.label,
    notify: input.notify,
  })
  changes.push(
    audit(deps, actor, 'maintenance.update.post', { type: 'maintenance', id }, null, {
      status,
      body: input.body,
    }),
  )
  await deps.store.commit(changes)
  return after
}

/** Calls off a maintenance that has not started; the calendar marks it CANCELLED. */
export async function cancelMaintenance(
  deps: D,
  actor: Actor,
  id: string,
  raw: { body?: string; notify?: boolean } = {},
): Promise<Maintenance> {
  assertRole(actor, 'owner', 'responder')
  const input = z.object({ body: Body.optional(), notify: z.boolean().default(true) }).parse(raw)
  const m = await deps.store.getMaintenance(id)
  if (!m) throw notFound('Maintenance', id)
  if (m.status !== 'scheduled' || m.cancelledAt)
    throw new AppError('CONFLICT', 'Only a maintenance that has not started can be cancelled')
  const now = deps.clock.now()
  const after: Maintenance = { ...m, cancelledAt: now, sequence: m.sequence + 1, updatedAt: now }
  const update = newUpdate(deps, m, {
    body: input.body ?? 'This maintenance has been cancelled.',
    status: 'scheduled',
    at: now,
    author: actor.label,
  })
  await deps.store.commit([
    { type: 'maintenance.update', maintenance: after },
    { type: 'maintenanceUpdate.insert', update },
    ...(input.notify ? broadcastOf(deps, after, 'maintenance_updated', update.id) : []),
    audit(deps, actor, 'maintenance.cancel', { type: 'maintenance', id }, m, after),
  ])
  return after
}

export async function deleteMaintenance(deps: D, actor: Actor, id: string): Promise<void> {
  assertRole(actor, 'owner')
  const m = await deps.store.getMaintenance(id)
  if (!m) throw notFound('Maintenance', id)
  if (m.status === 'in_progress' || m.status === 'verifying')
    throw new AppError('CONFLICT', 'Complete this maintenance before deleting it')
  await deps.store.commit([
    { type: 'maintenance.delete', id },
    audit(deps, actor, 'maintenance.delete', { type: 'maintenance', id }, m, null),
  ])
}

/**
 * Runs every transition that is due: reminders, automatic starts and completions, in order and at
 * the times they were due. Called by the Node scheduler and the Workers cron; safe to call often.
 * Returns how many transitions it made.
 */
export async function runMaintenanceTransitions(deps: D): Promise<number> {
  const now = deps.clock.now()
  const settings = await getSettings(deps)
  const reminderMs = settings.maintenanceReminderMinutes * 60_000
  let made = 0
  for (const due of await deps.store.listDueMaintenances(now, reminderMs)) {
    let m = due
    const startDue = m.status === 'scheduled' && m.autoStart && m.scheduledFor <= now
    const endDue = m.autoComplete && m.scheduledUntil <= now
    // Each step is its own write: the completion reads the component statuses the start set.
    const step = async (changes: Change[], next: Maintenance) => {
      changes.push(
        audit(deps, SYSTEM, 'maintenance.transition', { type: 'maintenance', id: m.id }, m, next),
      )
      await deps.store.commit(changes)
      m = next
      made++
    }
    if (
      m.status === 'scheduled' &&
      !startDue &&
      reminderMs > 0 &&
      m.notify &&
      m.reminderSentAt === null
    ) {
      const next = { ...m, reminderSentAt: now, updatedAt: now }
      await step(
        [
          { type: 'maintenance.update', maintenance: next },
          ...broadcastOf(deps, next, 'maintenance_reminder', null),
        ],
        next,
      )
    }
    if (startDue) {
      // A start missed entirely (the whole window passed while down) is recorded but not announced:
      // subscribers hear that it completed.
      const t = await planTransition(deps, m, 'in_progress', {
        at: m.scheduledFor,
        body: 'Scheduled maintenance is now in progress.',
        author: null,
        notify: !endDue,
      })
      await step(t.changes, t.after)
    }
    if (endDue && (m.status === 'in_progress' || m.status === 'verifying')) {
      const t = await planTransition(deps, m, 'completed', {
        at: m.scheduledUntil,
        body: 'Scheduled maintenance has been completed.',
        author: null,
        notify: true,
      })
      await step(t.changes, t.after)
    }
  }
  return made
}
