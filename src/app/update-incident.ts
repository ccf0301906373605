import { z } from 'zod'
import { notFound } from '../domain/errors.ts'
import type { Incident } from '../domain/types.ts'
import { assertRole, type Actor } from './actor.ts'
import { audit } from './audit.ts'
import type { Deps } from './deps.ts'
import { checkEventTime } from './incident-state.ts'
import { ImpactSchema, Millis, Name } from './schemas.ts'

export const UpdateIncidentInput = z.object({
  name: Name.optional(),
  impact: ImpactSchema.optional(),
  startedAt: Millis.optional(),
})
export type UpdateIncidentInput = z.input<typeof UpdateIncidentInput>

/** Renames an incident, changes its impact or corrects its start. Status comes only from the timeline. */
export async function updateIncident(
  deps: Pick<Deps, 'store' | 'clock' | 'ids'>,
  actor: Actor,
  incidentId: string,
  raw: UpdateIncidentInput,
): Promise<Incident> {
  assertRole(actor, 'owner', 'responder')
  const input = UpdateIncidentInput.parse(raw)
  const before = await deps.store.getIncident(incidentId)
  if (!before) throw notFound('Incident', incidentId)
  const now = deps.clock.now()
  if (input.startedAt !== undefined) checkEventTime(input.startedAt, now, 'startedAt')
  const after: Incident = { ...before, ...input, updatedAt: now }
  await deps.store.commit([
    { type: 'incident.update', incident: after },
    audit(deps, actor, 'incident.edit', { type: 'incident', id: incidentId }, before, after),
  ])
  return after
}
