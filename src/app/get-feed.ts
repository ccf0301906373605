import { notFound } from '../domain/errors.ts'
import type { Incident, Maintenance, TimelineEvent } from '../domain/types.ts'
import type { Deps } from './deps.ts'
import { shapeMaintenances, type PublicMaintenanceView } from './get-public-maintenance.ts'
import {
  pageContext,
  shapeIncident,
  visibleComponentMap,
  type PublicIncidentView,
  type PublicPageContext,
} from './get-public-incident.ts'
import { publicUpdatedAt } from './get-summary.ts'

// The read model behind the Atom and RSS feeds: the public incident views the page shows, plus
// the instants feeds need as dates. Only public events are loaded. The page feed also carries
// scheduled maintenance, and the iCalendar feed is maintenance alone.

export const FEED_INCIDENTS = 50
/** How many maintenance windows the calendar holds (newest first by start). */
export const CALENDAR_MAINTENANCES = 200

export interface FeedUpdate {
  view: PublicIncidentView['updates'][number]
  postedAt: number
  /** Edited or posted: when this entry last changed. */
  updatedAt: number
}

export interface FeedIncident {
  view: PublicIncidentView
  startedAt: number
  createdAt: number
  /** The latest public change (never an internal note's time). */
  updatedAt: number
  /** Public updates, newest first, in the same order as view.updates. */
  updates: FeedUpdate[]
}

export interface FeedMaintenance {
  view: PublicMaintenanceView
  createdAt: number
  /** The latest change: edited, rescheduled, cancelled or an update posted. */
  updatedAt: number
  /** Where it sorts among incidents: its window's start, as an incident sorts by its start. */
  sortAt: number
}

export interface Feed {
  page: PublicPageContext & { url: string | null }
  /** Newest first: the page feed's incidents, or the one incident of an incident feed. */
  incidents: FeedIncident[]
  /** The page feed's maintenance (cancelled ones too, marked so), newest first; none per incident. */
  maintenances: FeedMaintenance[]
  /** When the feed last changed (deterministic, so an unchanged feed keeps its ETag). */
  updatedAt: number
}

/** The page feed (no incidentId: the FEED_INCIDENTS most recent) or one incident's feed. */
export async function getFeed(
  deps: Pick<Deps, 'store' | 'clock'>,
  opts: { incidentId?: string } = {},
): Promise<Feed> {
  const { store } = deps
  const now = deps.clock.now()
  let incidents: Incident[]
  if (opts.incidentId !== undefined) {
    const incident = await store.getIncident(opts.incidentId)
    if (!incident) throw notFound('Incident', opts.incidentId)
    incidents = [incident]
  } else {
    incidents = await store.listIncidents({ state: 'all', limit: FEED_INCIDENTS })
    // Newest first by start, open or not: a feed reader shows entries in this order.
    incidents.sort((a, b) => b.startedAt - a.startedAt || (a.id < b.id ? 1 : -1))
  }
  const [settings, components, events, maintenanceList] = await Promise.all([
    store.getSettings(),
    store.listComponents(),
    incidents.length
      ? store.listEventsFor(
          incidents.map((i) => i.id),
          { publicOnly: true },
        )
      : Promise.resolve([] as TimelineEvent[]),
    opts.incidentId === undefined
      ? store.listMaintenances({ state: 'all', limit: FEED_INCIDENTS })
      : Promise.resolve([] as Maintenance[]),
  ])
  const page = pageContext(settings)
  const visible = visibleComponentMap(components)
  const byId = new Map<string, TimelineEvent>()
  const eventsOf = new Map<string, TimelineEvent[]>()
  for (const e of events) {
    if (e.visibility !== 'public') continue
    byId.set(e.id, e)
    const list = eventsOf.get(e.incidentId)
    if (list) list.push(e)
    else eventsOf.set(e.incidentId, [e])
  }

  let updatedAt = settings?.updatedAt ?? 0
  const shaped = incidents.map((incident): FeedIncident => {
    const publicEvents = eventsOf.get(incident.id) ?? []
    const view = shapeIncident(incident, publicEvents, visible, page.timeZone, now)
    const updates = view.updates.map((u): FeedUpdate => {
      const e = byId.get(u.id) as TimelineEvent
      return { view: u, postedAt: e.postedAt, updatedAt: Math.max(e.postedAt, e.editedAt ?? 0) }
    })
    const changed = publicUpdatedAt(incident, publicEvents)
    updatedAt = Math.max(updatedAt, changed)
    return {
      view,
      startedAt: incident.startedAt,
      createdAt: incident.createdAt,
      updatedAt: changed,
      updates,
    }
  })
  const maintenanceViews = await shapeMaintenances(deps, maintenanceList, visible, page.timeZone)
  const maintenances = maintenanceList.map((m, i): FeedMaintenance => {
    const view = maintenanceViews[i] as PublicMaintenanceView
    const changed = Math.max(m.createdAt, m.updatedAt)
    updatedAt = Math.max(updatedAt, changed)
    return { view, createdAt: m.createdAt, updatedAt: changed, sortAt: m.scheduledFor }
  })
  return {
    page: { ...page, url: settings?.pageUrl || null },
    incidents: shaped,
    maintenances,
    updatedAt,
  }
}

export interface CalendarEvent {
  id: string
  name: string
  /** iCalendar SEQUENCE: bumped on every reschedule and cancellation. */
  sequence: number
  start: number
  end: number
  cancelled: boolean
  /** The latest update's markdown source, or '' when there is none. */
  description: string
  createdAt: number
  updatedAt: number
}

export interface MaintenanceCalendar {
  page: PublicPageContext & { url: string | null }
  events: CalendarEvent[]
}

/** GET /maintenance.ics — every maintenance window, cancelled ones included (marked so). */
export async function getMaintenanceCalendar(
  deps: Pick<Deps, 'store'>,
): Promise<MaintenanceCalendar> {
  const [settings, list] = await Promise.all([
    deps.store.getSettings(),
    deps.store.listMaintenances({ state: 'all', limit: CALENDAR_MAINTENANCES }),
  ])
  const updates = list.length ? await deps.store.listMaintenanceUpdates(list.map((m) => m.id)) : []
  // Updates come oldest first, so the last one seen per maintenance is its latest.
  const latest = new Map<string, string>()
  for (const u of updates) latest.set(u.maintenanceId, u.body)
  return {
    page: { ...pageContext(settings), url: settings?.pageUrl || null },
    events: list.map((m) => ({
      id: m.id,
      name: m.name,
      sequence: m.sequence,
      start: m.scheduledFor,
      end: m.scheduledUntil,
      cancelled: m.cancelledAt !== null,
      description: latest.get(m.id) ?? '',
      createdAt: m.createdAt,
      updatedAt: m.updatedAt,
    })),
  }
}
