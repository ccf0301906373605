import {
  COMPONENT_STATUS_LABELS,
  IMPACT_LABELS,
  INCIDENT_STATUS_LABELS,
  MAINTENANCE_STATUS_LABELS,
  type BroadcastKind,
  type ComponentStatus,
  type IncidentStatus,
  type MaintenanceStatus,
} from '../../../domain/enums.ts'
import { formatInZone } from '../../../domain/time.ts'
import type { Millis } from '../../../domain/types.ts'
import type {
  BroadcastContent,
  ContentComponent,
  ContentIncident,
  ContentPage,
  ContentUpdate,
} from '../content.ts'

// What every format says, worked out once from BroadcastContent so Slack, Discord, Teams and
// e-mail cannot disagree about the status, the time or the link.

/** How alarming the message is: drives Discord's colour and the e-mail's status class. */
export type Tone = 'resolved' | 'none' | 'minor' | 'major' | 'critical' | 'maintenance'

export interface ComponentChange {
  name: string
  from: string | null
  to: string
}

export interface Summary {
  kind: BroadcastKind
  page: ContentPage
  /** The incident's name, or the component's for component_updated. */
  title: string
  /** The incident page, or the status page for a component change. */
  url: string
  statusLabel: string
  /** 'Major impact'; null for component changes. */
  impactText: string | null
  tone: Tone
  /** Markdown written by a responder, or a generated sentence for component changes. */
  body: string
  at: Millis
  changes: ComponentChange[]
  /** Public updates older than the one this message is about, newest first. */
  earlier: ContentUpdate[]
  incident: ContentIncident | null
  component: ContentComponent | null
}

const COMPONENT_TONES: Record<ComponentStatus, Tone> = {
  operational: 'resolved',
  degraded_performance: 'minor',
  partial_outage: 'major',
  major_outage: 'critical',
  under_maintenance: 'maintenance',
}

export function requireIncident(content: BroadcastContent): ContentIncident {
  if (!content.incident) throw new Error(`broadcast ${content.broadcastId} has no incident`)
  return content.incident
}

/** The update the broadcast is about; the newest public one if the dispatcher left it out. */
export function currentUpdate(content: BroadcastContent): ContentUpdate | null {
  return content.update ?? content.incident?.updates[0] ?? null
}

/** Label of an incident or maintenance status. */
export function statusLabel(status: IncidentStatus | MaintenanceStatus): string {
  return (
    (INCIDENT_STATUS_LABELS as Record<string, string>)[status] ??
    MAINTENANCE_STATUS_LABELS[status as MaintenanceStatus]
  )
}

/** 'Scheduled for Nov 24, 2026, 02:00 – 04:00 UTC' in the page's zone. */
export function formatWindow(from: Millis, until: Millis, timeZone: string): string {
  return `Scheduled ${formatInZone(from, timeZone, 'datetime')} – ${formatInZone(until, timeZone, 'datetime')}`
}

export function summarize(content: BroadcastContent): Summary {
  if (content.kind === 'component_updated') return summarizeComponent(content)
  const incident = requireIncident(content)
  const update = currentUpdate(content)
  const status = update?.status ?? incident.status
  const index = update ? incident.updates.findIndex((u) => u.id === update.id) : -1
  return {
    kind: content.kind,
    page: content.page,
    title: incident.name,
    url: incident.url,
    statusLabel: statusLabel(status),
    impactText: incident.maintenance
      ? `${formatWindow(incident.maintenance.scheduledFor, incident.maintenance.scheduledUntil, content.page.timeZone)}`
      : `${IMPACT_LABELS[incident.impact as keyof typeof IMPACT_LABELS]} impact`,
    tone:
      status === 'resolved' || status === 'completed'
        ? 'resolved'
        : incident.impact === 'maintenance'
          ? 'maintenance'
          : incident.impact,
    body: update?.body ?? '',
    at: update?.at ?? incident.updatedAt,
    changes: (update?.affectedComponents ?? []).map((c) => ({
      name: c.name,
      from: c.oldStatus ? COMPONENT_STATUS_LABELS[c.oldStatus] : null,
      to: COMPONENT_STATUS_LABELS[c.newStatus],
    })),
    earlier: incident.updates.slice(index + 1),
    incident,
    component: null,
  }
}

function summarizeComponent(content: BroadcastContent): Summary {
  const { componentUpdate: change, component } = content
  if (!change || !component) {
    throw new Error(`broadcast ${content.broadcastId} has no component update`)
  }
  const to = COMPONENT_STATUS_LABELS[change.newStatus]
  const from = change.oldStatus ? COMPONENT_STATUS_LABELS[change.oldStatus] : null
  return {
    kind: content.kind,
    page: content.page,
    title: component.name,
    url: content.page.url,
    statusLabel: to,
    impactText: null,
    tone: COMPONENT_TONES[change.newStatus],
    body: from
      ? `${component.name} changed from ${from} to ${to}.`
      : `${component.name} is now ${to}.`,
    at: change.at,
    changes: [{ name: component.name, from, to }],
    earlier: [],
    incident: null,
    component,
  }
}

/** 'API: Partial Outage → Operational' (or just the new status when the old one is unknown). */
export function describeChange(change: ComponentChange): string {
  return change.from && change.from !== change.to
    ? `${change.name}: ${change.from} → ${change.to}`
    : `${change.name}: ${change.to}`
}

// Line and paragraph separators and bidi overrides (which can disguise a subject) count as
// control characters here, along with C0, DEL and C1.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

/** One line of text: control characters become spaces, runs of white space collapse. */
export function oneLine(text: string): string {
  return text.replace(CONTROL, ' ').replace(/\s+/g, ' ').trim()
}

/**
 * At most `max` UTF-16 units (hence also at most `max` code points), ending in '…' when cut; a
 * surrogate pair is never split.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text
  let cut = Math.max(0, max - 1)
  const last = text.charCodeAt(cut - 1)
  if (last >= 0xd800 && last <= 0xdbff) cut -= 1
  return text.slice(0, cut) + '…'
}
