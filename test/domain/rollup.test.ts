import { describe, expect, it } from 'vitest'
import type { ComponentStatus, Impact } from '../../src/domain/enums.ts'
import { INDICATOR_DESCRIPTIONS, pageRollup } from '../../src/domain/rollup.ts'

const c = (status: ComponentStatus, visible?: boolean) =>
  visible === undefined ? { status } : { status, visible }
const i = (impact: Impact) => ({ impact })

const ALL_OK = { indicator: 'none', description: 'All Systems Operational' }
const MAINTENANCE = { indicator: 'maintenance', description: 'Service Under Maintenance' }
const DEGRADED = { indicator: 'minor', description: 'Partially Degraded Service' }
const MINOR = { indicator: 'minor', description: 'Minor Service Outage' }
const MAJOR = { indicator: 'major', description: 'Partial System Outage' }
const CRITICAL = { indicator: 'critical', description: 'Major System Outage' }

describe('pageRollup from components alone', () => {
  it.each([
    ['no components at all', [], ALL_OK],
    ['every component operational', [c('operational'), c('operational')], ALL_OK],
    ['one degraded component', [c('operational'), c('degraded_performance')], DEGRADED],
    ['one partial outage', [c('operational'), c('partial_outage')], MINOR],
    [
      'partial outage beside degraded performance',
      [c('degraded_performance'), c('partial_outage')],
      MINOR,
    ],
    ['one major outage among working components', [c('operational'), c('major_outage')], MAJOR],
    [
      'major outage beside partial outage',
      [c('partial_outage'), c('major_outage'), c('degraded_performance')],
      MAJOR,
    ],
    ['every component in major outage', [c('major_outage'), c('major_outage')], CRITICAL],
    ['a single component, in major outage', [c('major_outage')], CRITICAL],
    [
      'all major outage but one under maintenance',
      [c('major_outage'), c('under_maintenance')],
      MAJOR,
    ],
    ['one component under maintenance', [c('operational'), c('under_maintenance')], MAINTENANCE],
    [
      'maintenance beside degraded performance',
      [c('under_maintenance'), c('degraded_performance')],
      DEGRADED,
    ],
  ] as const)('with %s', (_name, components, expected) => {
    expect(pageRollup({ components: [...components], openIncidents: [] })).toEqual(expected)
  })
})

describe('pageRollup ignores hidden components', () => {
  it.each([
    ['a hidden major outage', [c('operational'), c('major_outage', false)], ALL_OK],
    ['a hidden degraded component', [c('degraded_performance', false)], ALL_OK],
    ['a hidden component under maintenance', [c('under_maintenance', false)], ALL_OK],
    [
      'a hidden operational one beside a visible major outage',
      [c('major_outage', true), c('operational', false)],
      CRITICAL,
    ],
    [
      'only hidden components, all in major outage',
      [c('major_outage', false), c('major_outage', false)],
      ALL_OK,
    ],
  ] as const)('with %s', (_name, components, expected) => {
    expect(pageRollup({ components: [...components], openIncidents: [] })).toEqual(expected)
  })
})

describe('pageRollup from open incidents', () => {
  it.each([
    ['a minor incident', [i('minor')], MINOR],
    ['a major incident', [i('major')], MAJOR],
    ['a critical incident', [i('critical')], CRITICAL],
    ['an incident without impact', [i('none')], ALL_OK],
    [
      'incidents of mixed impact, by the highest',
      [i('minor'), i('critical'), i('major')],
      CRITICAL,
    ],
    ['a minor and a no-impact incident', [i('none'), i('minor')], MINOR],
  ] as const)('with %s and all components operational', (_name, incidents, expected) => {
    expect(pageRollup({ components: [c('operational')], openIncidents: [...incidents] })).toEqual(
      expected,
    )
  })
})

describe('pageRollup combining components and incidents', () => {
  it.each([
    [
      'a critical incident outranks a partial outage',
      [c('partial_outage')],
      [i('critical')],
      CRITICAL,
    ],
    [
      'a major incident outranks degraded performance',
      [c('degraded_performance')],
      [i('major')],
      MAJOR,
    ],
    ['a total outage outranks a minor incident', [c('major_outage')], [i('minor')], CRITICAL],
    [
      'a component major outage outranks a minor incident',
      [c('operational'), c('major_outage')],
      [i('minor')],
      MAJOR,
    ],
    [
      'degraded performance keeps its wording against a minor incident',
      [c('degraded_performance')],
      [i('minor')],
      DEGRADED,
    ],
    [
      'a partial system outage from components keeps its wording against a major incident',
      [c('operational'), c('major_outage')],
      [i('major')],
      MAJOR,
    ],
    ['a minor incident outranks maintenance', [c('under_maintenance')], [i('minor')], MINOR],
    [
      'an impactless incident leaves maintenance showing',
      [c('under_maintenance')],
      [i('none')],
      MAINTENANCE,
    ],
  ] as const)('%s', (_name, components, incidents, expected) => {
    expect(pageRollup({ components: [...components], openIncidents: [...incidents] })).toEqual(
      expected,
    )
  })
})

describe('pageRollup with maintenance in progress', () => {
  it('shows maintenance when nothing is broken', () => {
    expect(
      pageRollup({
        components: [c('operational')],
        openIncidents: [],
        maintenanceInProgress: true,
      }),
    ).toEqual(MAINTENANCE)
  })

  it('shows maintenance even with no visible components', () => {
    expect(pageRollup({ components: [], openIncidents: [], maintenanceInProgress: true })).toEqual(
      MAINTENANCE,
    )
  })

  it('lets any outage outrank maintenance', () => {
    expect(
      pageRollup({
        components: [c('degraded_performance')],
        openIncidents: [],
        maintenanceInProgress: true,
      }),
    ).toEqual(DEGRADED)
    expect(
      pageRollup({
        components: [c('operational')],
        openIncidents: [i('major')],
        maintenanceInProgress: true,
      }),
    ).toEqual(MAJOR)
  })

  it('reads all systems operational when maintenance is explicitly not running', () => {
    expect(
      pageRollup({
        components: [c('operational')],
        openIncidents: [],
        maintenanceInProgress: false,
      }),
    ).toEqual(ALL_OK)
  })
})

describe('INDICATOR_DESCRIPTIONS', () => {
  it('uses the standard Statuspage wording', () => {
    expect(INDICATOR_DESCRIPTIONS).toEqual({
      none: 'All Systems Operational',
      minor: 'Minor Service Outage',
      major: 'Partial System Outage',
      critical: 'Major System Outage',
      maintenance: 'Service Under Maintenance',
    })
  })
})
