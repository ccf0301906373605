import { notFound } from '../domain/errors.ts'
import { sortTimelineNewestFirst } from '../domain/incident-status.ts'
import type { Component, Incident, TimelineEvent } from '../domain/types.ts'
import type { Deps } from './deps.ts'

export interface IncidentDetail {
  incident: Incident
  /** Newest first. Includes internal notes unless publicOnly. */
  events: TimelineEvent[]
  components: Component[]
}

/** An incident with its whole timeline, for the console and the admin API. */
export async function getIncident(
  deps: Pick<Deps, 'store'>,
  id: string,
  opts: { publicOnly?: boolean } = {},
): Promise<IncidentDetail> {
  const incident = await deps.store.getIncident(id)
  if (!incident) throw notFound('Incident', id)
  const [events, all] = await Promise.all([
    deps.store.listEvents(id, opts),
    deps.store.listComponents(),
  ])
  const affected = new Set(incident.componentIds)
  return {
    incident,
    events: sortTimelineNewestFirst(events),
    components: all.filter((c) => affected.has(c.id)),
  }
}
