import type { ComponentStatus, Impact, Indicator } from './enums.ts'

/*
 * The page status rollup, Statuspage's indicator and description, from one pure function.
 *
 * Severity: none < maintenance < minor < major < critical.
 *
 * From visible components (visible === false never counts):
 *   every visible component in major_outage (and at least one)  → critical  Major System Outage
 *   any major_outage                                            → major     Partial System Outage
 *   any partial_outage                                          → minor     Minor Service Outage
 *   any degraded_performance                                    → minor     Partially Degraded Service
 * From open incidents, by their highest impact:
 *   critical → critical  Major System Outage
 *   major    → major     Partial System Outage
 *   minor    → minor     Minor Service Outage
 *   none     → nothing
 * The more severe of the two wins; at equal severity the component description is kept, because it
 * says what is actually broken.
 * Otherwise, a visible component under_maintenance or maintenance in progress
 *   → maintenance  Service Under Maintenance
 * else
 *   → none         All Systems Operational
 */

// The usual description per indicator; 'minor' also reads DEGRADED_SERVICE_DESCRIPTION when only
// degraded performance is behind it.
export const INDICATOR_DESCRIPTIONS: Record<Indicator, string> = {
  none: 'All Systems Operational',
  minor: 'Minor Service Outage',
  major: 'Partial System Outage',
  critical: 'Major System Outage',
  maintenance: 'Service Under Maintenance',
}

export const DEGRADED_SERVICE_DESCRIPTION = 'Partially Degraded Service'

export const INDICATOR_SEVERITY: Record<Indicator, number> = {
  none: 0,
  maintenance: 1,
  minor: 2,
  major: 3,
  critical: 4,
}

export interface PageRollupInput {
  components: readonly { status: ComponentStatus; visible?: boolean }[]
  openIncidents: readonly { impact: Impact }[]
  maintenanceInProgress?: boolean
}

export interface PageRollup {
  indicator: Indicator
  description: string
}

const IMPACT_INDICATOR: Record<Impact, Indicator> = {
  none: 'none',
  minor: 'minor',
  major: 'major',
  critical: 'critical',
}

function fromComponents(statuses: readonly ComponentStatus[]): PageRollup | null {
  if (statuses.length > 0 && statuses.every((s) => s === 'major_outage')) {
    return { indicator: 'critical', description: INDICATOR_DESCRIPTIONS.critical }
  }
  if (statuses.includes('major_outage')) {
    return { indicator: 'major', description: INDICATOR_DESCRIPTIONS.major }
  }
  if (statuses.includes('partial_outage')) {
    return { indicator: 'minor', description: INDICATOR_DESCRIPTIONS.minor }
  }
  if (statuses.includes('degraded_performance')) {
    return { indicator: 'minor', description: DEGRADED_SERVICE_DESCRIPTION }
  }
  return null
}

function fromIncidents(incidents: readonly { impact: Impact }[]): PageRollup | null {
  let worst: Indicator = 'none'
  for (const { impact } of incidents) {
    const indicator = IMPACT_INDICATOR[impact]
    if (INDICATOR_SEVERITY[indicator] > INDICATOR_SEVERITY[worst]) worst = indicator
  }
  return worst === 'none' ? null : { indicator: worst, description: INDICATOR_DESCRIPTIONS[worst] }
}

export function pageRollup(input: PageRollupInput): PageRollup {
  const statuses = input.components.filter((c) => c.visible !== false).map((c) => c.status)
  const components = fromComponents(statuses)
  const incidents = fromIncidents(input.openIncidents)
  if (components && incidents) {
    return INDICATOR_SEVERITY[incidents.indicator] > INDICATOR_SEVERITY[components.indicator]
      ? incidents
      : components
  }
  const outage = components ?? incidents
  if (outage) return outage
  if (input.maintenanceInProgress || statuses.includes('under_maintenance')) {
    return { indicator: 'maintenance', description: INDICATOR_DESCRIPTIONS.maintenance }
  }
  return { indicator: 'none', description: INDICATOR_DESCRIPTIONS.none }
}
