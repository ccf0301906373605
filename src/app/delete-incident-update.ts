import { AppError, notFound } from '../domain/errors.ts'
import type { Incident } from '../domain/types.ts'
import { assertRole, type Actor } from './actor.ts'
import { audit } from './audit.ts'
import type { Deps } from './deps.ts'
import { withDerivedState } from './incident-state.ts'

/**
 * Deletes an event (kept in the audit log). The recorded component status changes stay: they
 * describe what the components did, which deleting a message does not undo.
 */
export async function deleteIncidentUpdate(
  deps: Pick<Deps, 'store' | 'clock' | 'ids'>,
  actor: Actor,
  eventId: string,
): Promise<{ incident: Incident }> {
  assertRole(actor, 'owner', 'responder')
  const event = await deps.store.getEvent(eventId)
  if (!event) throw notFound('Event', eventId)
  const incident = await deps.store.getIncident(event.incidentId)
  if (!incident) throw notFound('Incident', event.incidentId)
  const events = (await deps.store.listEvents(incident.id)).filter((e) => e.id !== eventId)
  if (events.length === 0)
    throw new AppError(
      'CONFLICT',
      'The only update of an incident cannot be deleted; delete the incident instead',
    )
  const updated = withDerivedState(incident, events, [], deps.clock.now())
  await deps.store.commit([
    { type: 'event.delete', id: eventId },
    { type: 'incident.update', incident: updated },
    audit(deps, actor, 'incident.update.delete', { type: 'event', id: eventId }, event, null),
  ])
  return { incident: updated }
}
