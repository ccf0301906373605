import type { ComponentStatus, IncidentStatus, MaintenanceStatus } from '../domain/enums.ts'
import { compareEvents, sortTimelineNewestFirst } from '../domain/incident-status.ts'
import { pageRollup, type PageRollup } from '../domain/rollup.ts'
import type {
  Component,
  ComponentGroup,
  ComponentStatusChange,
  Incident,
  Maintenance,
  MaintenanceUpdate,
  TimelineEvent,
} from '../domain/types.ts'
import { worseStatus } from '../domain/uptime.ts'
import type { Deps } from './deps.ts'
import { pageContext, publicStatus, type PublicPageContext } from './get-public-incident.ts'
import { publishedPostmortemBodies } from './postmortems.ts'

// The read model behind the Statuspage-compatible API (/api/v2): everything a Statuspage client
// may see, in epoch milliseconds and domain terms; src/http/api/v2-serialize.ts writes the JSON.
// Only public events are ever loaded, and hidden components never appear (not even as an
// incident's affected component), so nothing here can leak what the page does not show.

/** Statuspage answers carry a page id; Herald hosts one page, so it has one fixed id. */
export const PAGE_ID = 'herald'

/** How many incidents incidents.json lists (Statuspage: the 50 most recent, all open ones first). */
export const RECENT_INCIDENTS = 50

/** How many scheduled-maintenances.json lists (Statuspage: the 50 most recent). */
export const RECENT_MAINTENANCES = 50

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
  /** Its published postmortem as Markdown (issue 6): Statuspage's status `postmortem`. */
  postmortem?: { body: string; publishedAt: number } | null
}

export interface SummaryMaintenanceUpdate {
  id: string
  status: MaintenanceStatus
  body: string
  at: number
  postedAt: number
  /** Component statuses this update moved (a start sets under_maintenance, completion restores). */
  affected: SummaryAffected[]
}

export interface SummaryMaintenance {
  id: string
  name: string
  status: MaintenanceStatus
  createdAt: number
  /** The latest change: edited, rescheduled, or an update posted. */
  updatedAt: number
  scheduledFor: number
  scheduledUntil: number
  /** When it moved to verifying (Statuspage's monitoring_at), if it did. */
  verifyingAt: number | null
  completedAt: number | null
  notify: boolean
  /** Its updates, newest first. */
  updates: SummaryMaintenanceUpdate[]
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
  // Scheduled maintenance. Cancelled windows never appear: Statuspage has no cancelled state, and
  // listing one as `scheduled` would announce work that will not happen.
  maintenances: {
    /** The RECENT_MAINTENANCES most recent by window start, newest first. */
    recent: SummaryMaintenance[]
    /** Not started yet, soonest first. */
    upcoming: SummaryMaintenance[]
    /** In progress or verifying, soonest started first. */
    active: SummaryMaintenance[]
  }
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
  const [settings, groups, components, open, recent, mRecent, mUpcoming, mActive] =
    await Promise.all([
      store.getSettings(),
      store.listGroups(),
      store.listComponents(),
      store.listIncidents({ state: 'open' }),
      // Open incidents come first in the store's order, so the 50 always include them.
      store.listIncidents({ state: 'all', limit: RECENT_INCIDENTS }),
      // Over-fetched: cancelled windows are dropped below.
      store.listMaintenances({ state: 'all', limit: RECENT_MAINTENANCES * 4 }),
      store.listMaintenances({ state: 'upcoming' }),
      store.listMaintenances({ state: 'active' }),
    ])
  const incidents = new Map<string, Incident>()
  for (const i of [...open, ...recent]) incidents.set(i.id, i)
  const maintenances = new Map<string, Maintenance>()
  const listed = (list: Maintenance[]) => list.filter((m) => m.cancelledAt === null)
  for (const m of [...listed(mRecent), ...listed(mUpcoming), ...listed(mActive)]) {
    maintenances.set(m.id, m)
  }
  const [events, maintenanceUpdates] = await Promise.all([
    incidents.size
      ? store.listEventsFor([...incidents.keys()], { publicOnly: true })
      : Promise.resolve([] as TimelineEvent[]),
    maintenances.size
      ? store.listMaintenanceUpdates([...maintenances.keys()])
      : Promise.resolve([] as MaintenanceUpdate[]),
  ])
  // The status each component change moved from, as recorded when it was posted.
  // Only a maintenance's start and completion change component statuses, never a scheduled update.
  const moving = maintenanceUpdates.filter((u) => u.status !== 'scheduled')
  const since = [...events, ...moving].reduce(
    (min, e) => Math.min(min, e.at),
    Number.POSITIVE_INFINITY,
  )
  const changes = Number.isFinite(since) ? await store.listStatusChanges(since) : []
  const fromStatus = new Map<string, ComponentStatus | null>()
  const changesByEvent = new Map<string, ComponentStatusChange[]>()
  for (const ch of changes) {
    if (!ch.eventId) continue
    fromStatus.set(`${ch.eventId} ${ch.componentId}`, ch.fromStatus)
    const list = changesByEvent.get(ch.eventId)
    if (list) list.push(ch)
    else changesByEvent.set(ch.eventId, [ch])
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

  const postmortems = await publishedPostmortemBodies(deps, [...incidents.keys()])
  const shaped = new Map(
    [...incidents.values()].map((i) => [
      i.id,
      { ...shape(i), postmortem: postmortems.get(i.id) ?? null },
    ]),
  )
  const pick = (list: Incident[]) =>
    [...list].sort(newestFirst).map((i) => shaped.get(i.id) as SummaryIncident)

  const updatesOf = new Map<string, MaintenanceUpdate[]>()
  for (const u of maintenanceUpdates) {
    const list = updatesOf.get(u.maintenanceId)
    if (list) list.push(u)
    else updatesOf.set(u.maintenanceId, [u])
  }
  const shapeMaintenance = (m: Maintenance): SummaryMaintenance => {
    const own = updatesOf.get(m.id) ?? []
    let verifyingAt: number | null = null
    let updatedAt = Math.max(m.createdAt, m.updatedAt)
    for (const u of own) {
      if (u.status === 'verifying' && verifyingAt === null) verifyingAt = u.at
      updatedAt = Math.max(updatedAt, u.postedAt)
    }
    const updates = own.map((u): SummaryMaintenanceUpdate => ({
      id: u.id,
      status: u.status,
      body: u.body,
      at: u.at,
      postedAt: u.postedAt,
      affected: (changesByEvent.get(u.id) ?? []).flatMap((ch) => {
        const component = shown.get(ch.componentId)
        return component
          ? [
              {
                id: component.id,
                name: component.name,
                oldStatus: ch.fromStatus ?? 'operational',
                newStatus: ch.toStatus,
              },
            ]
          : []
      }),
    }))
    return {
      id: m.id,
      name: m.name,
      status: m.status,
      createdAt: m.createdAt,
      updatedAt,
      scheduledFor: m.scheduledFor,
      scheduledUntil: m.scheduledUntil,
      verifyingAt,
      completedAt: m.completedAt,
      notify: m.notify,
      updates: sortTimelineNewestFirst(updates),
      componentIds: m.componentIds
        .filter((id) => shown.has(id))
        .sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0)),
    }
  }
  const shapedMaintenances = new Map(
    [...maintenances.values()].map((m) => [m.id, shapeMaintenance(m)]),
  )
  const pickMaintenances = (list: Maintenance[]) =>
    listed(list).map((m) => shapedMaintenances.get(m.id) as SummaryMaintenance)

  let updatedAt = settings?.updatedAt ?? 0
  for (const e of entries) updatedAt = Math.max(updatedAt, e.updatedAt)
  for (const i of shaped.values()) updatedAt = Math.max(updatedAt, i.updatedAt)
  for (const m of shapedMaintenances.values()) updatedAt = Math.max(updatedAt, m.updatedAt)

  return {
    page: { ...pageContext(settings), url: settings?.pageUrl || null, updatedAt },
    rollup: pageRollup({
      components,
      openIncidents: open,
      maintenanceInProgress: listed(mActive).length > 0,
    }),
    entries,
    components: shown,
    unresolved: pick(open),
    recent: pick(recent),
    maintenances: {
      recent: pickMaintenances(mRecent).slice(0, RECENT_MAINTENANCES),
      upcoming: pickMaintenances(mUpcoming),
      active: pickMaintenances(mActive),
    },
  }
}
