import {
  COMPONENT_STATUS_LABELS,
  MAINTENANCE_STATUS_LABELS,
  type MaintenanceStatus,
} from '../domain/enums.ts'
import { notFound } from '../domain/errors.ts'
import { sortTimelineNewestFirst } from '../domain/incident-status.ts'
import { dayKey } from '../domain/time.ts'
import type { Component, Maintenance, MaintenanceUpdate } from '../domain/types.ts'
import type { Deps } from './deps.ts'
import {
  pageContext,
  stamp,
  visibleComponentMap,
  type PublicComponentRef,
  type PublicPageContext,
  type Stamp,
} from './get-public-incident.ts'

// Read models for scheduled maintenance on the public page (issue 5): the window in the page's
// zone, the components the page shows, and the maintenance's own timeline, newest first.

export interface PublicMaintenanceUpdateView {
  id: string
  status: MaintenanceStatus
  label: string
  /** Markdown source; views render it with renderMarkdown only. */
  body: string
  at: Stamp
}

export interface PublicMaintenanceView {
  id: string
  name: string
  status: MaintenanceStatus
  /** 'In progress', or 'Cancelled' for a window that was called off. */
  statusLabel: string
  cancelled: boolean
  scheduledFor: Stamp
  scheduledUntil: Stamp
  /** The end as shown after the start: the time alone when both fall on the same day. */
  scheduledUntilShort: Stamp
  started: Stamp | null
  completed: Stamp | null
  cancelledAt: Stamp | null
  /** Affected components that the page shows (hidden ones are left out). */
  components: PublicComponentRef[]
  /** Its updates, newest first. */
  updates: PublicMaintenanceUpdateView[]
}

export interface PublicMaintenancePage {
  page: PublicPageContext
  maintenance: PublicMaintenanceView
}

export const CANCELLED_LABEL = 'Cancelled'

/** Shapes one maintenance; `visibleComponents` must hold only components the page may name. */
export function shapeMaintenance(
  m: Maintenance,
  updates: readonly MaintenanceUpdate[],
  visibleComponents: ReadonlyMap<string, Component>,
  timeZone: string,
): PublicMaintenanceView {
  const components: PublicComponentRef[] = []
  for (const id of m.componentIds) {
    const c = visibleComponents.get(id)
    if (c)
      components.push({
        id: c.id,
        name: c.name,
        status: c.status,
        statusLabel: COMPONENT_STATUS_LABELS[c.status],
      })
  }
  const sameDay = dayKey(m.scheduledFor, timeZone) === dayKey(m.scheduledUntil, timeZone)
  return {
    id: m.id,
    name: m.name,
    status: m.status,
    statusLabel: m.cancelledAt !== null ? CANCELLED_LABEL : MAINTENANCE_STATUS_LABELS[m.status],
    cancelled: m.cancelledAt !== null,
    scheduledFor: stamp(m.scheduledFor, timeZone),
    scheduledUntil: stamp(m.scheduledUntil, timeZone),
    scheduledUntilShort: stamp(m.scheduledUntil, timeZone, sameDay ? 'time' : 'datetime'),
    started: m.startedAt === null ? null : stamp(m.startedAt, timeZone),
    completed: m.completedAt === null ? null : stamp(m.completedAt, timeZone),
    cancelledAt: m.cancelledAt === null ? null : stamp(m.cancelledAt, timeZone),
    components,
    updates: sortTimelineNewestFirst(updates.filter((u) => u.maintenanceId === m.id)).map((u) => ({
      id: u.id,
      status: u.status,
      label: MAINTENANCE_STATUS_LABELS[u.status],
      body: u.body,
      at: stamp(u.at, timeZone),
    })),
  }
}

/** Shapes a list with one query for all their updates. */
export async function shapeMaintenances(
  deps: Pick<Deps, 'store'>,
  list: readonly Maintenance[],
  visibleComponents: ReadonlyMap<string, Component>,
  timeZone: string,
): Promise<PublicMaintenanceView[]> {
  if (list.length === 0) return []
  const updates = await deps.store.listMaintenanceUpdates(list.map((m) => m.id))
  const byId = new Map<string, MaintenanceUpdate[]>()
  for (const u of updates) {
    const bucket = byId.get(u.maintenanceId)
    if (bucket) bucket.push(u)
    else byId.set(u.maintenanceId, [u])
  }
  return list.map((m) => shapeMaintenance(m, byId.get(m.id) ?? [], visibleComponents, timeZone))
}

/** GET /maintenance/:id — NOT_FOUND for an unknown id; a cancelled one is shown as cancelled. */
export async function getPublicMaintenance(
  deps: Pick<Deps, 'store'>,
  id: string,
): Promise<PublicMaintenancePage> {
  const m = await deps.store.getMaintenance(id)
  if (!m) throw notFound('Maintenance', id)
  const [settings, components, updates] = await Promise.all([
    deps.store.getSettings(),
    deps.store.listComponents(),
    deps.store.listMaintenanceUpdates([m.id]),
  ])
  const page = pageContext(settings)
  return {
    page,
    maintenance: shapeMaintenance(m, updates, visibleComponentMap(components), page.timeZone),
  }
}
