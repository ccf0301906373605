import { notFound } from '../domain/errors.ts'
import type { Incident, TimelineEvent } from '../domain/types.ts'
import type { Deps } from './deps.ts'
import {
  pageContext,
  shapeIncident,
  visibleComponentMap,
  type PublicIncidentView,
  type PublicPageContext,
} from './get-public-incident.ts'
import { publicUpdatedAt } from './get-summary.ts'

// The read model behind the Atom and RSS feeds: the public incident views the page shows, plus
// the instants feeds need as dates. Only public events are loaded.

export const FEED_INCIDENTS = 50

export interface FeedUpdate {
  view: PublicIncidentView['updates'][number]
  postedAt: number
  /** Edited or posted: when this entry last changed. */
  updatedAt: number
}

export interface FeedIncident {
  view: PublicIncidentView
  createdAt: number
  /** The latest public change (never an internal note's time). */
  updatedAt: number
  /** Public updates, newest first, in the same order as view.updates. */
  updates: FeedUpdate[]
}

export interface Feed {
  page: PublicPageContext & { url: string | null }
  /** Newest first: the page feed's incidents, or the one incident of an incident feed. */
  incidents: FeedIncident[]
  /** When the feed last changed (deterministic, so an unchanged feed keeps its ETag). */
  updatedAt: number
  // maintenance: the page feed also lists scheduled maintenance once it exists.
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
  const [settings, components, events] = await Promise.all([
    store.getSettings(),
    store.listComponents(),
    incidents.length
      ? store.listEventsFor(
          incidents.map((i) => i.id),
          { publicOnly: true },
        )
      : Promise.resolve([] as TimelineEvent[]),
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
    return { view, createdAt: incident.createdAt, updatedAt: changed, updates }
  })
  return { page: { ...page, url: settings?.pageUrl || null }, incidents: shaped, updatedAt }
}
