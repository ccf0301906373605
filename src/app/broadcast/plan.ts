import type { BroadcastKind } from '../../domain/enums.ts'
import type { Incident, TimelineEvent } from '../../domain/types.ts'
import type { Deps } from '../deps.ts'
import type { Change } from '../ports.ts'

// The broadcast record is written in the same write set as the event it announces, so an event is
// never posted without its broadcast or the other way round (DESIGN.md, reliability model).

/** The broadcast for a timeline event, or nothing for internal notes and "don't notify" posts. */
export function planIncidentBroadcast(
  deps: Pick<Deps, 'ids' | 'clock'>,
  incident: Incident,
  event: TimelineEvent,
  opts: { opening?: boolean } = {},
): Change[] {
  if (event.visibility !== 'public' || !event.notify) return []
  const kind: BroadcastKind = opts.opening
    ? 'incident_opened'
    : event.status === 'resolved'
      ? 'incident_resolved'
      : 'incident_updated'
  // Subscribers scoped to components hear about incidents affecting any of theirs.
  const componentIds = [
    ...new Set([...incident.componentIds, ...event.componentChanges.map((c) => c.componentId)]),
  ]
  return [
    {
      type: 'broadcast.insert',
      broadcast: {
        id: deps.ids.next(),
        kind,
        incidentId: incident.id,
        eventId: event.id,
        statusChangeId: null,
        componentIds,
        createdAt: deps.clock.now(),
        expandedThrough: null,
        expandedAt: null,
      },
    },
  ]
}

/** A component status change made outside an incident, when the page announces those. */
export function planComponentBroadcast(
  deps: Pick<Deps, 'ids' | 'clock'>,
  componentId: string,
  statusChangeId: string,
): Change {
  return {
    type: 'broadcast.insert',
    broadcast: {
      id: deps.ids.next(),
      kind: 'component_updated',
      incidentId: null,
      eventId: null,
      statusChangeId,
      componentIds: [componentId],
      createdAt: deps.clock.now(),
      expandedThrough: null,
      expandedAt: null,
    },
  }
}
