import { COMPONENT_STATUS_LABELS, type ComponentStatus, type Indicator } from '../domain/enums.ts'
import { notFound } from '../domain/errors.ts'
import {
  DEGRADED_SERVICE_DESCRIPTION,
  INDICATOR_DESCRIPTIONS,
  pageRollup,
} from '../domain/rollup.ts'
import type { Deps } from './deps.ts'

// What a status badge says: a label, a short message and the status behind its colour. Reads only
// what the answer needs (no uptime, no timelines): badges are fetched from every README view.

export type BadgeTone = ComponentStatus

export interface Badge {
  /** The default label: 'status' for the page, the component's name for a component. */
  label: string
  message: string
  /** Colour class: component statuses, and the page indicator mapped onto them. */
  tone: BadgeTone
}

/** The page indicator in component terms: none→operational … critical→major_outage. */
export const INDICATOR_TONES: Record<Indicator, BadgeTone> = {
  none: 'operational',
  minor: 'degraded_performance',
  major: 'partial_outage',
  critical: 'major_outage',
  maintenance: 'under_maintenance',
}

// Short forms of the rollup descriptions, so a badge stays badge-sized.
const SHORT_DESCRIPTIONS: Record<string, string> = {
  [INDICATOR_DESCRIPTIONS.none]: 'operational',
  [DEGRADED_SERVICE_DESCRIPTION]: 'degraded',
  [INDICATOR_DESCRIPTIONS.minor]: 'minor outage',
  [INDICATOR_DESCRIPTIONS.major]: 'partial outage',
  [INDICATOR_DESCRIPTIONS.critical]: 'major outage',
  [INDICATOR_DESCRIPTIONS.maintenance]: 'maintenance',
}

/** GET /badge.svg — the page's overall status, as the page's banner has it. */
export async function getPageBadge(deps: Pick<Deps, 'store'>): Promise<Badge> {
  const [components, openIncidents] = await Promise.all([
    deps.store.listComponents(),
    deps.store.listIncidents({ state: 'open' }),
  ])
  // maintenance: pass maintenanceInProgress once scheduled maintenance exists.
  const rollup = pageRollup({ components, openIncidents })
  return {
    label: 'status',
    message: SHORT_DESCRIPTIONS[rollup.description] ?? rollup.description.toLowerCase(),
    tone: INDICATOR_TONES[rollup.indicator],
  }
}

/** GET /components/:id/badge.svg — NOT_FOUND for unknown and hidden components alike. */
export async function getComponentBadge(deps: Pick<Deps, 'store'>, id: string): Promise<Badge> {
  const component = await deps.store.getComponent(id)
  if (!component || !component.visible) throw notFound('Component', id)
  return {
    label: component.name,
    message: COMPONENT_STATUS_LABELS[component.status].toLowerCase(),
    tone: component.status,
  }
}
