import { z } from 'zod'
import type { Incident, TimelineEvent } from '../domain/types.ts'
import { assertRole, type Actor } from './actor.ts'
import { audit } from './audit.ts'
import { planIncidentBroadcast } from './broadcast/plan.ts'
import type { Deps } from './deps.ts'
import { checkEventTime, planEvent, withDerivedState } from './incident-state.ts'
import {
  Body,
  ComponentChanges,
  EventKindSchema,
  ImpactSchema,
  IncidentStatusSchema,
  Millis,
  Name,
} from './schemas.ts'

export const OpenIncidentInput = z.object({
  name: Name,
  impact: ImpactSchema,
  status: IncidentStatusSchema.default('investigating'),
  body: Body,
  components: ComponentChanges.optional(),
  /** When the incident started; backdatable. Defaults to now. */
  startedAt: Millis.optional(),
  kind: EventKindSchema.optional(),
  notify: z.boolean().default(true),
})
export type OpenIncidentInput = z.input<typeof OpenIncidentInput>

/** Opens an incident with its first public update, in one write. */
export async function openIncident(
  deps: Pick<Deps, 'store' | 'clock' | 'ids'>,
  actor: Actor,
  raw: OpenIncidentInput,
): Promise<{ incident: Incident; event: TimelineEvent }> {
  assertRole(actor, 'owner', 'responder')
  const input = OpenIncidentInput.parse(raw)
  const now = deps.clock.now()
  const at = input.startedAt ?? now
  checkEventTime(at, now, 'startedAt')
  const incidentId = deps.ids.next()
  const { event, changes } = await planEvent(
    deps,
    actor,
    { incidentId, at, now },
    {
      body: input.body,
      visibility: 'public',
      status: input.status,
      kind: input.kind ?? 'detection',
      notify: input.notify,
    },
    input.components,
  )
  const incident = withDerivedState(
    {
      id: incidentId,
      name: input.name,
      impact: input.impact,
      status: input.status,
      startedAt: at,
      resolvedAt: null,
      createdAt: now,
      updatedAt: now,
      createdBy: actor.id,
      componentIds: [],
    },
    [event],
    event.componentChanges.map((c) => c.componentId),
    now,
  )
  await deps.store.commit([
    { type: 'incident.insert', incident },
    { type: 'event.insert', event },
    ...changes,
    ...planIncidentBroadcast(deps, incident, event, { opening: true }),
    audit(deps, actor, 'incident.open', { type: 'incident', id: incidentId }, null, {
      incident,
      event,
    }),
  ])
  return { incident, event }
}
