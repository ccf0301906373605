import { notFound } from '../domain/errors.ts'
import { assertRole, type Actor } from './actor.ts'
import { audit } from './audit.ts'
import type { Deps } from './deps.ts'

/** Deletes an incident and its timeline (owners only; the audit log keeps the record). */
export async function deleteIncident(
  deps: Pick<Deps, 'store' | 'clock' | 'ids'>,
  actor: Actor,
  incidentId: string,
): Promise<void> {
  assertRole(actor, 'owner')
  const incident = await deps.store.getIncident(incidentId)
  if (!incident) throw notFound('Incident', incidentId)
  const events = await deps.store.listEvents(incidentId)
  await deps.store.commit([
    { type: 'incident.delete', id: incidentId },
    audit(
      deps,
      actor,
      'incident.delete',
      { type: 'incident', id: incidentId },
      { incident, events },
      null,
    ),
  ])
}
