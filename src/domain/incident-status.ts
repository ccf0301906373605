import type { IncidentStatus } from './enums.ts'
import type { Millis, TimelineEvent } from './types.ts'

// An incident's status is derived from its timeline, never stored as truth (STYLE.md point 2):
// the latest status-bearing event wins by `at`, then by id. Ids are time-sortable, so among events
// stamped the same instant the one posted last wins, and a backdated event, whose `at` lies in the
// past, can never override the present.

type Ordered = Pick<TimelineEvent, 'id' | 'at'>
type StatusBearing = Pick<TimelineEvent, 'id' | 'at' | 'status'>

// Plain code-unit comparison, not localeCompare: time-sortable ids are ordered by code unit.
export function compareEvents(a: Ordered, b: Ordered): number {
  if (a.at !== b.at) return a.at < b.at ? -1 : 1
  if (a.id === b.id) return 0
  return a.id < b.id ? -1 : 1
}

export function sortTimelineOldestFirst<T extends Ordered>(events: readonly T[]): T[] {
  return [...events].sort(compareEvents)
}

export function sortTimelineNewestFirst<T extends Ordered>(events: readonly T[]): T[] {
  return [...events].sort((a, b) => compareEvents(b, a))
}

export function latestStatusEvent<T extends StatusBearing>(
  events: readonly T[],
): (T & { status: IncidentStatus }) | null {
  let winner: (T & { status: IncidentStatus }) | null = null
  for (const event of events) {
    if (event.status === null) continue
    if (winner === null || compareEvents(event, winner) > 0) {
      winner = event as T & { status: IncidentStatus }
    }
  }
  return winner
}

export function deriveIncidentStatus(
  events: readonly StatusBearing[],
  fallback: IncidentStatus = 'investigating',
): IncidentStatus {
  return latestStatusEvent(events)?.status ?? fallback
}

// When the incident was resolved: the winning event's `at`, so reopening clears it.
export function resolvedAtFromEvents(events: readonly StatusBearing[]): Millis | null {
  const winner = latestStatusEvent(events)
  return winner?.status === 'resolved' ? winner.at : null
}
