import type { ComponentStatus } from '../domain/enums.ts'
import { invalid } from '../domain/errors.ts'
import { deriveIncidentStatus, resolvedAtFromEvents } from '../domain/incident-status.ts'
import type { Component, ComponentChange, Incident, TimelineEvent } from '../domain/types.ts'
import type { Actor } from './actor.ts'
import type { Deps } from './deps.ts'
import type { Change } from './ports.ts'
import { FUTURE_SKEW_MS } from './schemas.ts'

// Shared by the incident use cases: recomputing derived state and turning requested component
// statuses into recorded changes.

/** The incident with status and resolvedAt derived from its (whole, new) timeline. */
export function withDerivedState(
  incident: Incident,
  events: TimelineEvent[],
  extraComponentIds: string[],
  now: number,
): Incident {
  const componentIds = [...new Set([...incident.componentIds, ...extraComponentIds])]
  return {
    ...incident,
    componentIds,
    status: deriveIncidentStatus(events),
    resolvedAt: resolvedAtFromEvents(events),
    updatedAt: now,
  }
}

export function checkEventTime(at: number, now: number, field = 'at') {
  if (at > now + FUTURE_SKEW_MS) throw invalid(field, 'cannot be in the future')
}

/**
 * Validates requested component statuses against known components and returns the changes to
 * record. A component's current status moves only when this event is its latest recorded change,
 * so a backdated event fills in history without overriding the present.
 */
export async function planComponentChanges(
  deps: Pick<Deps, 'store' | 'ids'>,
  requested: Record<string, ComponentStatus> | undefined,
  ctx: {
    at: number
    now: number
    incidentId: string | null
    eventId: string | null
    field?: string
  },
): Promise<{ changes: Change[]; componentChanges: ComponentChange[]; touched: Component[] }> {
  const entries = Object.entries(requested ?? {})
  if (entries.length === 0) return { changes: [], componentChanges: [], touched: [] }
  const known = new Map((await deps.store.listComponents()).map((c) => [c.id, c]))
  // Changes from `at` on, plus each component's last change before it (ordered by at, id).
  const later = await deps.store.listStatusChanges(ctx.at)
  const changes: Change[] = []
  const componentChanges: ComponentChange[] = []
  const touched: Component[] = []
  for (const [componentId, status] of entries) {
    const component = known.get(componentId)
    if (!component)
      throw invalid(`${ctx.field ?? 'components'}.${componentId}`, 'unknown component')
    componentChanges.push({ componentId, status })
    touched.push(component)
    const history = later.filter((ch) => ch.componentId === componentId)
    // A creation record is not a status someone set, so it never blocks a backdated change.
    const newerExists = history.some((ch) => ch.at > ctx.at && ch.fromStatus !== null)
    // The status in force at `at`: the last change at or before it, else the current one.
    const before = history.filter((ch) => ch.at <= ctx.at).at(-1)
    changes.push({
      type: 'statusChange.insert',
      change: {
        id: deps.ids.next(),
        componentId,
        fromStatus: before?.toStatus ?? component.status,
        toStatus: status,
        at: ctx.at,
        incidentId: ctx.incidentId,
        eventId: ctx.eventId,
      },
    })
    if (!newerExists && component.status !== status) {
      changes.push({
        type: 'component.update',
        component: { ...component, status, updatedAt: ctx.now },
      })
    }
  }
  return { changes, componentChanges, touched }
}

export function authorOf(actor: Actor) {
  return { authorId: actor.id, authorName: actor.label }
}

/**
 * A new timeline event and the component status changes it records, for opening an incident or
 * posting to one: ids from the Ids port, posted now, authored by the actor.
 */
export async function planEvent(
  deps: Pick<Deps, 'store' | 'ids'>,
  actor: Actor,
  ctx: { incidentId: string; at: number; now: number },
  fields: Pick<TimelineEvent, 'body' | 'visibility' | 'status' | 'kind' | 'notify'>,
  components: Record<string, ComponentStatus> | undefined,
): Promise<{ event: TimelineEvent; changes: Change[] }> {
  const eventId = deps.ids.next()
  const planned = await planComponentChanges(deps, components, { ...ctx, eventId })
  const event: TimelineEvent = {
    id: eventId,
    incidentId: ctx.incidentId,
    at: ctx.at,
    postedAt: ctx.now,
    ...authorOf(actor),
    ...fields,
    componentChanges: planned.componentChanges,
    editedAt: null,
  }
  return { event, changes: planned.changes }
}
