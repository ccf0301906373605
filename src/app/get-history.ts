import { z } from 'zod'
import { notFound } from '../domain/errors.ts'
import {
  addDaysInZone,
  DAY_MS,
  formatInZone,
  startOfDayInZone,
  zonedParts,
} from '../domain/time.ts'
import type { Incident, TimelineEvent } from '../domain/types.ts'
import type { Deps } from './deps.ts'
import {
  pageContext,
  shapeIncident,
  visibleComponentMap,
  type PublicIncidentView,
  type PublicPageContext,
} from './get-public-incident.ts'

export const HISTORY_MONTHS_PER_PAGE = 3
// 1,000 pages of 3 months reach back 250 years; anything larger is a typo or a probe.
export const HISTORY_MAX_PAGE = 1000

/** `?page=N`: a whole number from 1; absent means 1. */
export const HistoryQuery = z.object({
  page: z
    .string()
    .regex(/^\d{1,4}$/, 'must be a whole number from 1')
    .transform(Number)
    .pipe(z.number().int().min(1, 'must be 1 or more').max(HISTORY_MAX_PAGE))
    .optional()
    .transform((n) => n ?? 1),
})
export type HistoryQuery = z.infer<typeof HistoryQuery>

export interface HistoryMonth {
  key: string // YYYY-MM in the page's zone
  title: string // 'November 2026'
  /** Incidents that started this month, newest first; empty means "No incidents reported". */
  incidents: PublicIncidentView[]
}

export interface HistoryView {
  page: PublicPageContext
  pageNumber: number
  months: HistoryMonth[]
  newerPage: number | null
  olderPage: number | null
}

interface MonthSpan {
  key: string
  start: number
  end: number
}

const pad = (n: number) => String(n).padStart(2, '0')

/**
 * The local month `monthsBack` months before the one containing `now`. Calendar arithmetic on the
 * wall date, then one step through the zone, so DST and far-back pages cost the same.
 */
export function monthInZone(now: number, timeZone: string, monthsBack: number): MonthSpan {
  const today = zonedParts(now, timeZone)
  const thisMonthStart = addDaysInZone(startOfDayInZone(now, timeZone), 1 - today.day, timeZone)
  const wallThisMonth = Date.UTC(today.year, today.month - 1, 1)
  const startAt = (back: number) => {
    const wall = Date.UTC(today.year, today.month - 1 - back, 1)
    return addDaysInZone(thisMonthStart, Math.round((wall - wallThisMonth) / DAY_MS), timeZone)
  }
  const wall = new Date(Date.UTC(today.year, today.month - 1 - monthsBack, 1))
  return {
    key: `${wall.getUTCFullYear()}-${pad(wall.getUTCMonth() + 1)}`,
    start: startAt(monthsBack),
    end: startAt(monthsBack - 1),
  }
}

function monthKeyOf(ms: number, timeZone: string): string {
  const p = zonedParts(ms, timeZone)
  return `${p.year}-${pad(p.month)}`
}

/** GET /history?page=N — resolved and open incidents by the month they started, newest first. */
export async function getHistory(
  deps: Pick<Deps, 'store' | 'clock'>,
  query: HistoryQuery,
): Promise<HistoryView> {
  const { store } = deps
  const now = deps.clock.now()
  const settings = await store.getSettings()
  const page = pageContext(settings)
  const tz = page.timeZone
  const pageNumber = query.page
  const first = (pageNumber - 1) * HISTORY_MONTHS_PER_PAGE
  const spans = Array.from({ length: HISTORY_MONTHS_PER_PAGE }, (_, i) =>
    monthInZone(now, tz, first + i),
  )
  const newest = spans[0] as MonthSpan
  const oldest = spans[spans.length - 1] as MonthSpan

  // Page 1 always exists (it may say "No incidents reported" three times); a later page exists
  // only while some incident started before its newest month ended.
  const [startedBefore, startedEarlier] = await Promise.all([
    pageNumber > 1 ? store.countIncidents({ to: newest.end }) : Promise.resolve(1),
    store.countIncidents({ to: oldest.start }),
  ])
  if (startedBefore === 0) throw notFound('History page', String(pageNumber))

  // The store filters by overlap with [from, to); the page groups by start month, so keep only the
  // incidents that started inside the span.
  const overlapping = await store.listIncidents({
    state: 'all',
    from: oldest.start,
    to: newest.end,
  })
  const incidents = overlapping
    .filter((i) => i.startedAt >= oldest.start && i.startedAt < newest.end)
    .sort((a, b) => b.startedAt - a.startedAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))

  // Only open incidents need their public updates (for the status customers see).
  const open = incidents.filter((i) => i.resolvedAt === null)
  const [components, events] = await Promise.all([
    store.listComponents(),
    open.length
      ? store.listEventsFor(
          open.map((i) => i.id),
          { publicOnly: true },
        )
      : Promise.resolve([] as TimelineEvent[]),
  ])
  const visible = visibleComponentMap(components)
  const eventsOf = (incident: Incident) => events.filter((e) => e.incidentId === incident.id)

  const months: HistoryMonth[] = spans.map((span) => ({
    key: span.key,
    title: formatInZone(span.start, tz, 'month'),
    incidents: [],
  }))
  const byKey = new Map(months.map((m) => [m.key, m]))
  for (const incident of incidents) {
    const month = byKey.get(monthKeyOf(incident.startedAt, tz))
    if (!month) continue
    const view = shapeIncident(incident, eventsOf(incident), visible, tz, now)
    // History lists incidents, not their timelines; the incident page has those.
    month.incidents.push({ ...view, updates: [] })
  }

  return {
    page,
    pageNumber,
    months,
    newerPage: pageNumber > 1 ? pageNumber - 1 : null,
    olderPage: startedEarlier > 0 && pageNumber < HISTORY_MAX_PAGE ? pageNumber + 1 : null,
  }
}
