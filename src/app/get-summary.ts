import type { ComponentStatus, IncidentStatus } from '../domain/enums.ts'
import { compareEvents, sortTimelineNewestFirst } from '../domain/incident-status.ts'
import { pageRollup, type PageRollup } from '../domain/rollup.ts'
import type { Component, ComponentGroup, Incident, TimelineEvent } from '../domain/types.ts'
import { worseStatus } from '../domain/uptime.ts'
import type { Deps } from './deps.ts'
import { pageContext, publicStatus, type PublicPageContext } from './get-public-incident.ts'

// The read model behind the Statuspage-compatible API (/api/v2): everything a Statuspage client
// may see, in epoch milliseconds and domain terms; src/http/api/v2-serialize.ts writes the JSON.
// Only public events are ever loaded, and hidden components never appear (not even as an
// incident's affected component), so nothing here can leak what the page does not show.

/** Statuspage answers carry a page id; Herald hosts one page, so it has one fixed id. */
export const PAGE_ID = 'herald'

/** How many incidents incidents.json lists (Statuspage: the 50 most recent, all open ones first). */
export const RECENT_INCIDENTS = 50

export interface SummaryPage extends PublicPageContext {
  /** The page's configured public address (settings), or null: the HTTP layer then picks one. */
  url: string | null
  /** The latest public change: settings, components, groups, or a public update of a listed incident. */
  updatedAt: number
}

export interface SummaryComponent {
  kind: 'component'
  id: string
  name: string
  description: string | null
  status: ComponentStatus
  position: number
  groupId: string | null
  createdAt: number
  updatedAt: number
}

export interface SummaryGroup {
  kind: 'group'
  id: string
  name: string
  description: string | null
  /** The worst status among its shown components, as the page shows it. */
  status: ComponentStatus
  position: number
  createdAt: number
  updatedAt: number
  /** Its shown components, in page order. */
  componentIds: string[]
}

export type SummaryEntry = SummaryComponent | SummaryGroup

export interface SummaryAffected {
  id: string
  name: string
  oldStatus: ComponentStatus
  newStatus: ComponentStatus
}

export interface SummaryUpdate {
  id: string
  /** The incident status in force from this update on (an update that set none carries the last). */
  status: IncidentStatus
  body: string
  /** When it happened (backdatable): Statuspage's display_at. */
  at: number
  postedAt: number
  editedAt: number | null
  notify: boolean
  affected: SummaryAffected[]
}

export interface SummaryIncident {
  id: string
  name: string
  impact: Incident['impact']
  status: IncidentStatus
  createdAt: number
  /** The latest public change (a public update posted or edited), never an internal note's time. */
  updatedAt: number
  startedAt: number
  resolvedAt: number | null
  /** When the public timeline last moved to monitoring, if it did. */
  monitoringAt: number | null
  /** Public updates, newest first. */
  updates: SummaryUpdate[]
  /** Affected components the page shows, in page order. */
  componentIds: string[]
}

export interface Summary {
  page: SummaryPage
  rollup: PageRollup
  /** Groups and components the page shows, in page order: each group followed by its components. */
  entries: SummaryEntry[]
  components: ReadonlyMap<string, SummaryComponent>
  /** All open incidents, newest first. */
  unresolved: SummaryIncident[]
  /** The RECENT_INCIDENTS most recent incidents (every open one included), newest first. */
  recent: SummaryIncident[]
  // maintenance: scheduled maintenance (upcoming, in progress, completed) plugs in here once it
  // exists, as SummaryMaintenance[] lists; the rollup then also gets maintenanceInProgress.
}

function newestFirst(a: Incident, b: Incident): number {
  if (a.startedAt !== b.startedAt) return b.startedAt - a.startedAt
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0
}

/** Statuspage's component list: groups as entries of their own, hidden components left out. */
function pageEntries(
  groups: readonly ComponentGroup[],
  components: readonly Component[],
): SummaryEntry[] {
  const groupsById = new Map(groups.map((g) => [g.id, g]))
  const entries: SummaryEntry[] = []
  const groupEntries = new Map<string, SummaryGroup>()
  // listComponents interleaves groups and ungrouped components by position, as the page does.
  for (const c of components) {
    if (!c.visible) continue
    const group = c.groupId ? groupsById.get(c.groupId) : undefined
    if (group) {
      let entry = groupEntries.get(group.id)
      if (!entry) {
        entry = {
          kind: 'group',
          id: group.id,
          name: group.name,
          description: group.description,
          status: c.status,
          position: group.position,
          createdAt: group.createdAt,
          updatedAt: group.updatedAt,
          componentIds: [],
        }
        groupEntries.set(group.id, entry)
        entries.push(entry)
      }
      entry.status = worseStatus(entry.status, c.status)
      entry.componentIds.push(c.id)
    }
    entries.push({
      kind: 'component',
      id: c.id,
      name: c.name,
      description: c.description,
      status: c.status,
      position: c.position,
      groupId: group ? group.id : null,
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
    })
  }
  return entries
}

export function publicUpdatedAt(
  incident: Incident,
  publicEvents: readonly TimelineEvent[],
): number {
  let latest = incident.createdAt
  for (const e of publicEvents) latest = Math.max(latest, e.editedAt ?? e.postedAt, e.postedAt)
  return latest
}

/** GET /api/v2/* — one consistent snapshot of everything the Statuspage API shows. */
export async function getSummary(deps: Pick<Deps, 'store'>): Promise<Summary> {
  const { store } = deps
  const [settings, groups, components, open, recent] = await Promise.all([
    store.getSettings(),
    store.listGroups(),
    store.listComponents(),
    store.listIncidents({ state: 'open' }),
    // Open incidents come first in the store's order, so the 50 always include them.
    store.listIncidents({ state: 'all', limit: RECENT_INCIDENTS }),
  ])
  const incidents = new Map<string, Incident>()
  for (const i of [...open, ...recent]) incidents.set(i.id, i)
  const events = incidents.size
    ? await store.listEventsFor([...incidents.keys()], { publicOnly: true })
    : []
  // The status each component change moved from, as recorded when it was posted.
  const since = events.reduce((min, e) => Math.min(min, e.at), Number.POSITIVE_INFINITY)
  const changes = Number.isFinite(since) ? await store.listStatusChanges(since) : []
  const fromStatus = new Map<string, ComponentStatus | null>()
  for (const ch of changes) {
    if (ch.eventId) fromStatus.set(`${ch.eventId} ${ch.componentId}`, ch.fromStatus)
  }

  const entries = pageEntries(groups, components)
  const shown = new Map<string, SummaryComponent>()
  for (const e of entries) if (e.kind === 'component') shown.set(e.id, e)
  const order = new Map([...shown.keys()].map((id, i) => [id, i]))

  const eventsOf = new Map<string, TimelineEvent[]>()
  for (const e of events) {
    const list = eventsOf.get(e.incidentId)
    if (list) list.push(e)
    else eventsOf.set(e.incidentId, [e])
  }

  const shape = (incident: Incident): SummaryIncident => {
    const publicEvents = (eventsOf.get(incident.id) ?? []).filter((e) => e.visibility === 'public')
    // Oldest first, carrying the status in force and each component's last status forward.
    const ordered = [...publicEvents].sort(compareEvents)
    let status: IncidentStatus = 'investigating'
    let monitoringAt: number | null = null
    const lastStatus = new Map<string, ComponentStatus>()
    const updates = ordered.map((e): SummaryUpdate => {
      if (e.status) status = e.status
      if (e.status === 'monitoring') monitoringAt = e.at
      const affected: SummaryAffected[] = []
      for (const change of e.componentChanges) {
        const component = shown.get(change.componentId)
        const recorded = fromStatus.get(`${e.id} ${change.componentId}`)
        const oldStatus = recorded ?? lastStatus.get(change.componentId) ?? 'operational'
        lastStatus.set(change.componentId, change.status)
        if (component) {
          affected.push({
            id: component.id,
            name: component.name,
            oldStatus,
            newStatus: change.status,
          })
        }
      }
      return {
        id: e.id,
        status,
        body: e.body,
        at: e.at,
        postedAt: e.postedAt,
        editedAt: e.editedAt,
        notify: e.notify,
        affected,
      }
    })
    return {
      id: incident.id,
      name: incident.name,
      impact: incident.impact,
      status: publicStatus(incident, publicEvents),
      createdAt: incident.createdAt,
      updatedAt: publicUpdatedAt(incident, publicEvents),
      startedAt: incident.startedAt,
      resolvedAt: incident.resolvedAt,
      monitoringAt,
      updates: sortTimelineNewestFirst(updates),
      componentIds: incident.componentIds
        .filter((id) => shown.has(id))
        .sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0)),
    }
  }

  const shaped = new Map([...incidents.values()].map((i) => [i.id, shape(i)]))
  const pick = (list: Incident[]) =>
    [...list].sort(newestFirst).map((i) => shaped.get(i.id) as SummaryIncident)

  let updatedAt = settings?.updatedAt ?? 0
  for (const e of entries) updatedAt = Math.max(updatedAt, e.updatedAt)
  for (const i of shaped.values()) updatedAt = Math.max(updatedAt, i.updatedAt)

  return {
    page: { ...pageContext(settings), url: settings?.pageUrl || null, updatedAt },
    rollup: pageRollup({ components, openIncidents: open }),
    entries,
    components: shown,
    unresolved: pick(open),
    recent: pick(recent),
  }
}
