import { describe, expect, it } from 'vitest'
import {
  localDateTimeToMs,
  msToLocalDateTime,
  parseLocalDateTime,
} from '../../src/domain/local-time.ts'

const at = (iso: string) => Date.parse(iso)

describe('localDateTimeToMs', () => {
  it('reads a wall time in UTC as that instant', () => {
    expect(localDateTimeToMs('2026-11-22T12:30', 'UTC')).toBe(at('2026-11-22T12:30:00Z'))
  })

  it('reads a wall time in a zone behind UTC', () => {
    // New York is on EST (−05:00) in November.
    expect(localDateTimeToMs('2026-11-22T09:15', 'America/New_York')).toBe(
      at('2026-11-22T14:15:00Z'),
    )
  })

  it('reads a wall time in a half-hour zone and across a date line', () => {
    expect(localDateTimeToMs('2026-01-01T03:00', 'Asia/Kolkata')).toBe(at('2025-12-31T21:30:00Z'))
    expect(localDateTimeToMs('2026-01-01T00:00', 'Pacific/Kiritimati')).toBe(
      at('2025-12-31T10:00:00Z'),
    )
  })

  it('uses the summer offset in summer', () => {
    expect(localDateTimeToMs('2026-07-01T12:00', 'Europe/Paris')).toBe(at('2026-07-01T10:00:00Z'))
  })

  it('accepts seconds, as some browsers send them', () => {
    expect(localDateTimeToMs('2026-11-22T12:30:45', 'UTC')).toBe(at('2026-11-22T12:30:45Z'))
  })

  it('reads a time skipped by spring-forward with the offset before the jump', () => {
    // 2026-03-08 02:30 never happens in New York (01:59 EST is followed by 03:00 EDT); read with
    // EST it is 07:30Z, which the wall clock shows as 03:30 EDT.
    const ms = localDateTimeToMs('2026-03-08T02:30', 'America/New_York')
    expect(ms).toBe(at('2026-03-08T07:30:00Z'))
    expect(msToLocalDateTime(ms, 'America/New_York')).toBe('2026-03-08T03:30')
  })

  it('reads a time repeated by fall-back as its first occurrence', () => {
    // 2026-11-01 01:30 happens at 05:30Z (EDT) and again at 06:30Z (EST).
    expect(localDateTimeToMs('2026-11-01T01:30', 'America/New_York')).toBe(
      at('2026-11-01T05:30:00Z'),
    )
    // Europe: 2026-10-25 02:30 happens at 00:30Z (CEST) and at 01:30Z (CET).
    expect(localDateTimeToMs('2026-10-25T02:30', 'Europe/Berlin')).toBe(at('2026-10-25T00:30:00Z'))
  })

  it('handles the times just around a transition exactly', () => {
    expect(localDateTimeToMs('2026-03-08T01:59', 'America/New_York')).toBe(
      at('2026-03-08T06:59:00Z'),
    )
    expect(localDateTimeToMs('2026-03-08T03:00', 'America/New_York')).toBe(
      at('2026-03-08T07:00:00Z'),
    )
    expect(localDateTimeToMs('2026-11-01T02:00', 'America/New_York')).toBe(
      at('2026-11-01T07:00:00Z'),
    )
  })

  it('throws on a malformed value', () => {
    expect(() => localDateTimeToMs('yesterday', 'UTC')).toThrow(RangeError)
  })
})

describe('parseLocalDateTime', () => {
  it.each([
    '',
    '2026-11-22',
    '2026-11-22 12:30',
    '2026-13-01T00:00',
    '2026-02-30T10:00',
    '2026-11-22T24:00',
    '2026-11-22T12:60',
    '22/11/2026T12:30',
    '2026-11-22T12:30Z',
  ])('rejects %j', (value) => {
    expect(parseLocalDateTime(value, 'UTC')).toBeNull()
  })

  it('accepts the leap day of a leap year only', () => {
    expect(parseLocalDateTime('2028-02-29T00:00', 'UTC')).toBe(at('2028-02-29T00:00:00Z'))
    expect(parseLocalDateTime('2026-02-29T00:00', 'UTC')).toBeNull()
  })
})

describe('msToLocalDateTime', () => {
  it('shows an instant as the zone wall clock, without seconds', () => {
    expect(msToLocalDateTime(at('2026-11-22T14:15:59Z'), 'America/New_York')).toBe(
      '2026-11-22T09:15',
    )
    expect(msToLocalDateTime(at('2026-11-22T14:15:00Z'), 'UTC')).toBe('2026-11-22T14:15')
  })

  it('round-trips every quarter hour of a DST-changing day, except the skipped hour', () => {
    const tz = 'Europe/London'
    // 2026-03-29: 01:00 GMT jumps to 02:00 BST; walk the instants of that day.
    for (let ms = at('2026-03-28T23:00:00Z'); ms < at('2026-03-29T23:00:00Z'); ms += 15 * 60_000) {
      expect(localDateTimeToMs(msToLocalDateTime(ms, tz), tz)).toBe(ms)
    }
  })

  it('round-trips the first occurrence of a repeated hour', () => {
    const tz = 'Europe/London'
    const first = at('2026-10-25T00:30:00Z') // 01:30 BST
    const second = at('2026-10-25T01:30:00Z') // 01:30 GMT
    expect(msToLocalDateTime(first, tz)).toBe('2026-10-25T01:30')
    expect(msToLocalDateTime(second, tz)).toBe('2026-10-25T01:30')
    expect(localDateTimeToMs('2026-10-25T01:30', tz)).toBe(first)
  })
})
