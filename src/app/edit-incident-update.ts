import { z } from 'zod'
import { invalid, notFound } from '../domain/errors.ts'
import type { Incident, TimelineEvent } from '../domain/types.ts'
import { assertRole, type Actor } from './actor.ts'
import { audit } from './audit.ts'
import type { Deps } from './deps.ts'
import { checkEventTime, withDerivedState } from './incident-state.ts'
import { Body, EventKindSchema, IncidentStatusSchema, Millis, VisibilitySchema } from './schemas.ts'

export const EditIncidentUpdateInput = z.object({
  body: Body.optional(),
  at: Millis.optional(),
  status: IncidentStatusSchema.nullable().optional(),
  visibility: VisibilitySchema.optional(),
  kind: EventKindSchema.nullable().optional(),
})
export type EditIncidentUpdateInput = z.input<typeof EditIncidentUpdateInput>

/**
 * Edits an event. The previous version goes to the audit log; a public event is marked edited so
 * readers can see it changed. Component changes are history and are not edited here.
 */
export async function editIncidentUpdate(
  deps: Pick<Deps, 'store' | 'clock' | 'ids'>,
  actor: Actor,
  eventId: string,
  raw: EditIncidentUpdateInput,
): Promise<{ incident: Incident; event: TimelineEvent }> {
  assertRole(actor, 'owner', 'responder')
  const input = EditIncidentUpdateInput.parse(raw)
  const before = await deps.store.getEvent(eventId)
  if (!before) throw notFound('Event', eventId)
  const incident = await deps.store.getIncident(before.incidentId)
  if (!incident) throw notFound('Incident', before.incidentId)
  const now = deps.clock.now()
  if (input.at !== undefined) checkEventTime(input.at, now)
  const event: TimelineEvent = {
    ...before,
    ...(input.body !== undefined ? { body: input.body } : {}),
    ...(input.at !== undefined ? { at: input.at } : {}),
    ...(input.status !== undefined ? { status: input.status } : {}),
    ...(input.visibility !== undefined ? { visibility: input.visibility } : {}),
    ...(input.kind !== undefined ? { kind: input.kind } : {}),
    editedAt: now,
  }
  if (event.visibility === 'internal' && (event.status || event.componentChanges.length))
    throw invalid('visibility', 'an update that changes statuses cannot be made internal')
  if (event.visibility === 'internal') event.notify = false
  const events = (await deps.store.listEvents(incident.id)).map((e) =>
    e.id === eventId ? event : e,
  )
  const updated = withDerivedState(incident, events, [], now)
  await deps.store.commit([
    { type: 'event.update', event },
    { type: 'incident.update', incident: updated },
    audit(deps, actor, 'incident.update.edit', { type: 'event', id: eventId }, before, event),
  ])
  return { incident: updated, event }
}
