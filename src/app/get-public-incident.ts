import {
  COMPONENT_STATUS_LABELS,
  IMPACT_LABELS,
  INCIDENT_STATUS_LABELS,
  type ComponentStatus,
  type Impact,
  type IncidentStatus,
} from '../domain/enums.ts'
import { notFound } from '../domain/errors.ts'
import { deriveIncidentStatus, sortTimelineNewestFirst } from '../domain/incident-status.ts'
import {
  dayKey,
  formatDuration,
  formatInZone,
  isValidTimeZone,
  toIsoWithOffset,
  type FormatStyle,
} from '../domain/time.ts'
import type { Component, Incident, PageSettings, TimelineEvent } from '../domain/types.ts'
import type { Deps } from './deps.ts'

// Read models for the public page (pure reads). Everything the views print is shaped here, in the
// page's time zone, so views only lay it out. Internal events are never loaded: every event query
// below asks the store for public ones only.

export const DEFAULT_PAGE_NAME = 'Status'
export const DEFAULT_TIME_ZONE = 'UTC'

/** An instant as the page shows it: `<time datetime={iso}>{text}</time>`. */
export interface Stamp {
  iso: string
  text: string
}

export interface PublicPageContext {
  name: string
  logoUrl: string | null
  timeZone: string
}

export interface PublicComponentRef {
  id: string
  name: string
  status: ComponentStatus
  statusLabel: string
}

export interface PublicUpdateView {
  id: string
  status: IncidentStatus | null
  /** The status the update set, or "Update" for one that set none. */
  label: string
  /** Markdown source; views render it with renderMarkdown only. */
  body: string
  at: Stamp
  edited: Stamp | null
  componentChanges: PublicComponentRef[]
}

export interface PublicIncidentView {
  id: string
  name: string
  impact: Impact
  /** 'Major impact', or 'No impact'. */
  impactText: string
  status: IncidentStatus
  statusLabel: string
  started: Stamp
  resolved: Stamp | null
  /** The resolution as a list shows it: the time alone when it fell on the day it started. */
  resolvedShort: Stamp | null
  ongoing: boolean
  /** How long it lasted, or has lasted so far when ongoing ('2h 15m'). */
  duration: string
  /** Affected components that the page shows (hidden ones are left out). */
  components: PublicComponentRef[]
  /** Public updates, newest first. */
  updates: PublicUpdateView[]
}

export interface PublicIncidentPage {
  page: PublicPageContext
  incident: PublicIncidentView
}

export function pageContext(settings: PageSettings | null): PublicPageContext {
  const timeZone =
    settings && isValidTimeZone(settings.timeZone) ? settings.timeZone : DEFAULT_TIME_ZONE
  return {
    name: settings?.pageName.trim() || DEFAULT_PAGE_NAME,
    logoUrl: settings?.logoUrl || null,
    timeZone,
  }
}

export function stamp(ms: number, timeZone: string, style: FormatStyle = 'datetime'): Stamp {
  return { iso: toIsoWithOffset(ms, timeZone), text: formatInZone(ms, timeZone, style) }
}

/**
 * The status customers see: derived from public updates only, so an internal note that changes the
 * status does not show through; an incident with no public status update keeps its stored status.
 */
export function publicStatus(
  incident: Pick<Incident, 'status' | 'resolvedAt'>,
  publicEvents: readonly TimelineEvent[],
): IncidentStatus {
  if (incident.resolvedAt !== null) return 'resolved'
  return deriveIncidentStatus(publicEvents, incident.status)
}

function componentRef(c: Component, status: ComponentStatus = c.status): PublicComponentRef {
  return { id: c.id, name: c.name, status, statusLabel: COMPONENT_STATUS_LABELS[status] }
}

/** Shapes one incident; `visibleComponents` must hold only components the page may name. */
export function shapeIncident(
  incident: Incident,
  publicEvents: readonly TimelineEvent[],
  visibleComponents: ReadonlyMap<string, Component>,
  timeZone: string,
  now: number,
): PublicIncidentView {
  const status = publicStatus(incident, publicEvents)
  const ongoing = incident.resolvedAt === null
  const end = incident.resolvedAt ?? now
  const updates = sortTimelineNewestFirst(
    publicEvents.filter((e) => e.visibility === 'public'),
  ).map((e): PublicUpdateView => {
    const componentChanges: PublicComponentRef[] = []
    for (const change of e.componentChanges) {
      const component = visibleComponents.get(change.componentId)
      if (component) componentChanges.push(componentRef(component, change.status))
    }
    return {
      id: e.id,
      status: e.status,
      label: e.status ? INCIDENT_STATUS_LABELS[e.status] : 'Update',
      body: e.body,
      at: stamp(e.at, timeZone),
      edited: e.editedAt === null ? null : stamp(e.editedAt, timeZone),
      componentChanges,
    }
  })
  const components: PublicComponentRef[] = []
  for (const id of incident.componentIds) {
    const component = visibleComponents.get(id)
    if (component) components.push(componentRef(component))
  }
  return {
    id: incident.id,
    name: incident.name,
    impact: incident.impact,
    impactText:
      incident.impact === 'none' ? 'No impact' : `${IMPACT_LABELS[incident.impact]} impact`,
    status,
    statusLabel: INCIDENT_STATUS_LABELS[status],
    started: stamp(incident.startedAt, timeZone),
    resolved: incident.resolvedAt === null ? null : stamp(incident.resolvedAt, timeZone),
    resolvedShort:
      incident.resolvedAt === null
        ? null
        : stamp(
            incident.resolvedAt,
            timeZone,
            dayKey(incident.resolvedAt, timeZone) === dayKey(incident.startedAt, timeZone)
              ? 'time'
              : 'datetime',
          ),
    ongoing,
    duration: formatDuration(Math.max(0, end - incident.startedAt)),
    components,
    updates,
  }
}

export function visibleComponentMap(components: readonly Component[]): Map<string, Component> {
  return new Map(components.filter((c) => c.visible).map((c) => [c.id, c]))
}

/** GET /incidents/:id — NOT_FOUND for an unknown id. */
export async function getPublicIncident(
  deps: Pick<Deps, 'store' | 'clock'>,
  id: string,
): Promise<PublicIncidentPage> {
  const now = deps.clock.now()
  const incident = await deps.store.getIncident(id)
  if (!incident) throw notFound('Incident', id)
  const [settings, components, events] = await Promise.all([
    deps.store.getSettings(),
    deps.store.listComponents(),
    deps.store.listEvents(id, { publicOnly: true }),
  ])
  const page = pageContext(settings)
  return {
    page,
    incident: shapeIncident(incident, events, visibleComponentMap(components), page.timeZone, now),
  }
}
