import { describe, expect, it } from 'vitest'
import {
  addDaysInZone,
  dayKey,
  formatDuration,
  formatInZone,
  isValidTimeZone,
  localDaysEndingAt,
  startOfDayInZone,
  toIsoWithOffset,
  zonedParts,
  zoneOffsetMs,
} from '../../src/domain/time.ts'

const at = (iso: string) => Date.parse(iso)
const HOUR = 3_600_000
const MINUTE = 60_000

describe('isValidTimeZone', () => {
  it('accepts IANA zone names and UTC', () => {
    for (const tz of ['UTC', 'America/New_York', 'Asia/Kolkata', 'Europe/Paris']) {
      expect(isValidTimeZone(tz)).toBe(true)
    }
  })

  it('rejects unknown names, empty strings and non-strings', () => {
    for (const tz of [
      'Mars/Olympus_Mons',
      'America/NewYork',
      '',
      'not a zone',
      undefined,
      5,
      null,
    ]) {
      expect(isValidTimeZone(tz)).toBe(false)
    }
  })
})

describe('zonedParts', () => {
  it('reads the wall clock of a zone behind UTC', () => {
    expect(zonedParts(at('2026-11-22T14:05:09Z'), 'America/New_York')).toEqual({
      year: 2026,
      month: 11,
      day: 22,
      hour: 9,
      minute: 5,
      second: 9,
    })
  })

  it('handles half-hour offsets', () => {
    expect(zonedParts(at('2026-11-22T14:05:09Z'), 'Asia/Kolkata')).toMatchObject({
      hour: 19,
      minute: 35,
    })
  })

  it('rolls the date and year over when the zone is already in tomorrow', () => {
    expect(zonedParts(at('2026-12-31T15:00:00Z'), 'Asia/Tokyo')).toEqual({
      year: 2027,
      month: 1,
      day: 1,
      hour: 0,
      minute: 0,
      second: 0,
    })
  })

  it('reports midnight as hour 0, never 24', () => {
    expect(zonedParts(at('2026-01-01T00:00:00Z'), 'UTC').hour).toBe(0)
  })
})

describe('zoneOffsetMs', () => {
  it('follows daylight saving time', () => {
    expect(zoneOffsetMs(at('2026-01-15T12:00:00Z'), 'America/New_York')).toBe(-5 * HOUR)
    expect(zoneOffsetMs(at('2026-07-15T12:00:00Z'), 'America/New_York')).toBe(-4 * HOUR)
    expect(zoneOffsetMs(at('2026-07-15T12:00:00Z'), 'Asia/Kolkata')).toBe(5.5 * HOUR)
  })
})

describe('startOfDayInZone', () => {
  it('returns local midnight, not UTC midnight', () => {
    // 02:00 UTC on the 22nd is still the evening of the 21st in New York (EST, UTC-5).
    expect(startOfDayInZone(at('2026-11-22T02:00:00Z'), 'America/New_York')).toBe(
      at('2026-11-21T05:00:00Z'),
    )
    expect(startOfDayInZone(at('2026-11-22T02:00:00Z'), 'Asia/Tokyo')).toBe(
      at('2026-11-21T15:00:00Z'),
    )
  })

  it('returns the instant itself when it is exactly midnight', () => {
    expect(startOfDayInZone(at('2026-11-22T00:00:00Z'), 'UTC')).toBe(at('2026-11-22T00:00:00Z'))
  })

  it('puts the last millisecond before midnight on the previous day', () => {
    expect(startOfDayInZone(at('2026-06-15T18:29:59.999Z'), 'Asia/Kolkata')).toBe(
      at('2026-06-14T18:30:00Z'),
    )
    expect(startOfDayInZone(at('2026-06-15T18:30:00Z'), 'Asia/Kolkata')).toBe(
      at('2026-06-15T18:30:00Z'),
    )
  })

  it('makes the spring-forward day 23 hours long in New York', () => {
    const start = startOfDayInZone(at('2026-03-08T20:00:00Z'), 'America/New_York')
    // Midnight on the 8th is still EST (UTC-5); midnight on the 9th is EDT (UTC-4).
    expect(start).toBe(at('2026-03-08T05:00:00Z'))
    expect(startOfDayInZone(at('2026-03-09T20:00:00Z'), 'America/New_York')).toBe(
      at('2026-03-09T04:00:00Z'),
    )
  })

  it('makes the fall-back day 25 hours long in New York', () => {
    expect(startOfDayInZone(at('2026-11-01T20:00:00Z'), 'America/New_York')).toBe(
      at('2026-11-01T04:00:00Z'),
    )
    expect(startOfDayInZone(at('2026-11-02T20:00:00Z'), 'America/New_York')).toBe(
      at('2026-11-02T05:00:00Z'),
    )
  })

  it('starts the day at the transition when midnight itself is skipped', () => {
    // Chile moves 00:00 → 01:00 on 2026-09-06; the day begins at 04:00 UTC, 01:00 local.
    expect(startOfDayInZone(at('2026-09-06T15:00:00Z'), 'America/Santiago')).toBe(
      at('2026-09-06T04:00:00Z'),
    )
  })
})

describe('addDaysInZone', () => {
  const NY = 'America/New_York'

  it('steps over the short day to the next local midnight', () => {
    const mar7 = at('2026-03-07T05:00:00Z')
    expect(addDaysInZone(mar7, 1, NY)).toBe(at('2026-03-08T05:00:00Z'))
    expect(addDaysInZone(mar7, 2, NY)).toBe(at('2026-03-09T04:00:00Z'))
    expect(addDaysInZone(mar7, 2, NY) - addDaysInZone(mar7, 1, NY)).toBe(23 * HOUR)
  })

  it('steps over the long day to the next local midnight', () => {
    const nov1 = at('2026-11-01T04:00:00Z')
    expect(addDaysInZone(nov1, 1, NY)).toBe(at('2026-11-02T05:00:00Z'))
    expect(addDaysInZone(nov1, 1, NY) - nov1).toBe(25 * HOUR)
  })

  it('goes backwards across a transition', () => {
    expect(addDaysInZone(at('2026-03-09T04:00:00Z'), -1, NY)).toBe(at('2026-03-08T05:00:00Z'))
    expect(addDaysInZone(at('2026-03-09T04:00:00Z'), -90, NY)).toBe(at('2025-12-09T05:00:00Z'))
  })

  it('crosses month and year ends', () => {
    expect(addDaysInZone(at('2026-12-31T00:00:00Z'), 1, 'UTC')).toBe(at('2027-01-01T00:00:00Z'))
    expect(addDaysInZone(at('2026-03-01T00:00:00Z'), -1, 'UTC')).toBe(at('2026-02-28T00:00:00Z'))
  })

  it('returns the same midnight for zero days', () => {
    expect(addDaysInZone(at('2026-11-21T15:00:00Z'), 0, 'Asia/Tokyo')).toBe(
      at('2026-11-21T15:00:00Z'),
    )
  })
})

describe('localDaysEndingAt', () => {
  it('lists the days oldest first, ending with the day containing the instant', () => {
    const days = localDaysEndingAt(at('2026-03-09T12:00:00Z'), 'America/New_York', 3)
    expect(days).toEqual([
      { date: '2026-03-07', start: at('2026-03-07T05:00:00Z'), end: at('2026-03-08T05:00:00Z') },
      { date: '2026-03-08', start: at('2026-03-08T05:00:00Z'), end: at('2026-03-09T04:00:00Z') },
      { date: '2026-03-09', start: at('2026-03-09T04:00:00Z'), end: at('2026-03-10T04:00:00Z') },
    ])
  })

  it('starts a day whose midnight is skipped at the transition', () => {
    const days = localDaysEndingAt(at('2026-09-07T15:00:00Z'), 'America/Santiago', 2)
    expect(days.map((d) => d.date)).toEqual(['2026-09-06', '2026-09-07'])
    expect(days[0]?.start).toBe(at('2026-09-06T04:00:00Z'))
    expect(days[0]?.end).toBe(at('2026-09-07T03:00:00Z'))
  })

  it('agrees with startOfDayInZone and addDaysInZone over a whole year in many zones', () => {
    const zones = [
      'UTC',
      'America/New_York',
      'America/Santiago',
      'Europe/London',
      'Asia/Beirut',
      'Australia/Lord_Howe',
      'Pacific/Kiritimati',
      'Pacific/Pago_Pago',
    ]
    for (const tz of zones) {
      const now = at('2026-12-31T12:00:00Z')
      const days = localDaysEndingAt(now, tz, 366)
      const today = startOfDayInZone(now, tz)
      expect(days).toHaveLength(366)
      days.forEach((day, i) => {
        const start = addDaysInZone(today, i - 365, tz)
        expect({ tz, ...day }).toEqual({
          tz,
          date: dayKey(start, tz),
          start,
          end: addDaysInZone(today, i - 364, tz),
        })
      })
    }
  })

  it('returns no days for a count of zero', () => {
    expect(localDaysEndingAt(at('2026-11-22T12:00:00Z'), 'UTC', 0)).toEqual([])
  })
})

describe('dayKey', () => {
  it('names the local calendar day', () => {
    const ms = at('2026-11-22T02:00:00Z')
    expect(dayKey(ms, 'UTC')).toBe('2026-11-22')
    expect(dayKey(ms, 'America/New_York')).toBe('2026-11-21')
    expect(dayKey(at('2026-03-08T15:00:00Z'), 'Asia/Tokyo')).toBe('2026-03-09')
  })
})

describe('formatInZone', () => {
  const ms = at('2026-11-22T14:05:00Z')

  it('writes date, 24-hour time and the zone abbreviation', () => {
    expect(formatInZone(ms, 'UTC', 'datetime')).toBe('Nov 22, 2026, 14:05 UTC')
    expect(formatInZone(ms, 'America/New_York', 'datetime')).toBe('Nov 22, 2026, 09:05 EST')
    expect(formatInZone(at('2026-07-04T16:00:00Z'), 'America/New_York', 'datetime')).toBe(
      'Jul 4, 2026, 12:00 EDT',
    )
  })

  it('uses the familiar European abbreviations rather than GMT offsets', () => {
    expect(formatInZone(ms, 'Europe/Paris', 'datetime')).toBe('Nov 22, 2026, 15:05 CET')
    expect(formatInZone(at('2026-07-01T09:30:00Z'), 'Europe/London', 'datetime')).toBe(
      'Jul 1, 2026, 10:30 BST',
    )
  })

  it('falls back to a GMT offset where no abbreviation exists', () => {
    expect(formatInZone(ms, 'Asia/Tokyo', 'datetime')).toBe('Nov 22, 2026, 23:05 GMT+9')
  })

  it('writes the date alone, in the zone', () => {
    expect(formatInZone(ms, 'UTC', 'date')).toBe('Nov 22, 2026')
    expect(formatInZone(at('2026-11-22T03:00:00Z'), 'America/New_York', 'date')).toBe(
      'Nov 21, 2026',
    )
  })

  it('writes the time alone with two-digit hours and midnight as 00', () => {
    expect(formatInZone(ms, 'UTC', 'time')).toBe('14:05')
    expect(formatInZone(ms, 'America/New_York', 'time')).toBe('09:05')
    expect(formatInZone(at('2026-11-22T00:00:00Z'), 'UTC', 'time')).toBe('00:00')
  })

  it('writes the month in full', () => {
    expect(formatInZone(ms, 'UTC', 'month')).toBe('November 2026')
    expect(formatInZone(at('2026-11-30T16:00:00Z'), 'Asia/Tokyo', 'month')).toBe('December 2026')
  })

  it('keeps formatters apart per zone and per style', () => {
    // Interleaved calls would return a wrong zone or shape if the cache key missed either part.
    expect(formatInZone(ms, 'UTC', 'time')).toBe('14:05')
    expect(formatInZone(ms, 'Asia/Kolkata', 'time')).toBe('19:35')
    expect(formatInZone(ms, 'UTC', 'date')).toBe('Nov 22, 2026')
    expect(formatInZone(ms, 'UTC', 'time')).toBe('14:05')
  })
})

describe('toIsoWithOffset', () => {
  const ms = at('2026-11-22T14:05:00Z')

  it('writes local time with the numeric offset', () => {
    expect(toIsoWithOffset(ms, 'America/New_York')).toBe('2026-11-22T09:05:00-05:00')
    expect(toIsoWithOffset(at('2026-07-01T14:05:00Z'), 'America/New_York')).toBe(
      '2026-07-01T10:05:00-04:00',
    )
    expect(toIsoWithOffset(ms, 'Asia/Kolkata')).toBe('2026-11-22T19:35:00+05:30')
    expect(toIsoWithOffset(ms, 'America/St_Johns')).toBe('2026-11-22T10:35:00-03:30')
  })

  it('writes UTC as +00:00, never Z', () => {
    expect(toIsoWithOffset(ms, 'UTC')).toBe('2026-11-22T14:05:00+00:00')
  })

  it('drops milliseconds and still parses back to the same second', () => {
    const iso = toIsoWithOffset(at('2026-11-22T14:05:07.999Z'), 'Asia/Tokyo')
    expect(iso).toBe('2026-11-22T23:05:07+09:00')
    expect(Date.parse(iso)).toBe(at('2026-11-22T14:05:07Z'))
  })
})

describe('formatDuration', () => {
  it.each([
    [0, '< 1m'],
    [59_999, '< 1m'],
    [-5 * MINUTE, '< 1m'],
    [MINUTE, '1m'],
    [45 * MINUTE + 59_000, '45m'],
    [2 * HOUR, '2h'],
    [2 * HOUR + 15 * MINUTE, '2h 15m'],
    [23 * HOUR + 59 * MINUTE + 59_000, '23h 59m'],
    [24 * HOUR, '1d'],
    [3 * 24 * HOUR + 4 * HOUR + 59 * MINUTE, '3d 4h'],
  ])('writes %d ms as %s', (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected)
  })
})
