import { describe, expect, it } from 'vitest'
import type { ComponentStatus } from '../../src/domain/enums.ts'
import {
  computeDailyUptime,
  DOWNTIME_WEIGHT,
  UPTIME_RULE,
  type DailyUptimeInput,
  type UptimeChange,
  type UptimeIncident,
} from '../../src/domain/uptime.ts'

const at = (iso: string) => Date.parse(iso)
const HOUR = 3_600_000
const COMPONENT = 'cmp_api'
const LONG_AGO = at('2025-01-01T00:00:00Z')

let seq = 0
const change = (
  iso: string,
  fromStatus: ComponentStatus | null,
  toStatus: ComponentStatus,
  id = `chg_${String(++seq).padStart(6, '0')}`,
): UptimeChange => ({ id, componentId: COMPONENT, fromStatus, toStatus, at: at(iso) })

const incident = (
  id: string,
  startedIso: string,
  resolvedIso: string | null,
  componentIds = [COMPONENT],
): UptimeIncident => ({
  id,
  name: `Incident ${id}`,
  startedAt: at(startedIso),
  resolvedAt: resolvedIso === null ? null : at(resolvedIso),
  componentIds,
})

// Three UTC days, 2026-11-20 … 2026-11-22, with "now" at noon on the 22nd.
const base = (over: Partial<DailyUptimeInput> = {}): DailyUptimeInput => ({
  componentId: COMPONENT,
  changes: [],
  componentCreatedAt: LONG_AGO,
  now: at('2026-11-22T12:00:00Z'),
  timeZone: 'UTC',
  days: 3,
  ...over,
})

const uptimes = (input: DailyUptimeInput) => computeDailyUptime(input).days.map((d) => d.uptime)
const worsts = (input: DailyUptimeInput) => computeDailyUptime(input).days.map((d) => d.worst)

describe('the uptime window', () => {
  it('lists local days oldest first, ending with today', () => {
    const { days } = computeDailyUptime(base())
    expect(days.map((d) => d.date)).toEqual(['2026-11-20', '2026-11-21', '2026-11-22'])
    expect(days.map((d) => [d.start, d.end])).toEqual([
      [at('2026-11-20T00:00:00Z'), at('2026-11-21T00:00:00Z')],
      [at('2026-11-21T00:00:00Z'), at('2026-11-22T00:00:00Z')],
      [at('2026-11-22T00:00:00Z'), at('2026-11-23T00:00:00Z')],
    ])
  })

  it('covers 90 contiguous days by default', () => {
    const { days } = computeDailyUptime(base({ days: undefined }))
    expect(days).toHaveLength(90)
    expect(days[0]?.date).toBe('2026-08-25')
    expect(days[89]?.date).toBe('2026-11-22')
    for (let d = 1; d < days.length; d++) expect(days[d]?.start).toBe(days[d - 1]?.end)
  })

  it('reports full uptime for a component that never changed', () => {
    expect(computeDailyUptime(base())).toMatchObject({ uptime: 1 })
    expect(uptimes(base())).toEqual([1, 1, 1])
    expect(worsts(base())).toEqual(['operational', 'operational', 'operational'])
  })
})

describe('downtime weighting', () => {
  it('counts a major outage fully as downtime', () => {
    const input = base({
      changes: [
        change('2026-11-21T10:00:00Z', 'operational', 'major_outage'),
        change('2026-11-21T16:00:00Z', 'major_outage', 'operational'),
      ],
    })
    // 6 h down of 24 h on the 21st; over the window 6 h of 24 + 24 + 12 = 60 h tracked.
    expect(uptimes(input)).toEqual([1, 0.75, 1])
    expect(computeDailyUptime(input).uptime).toBeCloseTo(0.9, 12)
    expect(worsts(input)).toEqual(['operational', 'major_outage', 'operational'])
  })

  it('counts a partial outage as 30 % downtime', () => {
    const input = base({
      changes: [
        change('2026-11-21T04:00:00Z', 'operational', 'partial_outage'),
        change('2026-11-21T14:00:00Z', 'partial_outage', 'operational'),
      ],
    })
    // 10 h × 0.3 = 3 h of downtime in 24 h.
    expect(uptimes(input)[1]).toBeCloseTo(0.875, 12)
    expect(worsts(input)[1]).toBe('partial_outage')
  })

  it('adds major and partial outage time within one day', () => {
    const input = base({
      changes: [
        change('2026-11-21T01:00:00Z', 'operational', 'major_outage'),
        change('2026-11-21T03:00:00Z', 'major_outage', 'partial_outage'),
        change('2026-11-21T07:00:00Z', 'partial_outage', 'operational'),
      ],
    })
    // 2 h + 4 h × 0.3 = 3.2 h down.
    expect(uptimes(input)[1]).toBeCloseTo(1 - 3.2 / 24, 12)
    expect(worsts(input)[1]).toBe('major_outage')
  })

  it('counts degraded performance and maintenance as up but still reports them as worst', () => {
    const input = base({
      changes: [
        change('2026-11-20T08:00:00Z', 'operational', 'under_maintenance'),
        change('2026-11-20T09:00:00Z', 'under_maintenance', 'operational'),
        change('2026-11-21T08:00:00Z', 'operational', 'degraded_performance'),
        change('2026-11-21T09:00:00Z', 'degraded_performance', 'under_maintenance'),
        change('2026-11-21T10:00:00Z', 'under_maintenance', 'operational'),
      ],
    })
    expect(uptimes(input)).toEqual([1, 1, 1])
    expect(worsts(input)).toEqual(['under_maintenance', 'degraded_performance', 'operational'])
  })

  it('states the same partial outage weight in the public rule', () => {
    expect(UPTIME_RULE).toContain(`${DOWNTIME_WEIGHT.partial_outage * 100}%`)
    expect(DOWNTIME_WEIGHT.major_outage).toBe(1)
  })
})

describe('history before and across the window', () => {
  it('assumes the first change’s old status held before it', () => {
    const input = base({ changes: [change('2026-11-21T06:00:00Z', 'major_outage', 'operational')] })
    expect(uptimes(input)).toEqual([0, 0.75, 1])
    expect(worsts(input)).toEqual(['major_outage', 'major_outage', 'operational'])
  })

  it('assumes operational before the first change when its old status is unknown', () => {
    const input = base({ changes: [change('2026-11-21T18:00:00Z', null, 'major_outage')] })
    // Down from 18:00 on the 21st through noon on the 22nd.
    expect(uptimes(input)).toEqual([1, 0.75, 0])
  })

  it('carries a status set before the window into it', () => {
    const input = base({
      changes: [change('2026-10-01T00:00:00Z', 'operational', 'partial_outage')],
    })
    const result = computeDailyUptime(input)
    for (const day of result.days) expect(day.uptime).toBeCloseTo(0.7, 12)
    expect(result.uptime).toBeCloseTo(0.7, 12)
  })

  it('accepts changes in any order', () => {
    const changes = [
      change('2026-11-20T22:00:00Z', 'operational', 'major_outage'),
      change('2026-11-21T02:00:00Z', 'major_outage', 'partial_outage'),
      change('2026-11-21T12:00:00Z', 'partial_outage', 'operational'),
    ]
    const shuffled = [changes[2], changes[0], changes[1]] as UptimeChange[]
    // 20th: 2 h down. 21st: 2 h + 10 h × 0.3 = 5 h down.
    expect(uptimes(base({ changes: shuffled }))[0]).toBeCloseTo(1 - 2 / 24, 12)
    expect(uptimes(base({ changes: shuffled }))[1]).toBeCloseTo(1 - 5 / 24, 12)
  })

  it('ignores changes that belong to another component', () => {
    const other = {
      ...change('2026-11-21T00:00:00Z', 'operational', 'major_outage'),
      componentId: 'cmp_db',
    }
    expect(uptimes(base({ changes: [other] }))).toEqual([1, 1, 1])
  })
})

describe('day boundaries', () => {
  it('puts an outage from midnight to midnight on exactly one day', () => {
    const input = base({
      changes: [
        change('2026-11-21T00:00:00Z', 'operational', 'major_outage'),
        change('2026-11-22T00:00:00Z', 'major_outage', 'operational'),
      ],
    })
    expect(uptimes(input)).toEqual([1, 0, 1])
    expect(worsts(input)).toEqual(['operational', 'major_outage', 'operational'])
  })

  it('counts only the elapsed part of today', () => {
    const input = base({ changes: [change('2026-11-22T06:00:00Z', 'operational', 'major_outage')] })
    // Down 06:00–12:00 of the 12 h elapsed, not of 24 h.
    expect(uptimes(input)[2]).toBe(0.5)
    expect(computeDailyUptime(input).uptime).toBeCloseTo(1 - 6 / 60, 12)
  })

  it('does not report a status that held for no time at all', () => {
    const input = base({
      changes: [
        change('2026-11-21T10:00:00Z', 'operational', 'major_outage', 'chg_a'),
        change('2026-11-21T10:00:00Z', 'major_outage', 'operational', 'chg_b'),
      ],
    })
    expect(uptimes(input)[1]).toBe(1)
    expect(worsts(input)[1]).toBe('operational')
  })

  it('applies changes in the same millisecond in id order', () => {
    const input = base({
      changes: [
        change('2026-11-21T18:00:00Z', 'degraded_performance', 'major_outage', 'chg_c'),
        change('2026-11-21T18:00:00Z', 'operational', 'degraded_performance', 'chg_b'),
      ],
    })
    // chg_c is applied after chg_b, so the component is down from 18:00 on.
    expect(uptimes(input)).toEqual([1, 0.75, 0])
  })
})

describe('a component created mid-window', () => {
  const input = base({
    componentCreatedAt: at('2026-11-21T18:00:00Z'),
    changes: [
      change('2026-11-21T21:00:00Z', 'operational', 'major_outage'),
      change('2026-11-22T03:00:00Z', 'major_outage', 'operational'),
    ],
  })

  it('has no data before it existed', () => {
    const day = computeDailyUptime(input).days[0]
    expect(day).toMatchObject({ date: '2026-11-20', uptime: null, worst: null })
  })

  it('tracks only the time since it was created', () => {
    // 21st: 3 h down of 6 h tracked. 22nd: 3 h down of 12 h. Window: 6 h of 18 h.
    const result = computeDailyUptime(input)
    expect(result.days.map((d) => d.uptime)).toEqual([null, 0.5, 0.75])
    expect(result.uptime).toBeCloseTo(2 / 3, 12)
  })

  it('has no overall uptime when it was created after now', () => {
    const result = computeDailyUptime(base({ componentCreatedAt: at('2026-11-23T00:00:00Z') }))
    expect(result.uptime).toBeNull()
    expect(result.days.every((d) => d.uptime === null && d.worst === null)).toBe(true)
  })
})

describe('time zones', () => {
  const changes = [
    change('2026-11-21T23:30:00Z', 'operational', 'major_outage'),
    change('2026-11-22T00:30:00Z', 'major_outage', 'operational'),
  ]
  const now = at('2026-11-23T12:00:00Z')

  it('splits an outage across midnight between two UTC days', () => {
    const { days } = computeDailyUptime(base({ changes, now, timeZone: 'UTC' }))
    expect(days.map((d) => d.date)).toEqual(['2026-11-21', '2026-11-22', '2026-11-23'])
    expect(days[0]?.uptime).toBeCloseTo(1 - 0.5 / 24, 12)
    expect(days[1]?.uptime).toBeCloseTo(1 - 0.5 / 24, 12)
    expect(days[2]?.uptime).toBe(1)
  })

  it('keeps the same outage on one morning in Tokyo', () => {
    // 23:30–00:30 UTC is 08:30–09:30 on the 22nd in Tokyo (UTC+9).
    const { days } = computeDailyUptime(base({ changes, now, timeZone: 'Asia/Tokyo' }))
    expect(days.map((d) => d.date)).toEqual(['2026-11-21', '2026-11-22', '2026-11-23'])
    expect(days[0]?.start).toBe(at('2026-11-20T15:00:00Z'))
    expect(days.map((d) => d.uptime)).toEqual([1, 1 - 1 / 24, 1])
    expect(days.map((d) => d.worst)).toEqual(['operational', 'major_outage', 'operational'])
  })

  it('measures the 23-hour spring-forward day in New York', () => {
    const { days } = computeDailyUptime(
      base({
        now: at('2026-03-09T12:00:00Z'),
        timeZone: 'America/New_York',
        changes: [
          // 00:00 EST to 12:30 EDT on March 8: 11.5 h, half of a 23 h day.
          change('2026-03-08T05:00:00Z', 'operational', 'major_outage'),
          change('2026-03-08T16:30:00Z', 'major_outage', 'operational'),
        ],
      }),
    )
    expect(days.map((d) => d.date)).toEqual(['2026-03-07', '2026-03-08', '2026-03-09'])
    expect((days[1]?.end ?? 0) - (days[1]?.start ?? 0)).toBe(23 * HOUR)
    expect(days.map((d) => d.uptime)).toEqual([1, 0.5, 1])
  })

  it('measures the 25-hour fall-back day in New York', () => {
    const { days } = computeDailyUptime(
      base({
        now: at('2026-11-02T17:00:00Z'),
        timeZone: 'America/New_York',
        days: 2,
        changes: [
          // 00:00 EDT to 07:30 EST on November 1: 12.5 h, half of a 25 h day.
          change('2026-11-01T04:00:00Z', 'operational', 'major_outage'),
          change('2026-11-01T16:30:00Z', 'major_outage', 'operational'),
        ],
      }),
    )
    expect(days.map((d) => d.date)).toEqual(['2026-11-01', '2026-11-02'])
    expect((days[0]?.end ?? 0) - (days[0]?.start ?? 0)).toBe(25 * HOUR)
    expect(days.map((d) => d.uptime)).toEqual([0.5, 1])
  })
})

describe('incidents per day', () => {
  const ids = (input: DailyUptimeInput) =>
    computeDailyUptime(input).days.map((d) => d.incidents.map((x) => x.id))

  it('lists an incident on every day it overlaps', () => {
    const input = base({
      incidents: [incident('inc_a', '2026-11-20T22:00:00Z', '2026-11-21T02:00:00Z')],
    })
    expect(ids(input)).toEqual([['inc_a'], ['inc_a'], []])
    expect(computeDailyUptime(input).days[0]?.incidents).toEqual([
      { id: 'inc_a', name: 'Incident inc_a' },
    ])
  })

  it('does not list an incident resolved exactly at midnight on the next day', () => {
    const input = base({
      incidents: [incident('inc_d', '2026-11-20T20:00:00Z', '2026-11-21T00:00:00Z')],
    })
    expect(ids(input)).toEqual([['inc_d'], [], []])
  })

  it('runs an open incident up to now', () => {
    const input = base({
      incidents: [
        incident('inc_c', '2026-11-22T10:00:00Z', null),
        incident('inc_e', '2026-11-01T00:00:00Z', null),
      ],
    })
    expect(ids(input)).toEqual([['inc_e'], ['inc_e'], ['inc_e', 'inc_c']])
  })

  it('skips incidents that do not affect the component', () => {
    const input = base({
      incidents: [incident('inc_b', '2026-11-21T10:00:00Z', '2026-11-21T11:00:00Z', ['cmp_db'])],
    })
    expect(ids(input)).toEqual([[], [], []])
  })

  it('lists an incident that started and resolved in the same instant', () => {
    const input = base({
      incidents: [incident('inc_p', '2026-11-21T10:00:00Z', '2026-11-21T10:00:00Z')],
    })
    expect(ids(input)).toEqual([[], ['inc_p'], []])
  })

  it('orders a day’s incidents by when they started', () => {
    const input = base({
      incidents: [
        incident('inc_late', '2026-11-21T15:00:00Z', '2026-11-21T16:00:00Z'),
        incident('inc_early', '2026-11-21T05:00:00Z', '2026-11-21T06:00:00Z'),
      ],
    })
    expect(ids(input)[1]).toEqual(['inc_early', 'inc_late'])
  })

  it('places incidents on local days', () => {
    // 22:00 UTC on the 20th is 07:00 on the 21st in Tokyo.
    const input = base({
      now: at('2026-11-22T12:00:00Z'),
      timeZone: 'Asia/Tokyo',
      incidents: [incident('inc_t', '2026-11-20T22:00:00Z', '2026-11-20T23:00:00Z')],
    })
    expect(computeDailyUptime(input).days.map((d) => d.date)).toEqual([
      '2026-11-20',
      '2026-11-21',
      '2026-11-22',
    ])
    expect(ids(input)).toEqual([[], ['inc_t'], []])
  })
})
