import {
  PAGE_ID,
  type Summary,
  type SummaryEntry,
  type SummaryIncident,
  type SummaryMaintenance,
  type SummaryMaintenanceUpdate,
  type SummaryUpdate,
} from '../../app/get-summary.ts'
import { dayKey, toIsoWithOffset } from '../../domain/time.ts'

// The Statuspage v2 public API shapes, field for field and in Statuspage's field order: ids are
// strings, times ISO-8601 with the page zone's offset, and null wherever Statuspage has null.
// `base` is the page's absolute address without a trailing slash.

export function v2Page(summary: Summary, base: string) {
  const { page } = summary
  return {
    id: PAGE_ID,
    name: page.name,
    url: base,
    time_zone: page.timeZone,
    updated_at: toIsoWithOffset(page.updatedAt, page.timeZone),
  }
}

export function v2Status(summary: Summary) {
  return { indicator: summary.rollup.indicator, description: summary.rollup.description }
}

export function v2Component(entry: SummaryEntry, tz: string) {
  const common = {
    id: entry.id,
    name: entry.name,
    status: entry.status,
    created_at: toIsoWithOffset(entry.createdAt, tz),
    updated_at: toIsoWithOffset(entry.updatedAt, tz),
    position: entry.position,
    description: entry.description,
  }
  if (entry.kind === 'group') {
    return {
      ...common,
      showcase: false,
      start_date: null,
      group_id: null,
      page_id: PAGE_ID,
      group: true,
      only_show_if_degraded: false,
      components: entry.componentIds,
    }
  }
  return {
    ...common,
    // Every shown component has its uptime bars on the page, counted from the day it was added.
    showcase: true,
    start_date: dayKey(entry.createdAt, tz),
    group_id: entry.groupId,
    page_id: PAGE_ID,
    group: false,
    only_show_if_degraded: false,
  }
}

export function v2Components(summary: Summary) {
  return summary.entries.map((e) => v2Component(e, summary.page.timeZone))
}

function v2Update(incidentId: string, u: SummaryUpdate, tz: string) {
  return {
    id: u.id,
    status: u.status,
    body: u.body,
    incident_id: incidentId,
    created_at: toIsoWithOffset(u.postedAt, tz),
    updated_at: toIsoWithOffset(u.editedAt ?? u.postedAt, tz),
    display_at: toIsoWithOffset(u.at, tz),
    affected_components: u.affected.length
      ? u.affected.map((a) => ({
          code: a.id,
          name: a.name,
          old_status: a.oldStatus,
          new_status: a.newStatus,
        }))
      : null,
    deliver_notifications: u.notify,
    custom_tweet: null,
    tweet_id: null,
  }
}

export function v2Incident(summary: Summary, incident: SummaryIncident, base: string) {
  const tz = summary.page.timeZone
  const iso = (ms: number) => toIsoWithOffset(ms, tz)
  const components = []
  for (const id of incident.componentIds) {
    const component = summary.components.get(id)
    if (component) components.push(v2Component(component, tz))
  }
  // A published postmortem of a resolved incident turns its status into Statuspage's `postmortem`.
  const postmortem = incident.status === 'resolved' ? incident.postmortem : null
  return {
    id: incident.id,
    name: incident.name,
    status: postmortem ? ('postmortem' as const) : incident.status,
    created_at: iso(incident.createdAt),
    updated_at: iso(incident.updatedAt),
    monitoring_at: incident.monitoringAt === null ? null : iso(incident.monitoringAt),
    resolved_at: incident.resolvedAt === null ? null : iso(incident.resolvedAt),
    impact: incident.impact,
    shortlink: `${base}/incidents/${encodeURIComponent(incident.id)}`,
    started_at: iso(incident.startedAt),
    page_id: PAGE_ID,
    incident_updates: incident.updates.map((u) => v2Update(incident.id, u, tz)),
    components,
    ...(postmortem
      ? { postmortem_body: postmortem.body, postmortem_published_at: iso(postmortem.publishedAt) }
      : {}),
  }
}

function v2MaintenanceUpdate(
  maintenance: SummaryMaintenance,
  u: SummaryMaintenanceUpdate,
  tz: string,
) {
  return {
    id: u.id,
    status: u.status,
    body: u.body,
    incident_id: maintenance.id,
    created_at: toIsoWithOffset(u.postedAt, tz),
    // Maintenance updates are never edited.
    updated_at: toIsoWithOffset(u.postedAt, tz),
    display_at: toIsoWithOffset(u.at, tz),
    affected_components: u.affected.length
      ? u.affected.map((a) => ({
          code: a.id,
          name: a.name,
          old_status: a.oldStatus,
          new_status: a.newStatus,
        }))
      : null,
    // Per-update notify is not stored; the maintenance's own setting is what subscribers get.
    deliver_notifications: maintenance.notify,
    custom_tweet: null,
    tweet_id: null,
  }
}

/**
 * A scheduled maintenance: Statuspage's incident shape with impact `maintenance`, its statuses
 * (verifying is its monitoring_at, completed its resolved_at) and the window at the end.
 * started_at is when it was created, as Statuspage reports for maintenance that was not backfilled;
 * the window itself is scheduled_for / scheduled_until.
 */
export function v2Maintenance(summary: Summary, m: SummaryMaintenance, base: string) {
  const tz = summary.page.timeZone
  const iso = (ms: number) => toIsoWithOffset(ms, tz)
  const components = []
  for (const id of m.componentIds) {
    const component = summary.components.get(id)
    if (component) components.push(v2Component(component, tz))
  }
  return {
    id: m.id,
    name: m.name,
    status: m.status,
    created_at: iso(m.createdAt),
    updated_at: iso(m.updatedAt),
    monitoring_at: m.verifyingAt === null ? null : iso(m.verifyingAt),
    resolved_at: m.completedAt === null ? null : iso(m.completedAt),
    impact: 'maintenance' as const,
    shortlink: `${base}/maintenance/${encodeURIComponent(m.id)}`,
    started_at: iso(m.createdAt),
    page_id: PAGE_ID,
    incident_updates: m.updates.map((u) => v2MaintenanceUpdate(m, u, tz)),
    components,
    scheduled_for: iso(m.scheduledFor),
    scheduled_until: iso(m.scheduledUntil),
  }
}

export type V2Endpoint =
  | 'summary'
  | 'status'
  | 'components'
  | 'incidents'
  | 'incidents/unresolved'
  | 'scheduled-maintenances'
  | 'scheduled-maintenances/upcoming'
  | 'scheduled-maintenances/active'

/** The JSON body of one /api/v2 endpoint. */
export function v2Body(endpoint: V2Endpoint, summary: Summary, base: string): unknown {
  const page = v2Page(summary, base)
  const incidents = (list: SummaryIncident[]) => list.map((i) => v2Incident(summary, i, base))
  const maintenances = (list: SummaryMaintenance[]) =>
    list.map((m) => v2Maintenance(summary, m, base))
  const { recent, upcoming, active } = summary.maintenances
  switch (endpoint) {
    case 'summary':
      return {
        page,
        components: v2Components(summary),
        incidents: incidents(summary.unresolved),
        // Statuspage's summary lists both the running and the upcoming ones.
        scheduled_maintenances: maintenances([...active, ...upcoming]),
        status: v2Status(summary),
      }
    case 'status':
      return { page, status: v2Status(summary) }
    case 'components':
      return { page, components: v2Components(summary) }
    case 'incidents':
      return { page, incidents: incidents(summary.recent) }
    case 'incidents/unresolved':
      return { page, incidents: incidents(summary.unresolved) }
    case 'scheduled-maintenances':
      return { page, scheduled_maintenances: maintenances(recent) }
    case 'scheduled-maintenances/upcoming':
      return { page, scheduled_maintenances: maintenances(upcoming) }
    case 'scheduled-maintenances/active':
      return { page, scheduled_maintenances: maintenances(active) }
  }
}
