import { describe, expect, it } from 'vitest'
import type { IncidentStatus } from '../../src/domain/enums.ts'
import {
  compareEvents,
  deriveIncidentStatus,
  latestStatusEvent,
  resolvedAtFromEvents,
  sortTimelineNewestFirst,
  sortTimelineOldestFirst,
} from '../../src/domain/incident-status.ts'

const at = (hhmm: string) => Date.parse(`2026-11-22T${hhmm}:00Z`)
const ev = (id: string, time: string, status: IncidentStatus | null) => ({
  id,
  at: at(time),
  status,
})

describe('deriveIncidentStatus', () => {
  it('falls back to investigating when no event carries a status', () => {
    expect(deriveIncidentStatus([])).toBe('investigating')
    expect(deriveIncidentStatus([ev('e1', '10:00', null)])).toBe('investigating')
  })

  it('uses the given fallback when no event carries a status', () => {
    expect(deriveIncidentStatus([], 'monitoring')).toBe('monitoring')
  })

  it('takes the status of the latest event', () => {
    const events = [
      ev('e1', '10:00', 'investigating'),
      ev('e2', '10:20', 'identified'),
      ev('e3', '11:00', 'monitoring'),
    ]
    expect(deriveIncidentStatus(events)).toBe('monitoring')
  })

  it('does not depend on the order events are given in', () => {
    const events = [
      ev('e3', '11:00', 'monitoring'),
      ev('e1', '10:00', 'investigating'),
      ev('e2', '10:20', 'identified'),
    ]
    expect(deriveIncidentStatus(events)).toBe('monitoring')
    expect(deriveIncidentStatus([...events].reverse())).toBe('monitoring')
  })

  it('does not let a backdated event override the present status', () => {
    // e3 was posted last (highest id) but backdated to before e2.
    const events = [
      ev('e1', '10:00', 'investigating'),
      ev('e2', '10:30', 'identified'),
      ev('e3', '10:15', 'monitoring'),
    ]
    expect(deriveIncidentStatus(events)).toBe('identified')
  })

  it('ignores later events that carry no status', () => {
    const events = [ev('e1', '10:00', 'identified'), ev('e2', '12:00', null)]
    expect(deriveIncidentStatus(events)).toBe('identified')
  })

  it('breaks a tie on time by the later id', () => {
    const a = ev('01JD0000000000000000000001', '10:00', 'identified')
    const b = ev('01JD0000000000000000000002', '10:00', 'monitoring')
    expect(deriveIncidentStatus([a, b])).toBe('monitoring')
    expect(deriveIncidentStatus([b, a])).toBe('monitoring')
  })

  it('compares ids by code unit, as the database orders them, not by locale', () => {
    // 'a' (0x61) sorts after 'Z' (0x5A) by code unit; a locale collation puts it first.
    const upper = ev('Z1', '10:00', 'identified')
    const lower = ev('a1', '10:00', 'monitoring')
    expect(deriveIncidentStatus([lower, upper])).toBe('monitoring')
  })

  it('lets a later event reopen a resolved incident', () => {
    const events = [ev('e1', '10:00', 'resolved'), ev('e2', '10:05', 'investigating')]
    expect(deriveIncidentStatus(events)).toBe('investigating')
  })
})

describe('latestStatusEvent', () => {
  it('returns the winning event itself', () => {
    const winner = ev('e2', '10:30', 'identified')
    expect(latestStatusEvent([ev('e1', '10:00', 'investigating'), winner])).toBe(winner)
  })

  it('returns null when no event carries a status', () => {
    expect(latestStatusEvent([ev('e1', '10:00', null)])).toBeNull()
  })
})

describe('resolvedAtFromEvents', () => {
  it('is the time of the resolving event when resolved wins', () => {
    const events = [ev('e1', '10:00', 'investigating'), ev('e2', '11:45', 'resolved')]
    expect(resolvedAtFromEvents(events)).toBe(at('11:45'))
  })

  it('is null while the incident is open', () => {
    expect(resolvedAtFromEvents([ev('e1', '10:00', 'monitoring')])).toBeNull()
    expect(resolvedAtFromEvents([])).toBeNull()
  })

  it('is null once a later event reopens the incident', () => {
    const events = [ev('e1', '11:00', 'resolved'), ev('e2', '11:30', 'investigating')]
    expect(resolvedAtFromEvents(events)).toBeNull()
  })

  it('ignores a backdated resolution that does not win', () => {
    const events = [ev('e1', '11:00', 'monitoring'), ev('e2', '10:50', 'resolved')]
    expect(resolvedAtFromEvents(events)).toBeNull()
  })

  it('takes the last resolution when an incident was resolved twice', () => {
    const events = [
      ev('e1', '10:00', 'resolved'),
      ev('e2', '10:10', 'investigating'),
      ev('e3', '12:00', 'resolved'),
      ev('e4', '12:30', null),
    ]
    expect(resolvedAtFromEvents(events)).toBe(at('12:00'))
  })
})

describe('compareEvents and timeline sorting', () => {
  const events = [
    { id: 'b', at: at('10:00') },
    { id: 'c', at: at('09:00') },
    { id: 'a', at: at('10:00') },
    { id: 'd', at: at('11:00') },
  ]

  it('orders by time, then by id', () => {
    expect(compareEvents({ id: 'z', at: 1 }, { id: 'a', at: 2 })).toBeLessThan(0)
    expect(compareEvents({ id: 'b', at: 2 }, { id: 'a', at: 2 })).toBeGreaterThan(0)
    expect(compareEvents({ id: 'a', at: 2 }, { id: 'a', at: 2 })).toBe(0)
  })

  it('sorts oldest first', () => {
    expect(sortTimelineOldestFirst(events).map((e) => e.id)).toEqual(['c', 'a', 'b', 'd'])
  })

  it('sorts newest first', () => {
    expect(sortTimelineNewestFirst(events).map((e) => e.id)).toEqual(['d', 'b', 'a', 'c'])
  })

  it('leaves the given array untouched', () => {
    const before = events.map((e) => e.id)
    sortTimelineOldestFirst(events)
    sortTimelineNewestFirst(events)
    expect(events.map((e) => e.id)).toEqual(before)
  })
})
