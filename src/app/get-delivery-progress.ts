import type { Broadcast } from '../domain/types.ts'
import type { Deps } from './deps.ts'
import type { DeliveryCounts } from './ports.ts'

// How far each broadcast of an incident got, for the console timeline's progress bars.

export interface FailureReason {
  reason: string
  count: number
}

export interface DeliveryProgress {
  broadcastId: string
  eventId: string | null
  /** False until the dispatcher has turned every matching subscriber into a delivery. */
  expanded: boolean
  /** Every recipient, including subscribers not yet turned into deliveries (counted as pending). */
  total: number
  delivered: number
  /** Waiting for a first attempt or being sent right now. */
  pending: number
  retrying: number
  dead: number
  /** Expanded and nothing left to send: the console stops polling. */
  complete: boolean
  /** Distinct reasons among retrying and dead deliveries, most frequent first. */
  failures: FailureReason[]
}

const MAX_REASONS = 5
// Enough failed deliveries to name the common reasons without reading a whole fan-out.
const REASON_SAMPLE = 200

/**
 * `awaiting`: matching subscribers the dispatcher has not reached yet. Expansion runs only a few
 * batches ahead of sending, so without them a big fan-out showed "20,000 of 25,000 delivered
 * (80 %)" when a fifth of its 110,000 recipients had their update.
 */
export function progressOf(b: Broadcast, counts: DeliveryCounts, awaiting = 0): DeliveryProgress {
  const pending = counts.pending + counts.sending + awaiting
  const total = pending + counts.retrying + counts.delivered + counts.dead
  const expanded = b.expandedAt !== null
  return {
    broadcastId: b.id,
    eventId: b.eventId,
    expanded,
    total,
    delivered: counts.delivered,
    pending,
    retrying: counts.retrying,
    dead: counts.dead,
    complete: expanded && pending === 0 && counts.retrying === 0,
    failures: [],
  }
}

async function withReasons(
  deps: Pick<Deps, 'store'>,
  p: DeliveryProgress,
): Promise<DeliveryProgress> {
  if (p.dead === 0 && p.retrying === 0) return p
  const [dead, retrying] = await Promise.all([
    p.dead
      ? deps.store.listDeliveries({
          broadcastId: p.broadcastId,
          state: 'dead',
          limit: REASON_SAMPLE,
        })
      : [],
    p.retrying
      ? deps.store.listDeliveries({
          broadcastId: p.broadcastId,
          state: 'retrying',
          limit: REASON_SAMPLE,
        })
      : [],
  ])
  const counts = new Map<string, number>()
  for (const d of [...dead, ...retrying]) {
    const reason = d.lastError ?? (d.lastStatus !== null ? `HTTP ${d.lastStatus}` : 'unknown error')
    counts.set(reason, (counts.get(reason) ?? 0) + 1)
  }
  const failures = [...counts]
    .map(([reason, count]) => ({ reason, count }))
    .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason))
    .slice(0, MAX_REASONS)
  return { ...p, failures }
}

/** Per timeline event of the incident (by event id), the progress of its broadcast. */
export async function getIncidentDeliveryProgress(
  deps: Pick<Deps, 'store'>,
  incidentId: string,
): Promise<Map<string, DeliveryProgress>> {
  const broadcasts = (await deps.store.listBroadcastsFor({ incidentId })).filter((b) => b.eventId)
  if (broadcasts.length === 0) return new Map()
  const counts = await deps.store.deliveryCounts(broadcasts.map((b) => b.id))
  const out = new Map<string, DeliveryProgress>()
  // Oldest first: should an event ever have two broadcasts, the latest one is shown.
  for (const b of broadcasts) {
    const c = counts.get(b.id)
    if (c && b.eventId) out.set(b.eventId, await progressFor(deps, b, c))
  }
  const withFailures = await Promise.all([...out.values()].map((p) => withReasons(deps, p)))
  return new Map(withFailures.map((p) => [p.eventId!, p]))
}

/** One event's broadcast progress (the polled fragment), or null when it was not broadcast. */
export async function getEventDeliveryProgress(
  deps: Pick<Deps, 'store'>,
  eventId: string,
): Promise<DeliveryProgress | null> {
  const broadcasts = await deps.store.listBroadcastsFor({ eventIds: [eventId] })
  const b = broadcasts[broadcasts.length - 1]
  if (!b) return null
  const counts = await deps.store.deliveryCounts([b.id])
  const c = counts.get(b.id)
  return c ? withReasons(deps, await progressFor(deps, b, c)) : null
}

/**
 * A broadcast's progress with the subscribers still to be expanded counted as pending: the
 * recipients counted by its first expansion batch less the deliveries so far, or (before that
 * batch) a count of the matching subscribers.
 */
export async function progressFor(
  deps: Pick<Deps, 'store'>,
  b: Broadcast,
  counts: DeliveryCounts,
): Promise<DeliveryProgress> {
  const expanded = Object.values(counts).reduce((sum, n) => sum + n, 0)
  const awaiting =
    b.expandedAt !== null
      ? 0
      : b.recipients !== null && b.recipients !== undefined
        ? Math.max(0, b.recipients - expanded)
        : await deps.store.countAwaitingExpansion(b)
  return progressOf(b, counts, awaiting)
}
