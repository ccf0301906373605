import { z } from 'zod'
import { invalid, notFound } from '../domain/errors.ts'
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
  IncidentStatusSchema,
  Millis,
  VisibilitySchema,
} from './schemas.ts'

export const PostIncidentUpdateInput = z
  .object({
    body: Body,
    status: IncidentStatusSchema.optional(),
    visibility: VisibilitySchema.default('public'),
    /** When it happened; backdatable. Defaults to now. */
    at: Millis.optional(),
    components: ComponentChanges.optional(),
    kind: EventKindSchema.optional(),
    notify: z.boolean().default(true),
  })
  // Internal notes never reach the page, so they may not move what the page shows either.
  .superRefine((v, ctx) => {
    if (v.visibility !== 'internal') return
    if (v.status)
      ctx.addIssue({
        code: 'custom',
        path: ['status'],
        message: 'internal notes cannot change the status',
      })
    if (v.components && Object.keys(v.components).length)
      ctx.addIssue({
        code: 'custom',
        path: ['components'],
        message: 'internal notes cannot change component statuses',
      })
  })
export type PostIncidentUpdateInput = z.input<typeof PostIncidentUpdateInput>

function defaultKind(visibility: 'public' | 'internal', status: string | undefined) {
  if (visibility === 'internal') return 'note' as const
  return status === 'resolved' ? ('resolution' as const) : ('communication' as const)
}

export interface PostedUpdate {
  incident: Incident
  event: TimelineEvent
  previousStatus: Incident['status']
}

/** Appends one timeline event; the incident's status and resolution are re-derived from the timeline. */
export async function postIncidentUpdate(
  deps: Pick<Deps, 'store' | 'clock' | 'ids'>,
  actor: Actor,
  incidentId: string,
  raw: PostIncidentUpdateInput,
): Promise<PostedUpdate> {
  assertRole(actor, 'owner', 'responder')
  const input = PostIncidentUpdateInput.parse(raw)
  const incident = await deps.store.getIncident(incidentId)
  if (!incident) throw notFound('Incident', incidentId)
  const now = deps.clock.now()
  const at = input.at ?? now
  checkEventTime(at, now)
  const { event, changes } = await planEvent(
    deps,
    actor,
    { incidentId, at, now },
    {
      body: input.body,
      visibility: input.visibility,
      status: input.status ?? null,
      kind: input.kind ?? defaultKind(input.visibility, input.status),
      notify: input.visibility === 'public' && input.notify,
    },
    input.components,
  )
  const events = await deps.store.listEvents(incidentId)
  if (events.length >= 10_000) throw invalid('body', 'this incident has too many updates')
  const updated = withDerivedState(
    incident,
    [...events, event],
    event.componentChanges.map((c) => c.componentId),
    now,
  )
  await deps.store.commit([
    { type: 'event.insert', event },
    { type: 'incident.update', incident: updated },
    ...changes,
    ...planIncidentBroadcast(deps, updated, event),
    audit(deps, actor, 'incident.update.post', { type: 'incident', id: incidentId }, null, event),
  ])
  return { incident: updated, event, previousStatus: incident.status }
}
