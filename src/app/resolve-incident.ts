import { z } from 'zod'
import { notFound } from '../domain/errors.ts'
import type { ComponentStatus } from '../domain/enums.ts'
import type { Actor } from './actor.ts'
import type { Deps } from './deps.ts'
import { postIncidentUpdate, type PostedUpdate } from './post-incident-update.ts'
import { Body, ComponentChanges, Millis } from './schemas.ts'

export const ResolveIncidentInput = z.object({
  body: Body.default('This incident has been resolved.'),
  at: Millis.optional(),
  /** Component statuses after resolution; affected components default to operational. */
  components: ComponentChanges.optional(),
  notify: z.boolean().default(true),
})
export type ResolveIncidentInput = z.input<typeof ResolveIncidentInput>

/** Posts the resolving update; every affected component returns to operational unless told otherwise. */
export async function resolveIncident(
  deps: Pick<Deps, 'store' | 'clock' | 'ids'>,
  actor: Actor,
  incidentId: string,
  raw: ResolveIncidentInput,
): Promise<PostedUpdate> {
  const input = ResolveIncidentInput.parse(raw)
  const incident = await deps.store.getIncident(incidentId)
  if (!incident) throw notFound('Incident', incidentId)
  const current = new Map((await deps.store.listComponents()).map((c) => [c.id, c.status]))
  const components: Record<string, ComponentStatus> = {}
  for (const id of incident.componentIds) {
    if (current.has(id) && current.get(id) !== 'operational') components[id] = 'operational'
  }
  Object.assign(components, input.components ?? {})
  return postIncidentUpdate(deps, actor, incidentId, {
    body: input.body,
    status: 'resolved',
    visibility: 'public',
    kind: 'resolution',
    ...(input.at !== undefined ? { at: input.at } : {}),
    components,
    notify: input.notify,
  })
}
