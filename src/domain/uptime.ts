import type { ComponentStatus } from './enums.ts'
import type { ComponentStatusChange, Incident, Millis } from './types.ts'
import { localDaysEndingAt, type LocalDay } from './time.ts'

// Shown on the public page next to the uptime bars, so it must match DOWNTIME_WEIGHT below.
export const UPTIME_RULE =
  'Uptime is the share of time a component was up. Time in a major outage counts fully as ' +
  'downtime and time in a partial outage counts 30% as downtime; degraded performance and ' +
  "maintenance count as up. Days are calendar days in the page's time zone, and today counts " +
  'up to now.'

export const DOWNTIME_WEIGHT: Record<ComponentStatus, number> = {
  operational: 0,
  under_maintenance: 0,
  degraded_performance: 0,
  partial_outage: 0.3,
  major_outage: 1,
}

export const COMPONENT_STATUS_SEVERITY: Record<ComponentStatus, number> = {
  operational: 0,
  under_maintenance: 1,
  degraded_performance: 2,
  partial_outage: 3,
  major_outage: 4,
}

export function worseStatus(a: ComponentStatus, b: ComponentStatus): ComponentStatus {
  return COMPONENT_STATUS_SEVERITY[b] > COMPONENT_STATUS_SEVERITY[a] ? b : a
}

export type UptimeChange = Pick<
  ComponentStatusChange,
  'id' | 'componentId' | 'fromStatus' | 'toStatus' | 'at'
>
export type UptimeIncident = Pick<
  Incident,
  'id' | 'name' | 'startedAt' | 'resolvedAt' | 'componentIds'
>

export interface UptimeDay {
  date: string // YYYY-MM-DD in the page's time zone
  start: Millis // local midnight
  end: Millis // next local midnight (today included; only its elapsed part is tracked)
  uptime: number | null // 0..1; null = nothing tracked (before the component existed)
  worst: ComponentStatus | null
  incidents: { id: string; name: string }[]
}

export interface DailyUptime {
  days: UptimeDay[]
  uptime: number | null // whole window, weighted by tracked time
}

export interface DailyUptimeInput {
  componentId: string
  changes: readonly UptimeChange[] // any order
  componentCreatedAt: Millis
  now: Millis
  timeZone: string
  days?: number
  incidents?: readonly UptimeIncident[]
}

export type DayWindow = LocalDay

// A page renders every component's bars with the same (now, zone, days), and the day boundaries
// cost a few Intl calls each, so the last few windows are memoised.
const windowCache = new Map<string, readonly DayWindow[]>()
const WINDOW_CACHE_SIZE = 8

// The local days ending with today, oldest first.
export function uptimeWindow(now: Millis, timeZone: string, days = 90): readonly DayWindow[] {
  const count = Math.max(0, Math.floor(days))
  const key = `${timeZone}|${count}|${now}`
  const cached = windowCache.get(key)
  if (cached) return cached
  const window = Object.freeze(localDaysEndingAt(now, timeZone, count))
  if (windowCache.size >= WINDOW_CACHE_SIZE) {
    const oldest = windowCache.keys().next().value
    if (oldest !== undefined) windowCache.delete(oldest)
  }
  windowCache.set(key, window)
  return window
}

const byAtThenId = (a: UptimeChange, b: UptimeChange) =>
  a.at !== b.at ? a.at - b.at : a.id < b.id ? -1 : a.id > b.id ? 1 : 0

// Index of the first window day whose end is after `ms` (binary search over sorted days).
function firstDayEndingAfter(window: readonly DayWindow[], ms: Millis): number {
  let lo = 0
  let hi = window.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if ((window[mid] as DayWindow).end > ms) hi = mid
    else lo = mid + 1
  }
  return lo
}

function incidentsByDay(
  window: readonly DayWindow[],
  input: DailyUptimeInput,
): { id: string; name: string }[][] {
  const perDay = window.map(() => [] as { id: string; name: string }[])
  const affecting = (input.incidents ?? [])
    .filter((i) => i.componentIds.includes(input.componentId))
    .sort((a, b) => a.startedAt - b.startedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  for (const incident of affecting) {
    // An incident opened and resolved in the same millisecond still happened on that day.
    const stop = Math.max(incident.resolvedAt ?? input.now, incident.startedAt + 1)
    for (let d = firstDayEndingAfter(window, incident.startedAt); d < window.length; d++) {
      if ((window[d] as DayWindow).start >= stop) break
      perDay[d]?.push({ id: incident.id, name: incident.name })
    }
  }
  return perDay
}

// One pass over the changes sorted once: a cursor walks them alongside the days, so the cost is
// O(changes log changes + days), not days × changes.
export function computeDailyUptime(input: DailyUptimeInput): DailyUptime {
  const window = uptimeWindow(input.now, input.timeZone, input.days ?? 90)
  const changes = input.changes.filter((c) => c.componentId === input.componentId).sort(byAtThenId)
  const incidents = incidentsByDay(window, input)

  let status: ComponentStatus = changes[0]?.fromStatus ?? 'operational'
  let next = 0
  let totalTracked = 0
  let totalDown = 0
  const days: UptimeDay[] = []

  for (let d = 0; d < window.length; d++) {
    const { date, start, end } = window[d] as DayWindow
    const dayIncidents = incidents[d] ?? []
    const from = Math.max(start, input.componentCreatedAt)
    const to = Math.min(end, input.now)
    if (to <= from) {
      days.push({ date, start, end, uptime: null, worst: null, incidents: dayIncidents })
      continue
    }
    // A change stamped exactly at `from` already holds at `from`.
    for (let c = changes[next]; c !== undefined && c.at <= from; c = changes[++next]) {
      status = c.toStatus
    }
    let cursor = from
    let down = 0
    let worst: ComponentStatus | null = null
    for (let c = changes[next]; c !== undefined && c.at < to; c = changes[++next]) {
      // Two changes in the same millisecond: the first status never held, so it is not "seen".
      if (c.at > cursor) {
        down += (c.at - cursor) * DOWNTIME_WEIGHT[status]
        worst = worst === null ? status : worseStatus(worst, status)
        cursor = c.at
      }
      status = c.toStatus
    }
    down += (to - cursor) * DOWNTIME_WEIGHT[status]
    worst = worst === null ? status : worseStatus(worst, status)

    const tracked = to - from
    totalTracked += tracked
    totalDown += down
    days.push({ date, start, end, uptime: 1 - down / tracked, worst, incidents: dayIncidents })
  }

  return { days, uptime: totalTracked > 0 ? 1 - totalDown / totalTracked : null }
}
