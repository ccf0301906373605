import { COMPONENT_STATUS_LABELS, type ComponentStatus, type Indicator } from '../domain/enums.ts'
import { pageRollup } from '../domain/rollup.ts'
import { formatInZone } from '../domain/time.ts'
import type {
  Component,
  ComponentGroup,
  ComponentStatusChange,
  Incident,
  TimelineEvent,
} from '../domain/types.ts'
import {
  computeDailyUptime,
  UPTIME_RULE,
  uptimeWindow,
  worseStatus,
  type UptimeDay,
} from '../domain/uptime.ts'
import type { Deps } from './deps.ts'
import { shapeMaintenances, type PublicMaintenanceView } from './get-public-maintenance.ts'
import {
  pageContext,
  shapeIncident,
  visibleComponentMap,
  type PublicIncidentView,
  type PublicPageContext,
} from './get-public-incident.ts'

export const UPTIME_DAYS = 90

export interface UptimeBarView {
  date: string // YYYY-MM-DD in the page's zone
  /** Worst status that day; null before the component existed. */
  status: ComponentStatus | null
  /** 'Nov 3, 2026: 99.12% uptime, 1 incident: API outage' */
  label: string
  /** Index into StatusPageView.dayLabels. */
  day: number
  /**
   * 'ok' (100 %, no incidents) and 'nodata' days say the same thing on every component, so the
   * page can label them by reference to shared text instead of repeating it 4,500 times.
   */
  summary: 'ok' | 'nodata' | null
}

export interface PublicComponentView {
  id: string
  name: string
  description: string | null
  status: ComponentStatus
  statusLabel: string
  /** Uptime over the whole window ('99.95%'), or null when nothing was tracked. */
  uptime: string | null
  bars: UptimeBarView[]
}

export type PublicSection =
  | { kind: 'component'; component: PublicComponentView }
  | {
      kind: 'group'
      id: string
      name: string
      description: string | null
      collapsed: boolean
      /** The worst status among its shown components. */
      status: ComponentStatus
      statusLabel: string
      components: PublicComponentView[]
    }

export interface StatusPageView {
  page: PublicPageContext
  rollup: { indicator: Indicator; description: string }
  /** Groups and ungrouped components in the console's order; hidden components are absent. */
  sections: PublicSection[]
  openIncidents: PublicIncidentView[]
  /** Maintenance running now (in progress or verifying), soonest started first. */
  maintenanceInProgress: PublicMaintenanceView[]
  /** Scheduled maintenance not yet started (cancelled ones left out), soonest first. */
  upcomingMaintenance: PublicMaintenanceView[]
  uptimeDays: number
  uptimeRule: string
  /** The window's dates as shown ('Nov 3, 2026'), oldest first. */
  dayLabels: string[]
}

/**
 * Uptime as a percentage, rounded down to two decimals so that any downtime at all never reads
 * 100%: 0.99999 → '99.99%', 1 → '100%'.
 */
export function formatUptime(ratio: number): string {
  if (ratio >= 1) return '100%'
  const hundredths = Math.floor(Math.max(0, ratio) * 10_000 + 1e-9)
  return `${(hundredths / 100).toFixed(2)}%`
}

export function uptimeLabel(
  dateText: string,
  day: Pick<UptimeDay, 'uptime' | 'incidents'>,
): string {
  if (day.uptime === null) return `${dateText}: no data`
  const n = day.incidents.length
  const incidents =
    n === 0
      ? 'no incidents'
      : `${n} ${n === 1 ? 'incident' : 'incidents'}: ${day.incidents.map((i) => i.name).join('; ')}`
  return `${dateText}: ${formatUptime(day.uptime)} uptime, ${incidents}`
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>()
  for (const item of items) {
    const k = key(item)
    const list = out.get(k)
    if (list) list.push(item)
    else out.set(k, [item])
  }
  return out
}

/** GET / — banner, components with uptime bars, open incidents with their public timelines. */
export async function getStatusPage(deps: Pick<Deps, 'store' | 'clock'>): Promise<StatusPageView> {
  const { store } = deps
  const now = deps.clock.now()
  const [settings, groups, components, openIncidents, active, upcoming] = await Promise.all([
    store.getSettings(),
    store.listGroups(),
    store.listComponents(),
    store.listIncidents({ state: 'open' }),
    store.listMaintenances({ state: 'active' }),
    store.listMaintenances({ state: 'upcoming' }),
  ])
  const page = pageContext(settings)
  const tz = page.timeZone
  const window = uptimeWindow(now, tz, UPTIME_DAYS)
  const since = window[0]?.start ?? now
  const visible = visibleComponentMap(components)
  const [changes, events, windowIncidents, maintenance] = await Promise.all([
    store.listStatusChanges(since),
    openIncidents.length
      ? store.listEventsFor(
          openIncidents.map((i) => i.id),
          { publicOnly: true },
        )
      : Promise.resolve([] as TimelineEvent[]),
    store.listIncidents({ state: 'all', from: since }),
    shapeMaintenances(deps, [...active, ...upcoming], visible, tz),
  ])

  // Every component shares the window, so each day's date is formatted once.
  const dateTexts = window.map((day) => formatInZone(day.start, tz, 'date'))
  const changesByComponent = groupBy<ComponentStatusChange>(changes, (c) => c.componentId)
  const incidentsByComponent = new Map<string, Incident[]>()
  for (const incident of windowIncidents) {
    for (const id of incident.componentIds) {
      const list = incidentsByComponent.get(id)
      if (list) list.push(incident)
      else incidentsByComponent.set(id, [incident])
    }
  }

  const componentView = (c: Component): PublicComponentView => {
    const uptime = computeDailyUptime({
      componentId: c.id,
      changes: changesByComponent.get(c.id) ?? [],
      componentCreatedAt: c.createdAt,
      now,
      timeZone: tz,
      days: UPTIME_DAYS,
      incidents: incidentsByComponent.get(c.id) ?? [],
    })
    return {
      id: c.id,
      name: c.name,
      description: c.description,
      status: c.status,
      statusLabel: COMPONENT_STATUS_LABELS[c.status],
      uptime: uptime.uptime === null ? null : formatUptime(uptime.uptime),
      bars: uptime.days.map((day, i) => ({
        date: day.date,
        status: day.worst,
        label: uptimeLabel(dateTexts[i] ?? day.date, day),
        day: i,
        summary:
          day.uptime === null
            ? 'nodata'
            : day.uptime === 1 && day.incidents.length === 0
              ? 'ok'
              : null,
      })),
    }
  }

  const groupsById = new Map<string, ComponentGroup>(groups.map((g) => [g.id, g]))
  const sections: PublicSection[] = []
  const groupSections = new Map<string, Extract<PublicSection, { kind: 'group' }>>()
  // listComponents already interleaves groups and ungrouped components by position.
  for (const c of components) {
    if (!c.visible) continue
    const group = c.groupId ? groupsById.get(c.groupId) : undefined
    if (!group) {
      sections.push({ kind: 'component', component: componentView(c) })
      continue
    }
    let section = groupSections.get(group.id)
    if (!section) {
      section = {
        kind: 'group',
        id: group.id,
        name: group.name,
        description: group.description,
        collapsed: group.collapsed,
        status: c.status,
        statusLabel: '',
        components: [],
      }
      groupSections.set(group.id, section)
      sections.push(section)
    }
    section.status = worseStatus(section.status, c.status)
    section.components.push(componentView(c))
  }
  for (const section of groupSections.values()) {
    section.statusLabel = COMPONENT_STATUS_LABELS[section.status]
  }

  const eventsByIncident = groupBy(events, (e) => e.incidentId)
  return {
    page,
    rollup: pageRollup({ components, openIncidents, maintenanceInProgress: active.length > 0 }),
    sections,
    openIncidents: openIncidents.map((incident) =>
      shapeIncident(incident, eventsByIncident.get(incident.id) ?? [], visible, tz, now),
    ),
    maintenanceInProgress: maintenance.slice(0, active.length),
    upcomingMaintenance: maintenance.slice(active.length),
    uptimeDays: UPTIME_DAYS,
    uptimeRule: UPTIME_RULE,
    dayLabels: dateTexts,
  }
}
