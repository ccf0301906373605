import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parsePostmortem, parseTimeOfDay } from '../../../src/domain/postmortem/index.ts'
import { MINUTE_MS, zonedParts, zoneOffsetMs, type ZonedParts } from '../../../src/domain/time.ts'

// Property tests: whatever way a time, a date and a zone are written, reading them back gives the
// instant that was written; and an outage rendered as local times gives back its duration, across
// midnight, across days and across DST changes.

const HOUR_MS = 60 * MINUTE_MS
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
]
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']
const pad = (n: number, width = 2) => String(n).padStart(width, '0')

// --- How people write a minute of the day.
type TimeStyle = (hour: number, minute: number) => string
const h12 = (h: number) => (h % 12 === 0 ? 12 : h % 12)
const ap = (h: number) => (h < 12 ? 'AM' : 'PM')
const TWELVE_HOUR: TimeStyle[] = [
  (h, m) => `${h12(h)}:${pad(m)} ${ap(h)}`,
  (h, m) => `${pad(h12(h))}:${pad(m)} ${ap(h)}`,
  (h, m) => `${h12(h)}:${pad(m)}${ap(h).toLowerCase()}`,
  (h, m) => `${h12(h)}:${pad(m)} ${ap(h) === 'AM' ? 'a.m.' : 'p.m.'}`,
]
const TWENTY_FOUR_HOUR: TimeStyle[] = [
  (h, m) => `${pad(h)}:${pad(m)}`,
  (h, m) => `${h}:${pad(m)}`,
  (h, m) => `${pad(h)}:${pad(m)}:00`,
]
const ALL_TIMES = [...TWELVE_HOUR, ...TWENTY_FOUR_HOUR]

// --- How people write a day.
type DateStyle = (p: ZonedParts) => string
const weekday = (p: ZonedParts) =>
  WEEKDAYS[new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay()]
const DATES: DateStyle[] = [
  (p) => `${MONTHS[p.month - 1]} ${p.day}, ${p.year}`,
  (p) => `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`,
  (p) => `${MONTHS[p.month - 1]!.slice(0, 3)} ${p.day}, ${p.year}`,
  (p) => `${p.day} ${MONTHS[p.month - 1]!.slice(0, 3)} ${p.year}`,
  (p) => `${p.day} ${MONTHS[p.month - 1]} ${p.year}`,
  (p) => `${weekday(p)}, ${MONTHS[p.month - 1]} ${p.day}, ${p.year}`,
]

// Zones with and without DST, half-hour and 45-minute offsets, both hemispheres.
const ZONES = [
  'UTC',
  'America/New_York',
  'America/Los_Angeles',
  'America/St_Johns',
  'America/Sao_Paulo',
  'Europe/London',
  'Europe/Berlin',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Asia/Tokyo',
  'Australia/Sydney',
  'Pacific/Auckland',
]

const minuteOfDay = fc.integer({ min: 0, max: 24 * 60 - 1 })
const zone = fc.constantFrom(...ZONES)
const dateStyle = fc.constantFrom(...DATES)
const timeStyle = fc.constantFrom(...ALL_TIMES)

// Anywhere in 2000–2037, with extra weight on the days clocks change.
const TRANSITIONS = [
  Date.UTC(2024, 2, 10, 10), // US spring forward
  Date.UTC(2024, 10, 3, 6), // US fall back
  Date.UTC(2024, 2, 31, 1), // EU spring forward
  Date.UTC(2024, 9, 27, 1), // EU fall back
  Date.UTC(2024, 3, 6, 16), // Sydney fall back
  Date.UTC(2024, 9, 5, 16), // Sydney spring forward
]
const instant = fc.oneof(
  fc
    .integer({ min: Date.UTC(2000, 0, 1) / MINUTE_MS, max: Date.UTC(2037, 11, 31) / MINUTE_MS })
    .map((m) => m * MINUTE_MS),
  fc
    .tuple(fc.constantFrom(...TRANSITIONS), fc.integer({ min: -36 * 60, max: 36 * 60 }))
    .map(([t, m]) => t + m * MINUTE_MS),
)

const sameWall = (a: ZonedParts, b: ZonedParts) =>
  a.year === b.year &&
  a.month === b.month &&
  a.day === b.day &&
  a.hour === b.hour &&
  a.minute === b.minute

// Another instant within three hours shows the same wall clock: the repeated hour of a fall-back.
function ambiguous(ms: number, tz: string): boolean {
  const wall = zonedParts(ms, tz)
  return [-3, -2, -1, -0.5, 0.5, 1, 2, 3].some((h) =>
    sameWall(zonedParts(ms + h * HOUR_MS, tz), wall),
  )
}

const write = (p: ZonedParts, date: DateStyle, time: TimeStyle) =>
  `${date(p)}, ${time(p.hour, p.minute)}`

describe('time parsing properties', () => {
  it('reads any h:mm AM/PM and any 24-hour time as the same minute of the day', () => {
    fc.assert(
      fc.property(
        minuteOfDay,
        fc.constantFrom(...TWELVE_HOUR),
        fc.constantFrom(...TWENTY_FOUR_HOUR),
        (minute, twelve, twentyFour) => {
          const h = Math.floor(minute / 60)
          const m = minute % 60
          expect(parseTimeOfDay(twelve(h, m))).toBe(minute)
          expect(parseTimeOfDay(twentyFour(h, m))).toBe(minute)
        },
      ),
      { numRuns: 300 },
    )
  })

  it('reads a timeline time the same however the entry is decorated', () => {
    const decorations: ((t: string) => string)[] = [
      (t) => `- ${t}: Alert fired`,
      (t) => `- **${t}** - Alert fired`,
      (t) => `**${t}** - Alert fired`,
      (t) => `* [${t}] Alert fired`,
      (t) => `1. ${t} — Alert fired`,
      (t) => `${t} Alert fired`,
      (t) => `At ${t}, the alert fired.`,
      (t) => `| ${t} | Alert fired |`,
      (t) => `### ${t} — Alert fired`,
    ]
    fc.assert(
      fc.property(
        minuteOfDay,
        timeStyle,
        fc.constantFrom(...decorations),
        (minute, style, deco) => {
          const h = Math.floor(minute / 60)
          const m = minute % 60
          const doc = `Date: 2024-03-04\nTime zone: UTC\n\n## Timeline\n\n${deco(style(h, m))}\n`
          const parsed = parsePostmortem(doc)
          expect(parsed.events).toHaveLength(1)
          expect(parsed.events[0]?.at).toBe(Date.UTC(2024, 2, 4, h, m))
          expect(parsed.events[0]?.body).toMatch(/alert fired/i)
        },
      ),
      { numRuns: 300 },
    )
  })

  it('reads an instant written as local date and time in a named zone back as that instant', () => {
    fc.assert(
      fc.property(instant, zone, dateStyle, timeStyle, (ms, tz, date, time) => {
        const p = zonedParts(ms, tz)
        const doc = `# Round trip\n\n**Time zone:** ${tz}\n**Started:** ${write(p, date, time)}\n`
        const parsed = parsePostmortem(doc)
        expect(parsed.timeZone).toBe(tz)
        // In the repeated hour of a fall-back the wall time names two instants; like the console,
        // the reader takes the earlier one.
        const expected = ambiguous(ms, tz)
          ? Math.min(
              ...[-2, -1, -0.5, 0]
                .map((h) => ms + h * HOUR_MS)
                .filter((c) => sameWall(zonedParts(c, tz), p)),
            )
          : ms
        expect(parsed.startedAt).toBe(expected)
      }),
      { numRuns: 400 },
    )
  })

  it('reads an instant written with an explicit UTC offset back as exactly that instant', () => {
    fc.assert(
      fc.property(instant, zone, fc.boolean(), (ms, tz, iso) => {
        const p = zonedParts(ms, tz)
        const offset = Math.round(zoneOffsetMs(ms, tz) / MINUTE_MS)
        const sign = offset < 0 ? '-' : '+'
        const hhmm = `${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`
        const day = `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`
        const clock = `${pad(p.hour)}:${pad(p.minute)}`
        const started = iso
          ? `${day}T${clock}:00${sign}${hhmm}`
          : `${day} ${clock} UTC${sign}${hhmm}`
        const parsed = parsePostmortem(`# Offsets\n\nStarted: ${started}\n`)
        expect(parsed.startedAt).toBe(ms)
      }),
      { numRuns: 300 },
    )
  })
})

describe('duration properties across zones, midnight and DST', () => {
  const duration = fc.integer({ min: 1, max: 5 * 24 * 60 }).map((m) => m * MINUTE_MS)

  it('gives back the duration of an outage written as local dates and times', () => {
    fc.assert(
      fc.property(
        instant,
        duration,
        zone,
        dateStyle,
        timeStyle,
        (start, length, tz, date, time) => {
          const end = start + length
          fc.pre(!ambiguous(start, tz) && !ambiguous(end, tz))
          const a = zonedParts(start, tz)
          const b = zonedParts(end, tz)
          const doc = [
            '# Duration round trip',
            '',
            `**Time zone:** ${tz}`,
            `**Duration:** ${write(a, date, time)} – ${write(b, date, time)}`,
            '',
            '## Timeline',
            '',
            `- ${write(a, date, time)}: Error-rate alert fired`,
            `- ${write(b, date, time)}: Service fully restored`,
          ].join('\n')
          const parsed = parsePostmortem(doc)
          expect(parsed.startedAt).toBe(start)
          expect(parsed.resolvedAt! - parsed.startedAt!).toBe(length)
          expect(parsed.events.map((e) => e.at)).toEqual([start, end])
        },
      ),
      { numRuns: 300 },
    )
  })

  it('gives back the durations of a timeline written with times only after one date', () => {
    // Without dates on the events, the reader carries the day forward and rolls over when the
    // clock goes back past midnight; steps up to 18 hours keep that unambiguous.
    const steps = fc.array(fc.integer({ min: 1, max: 18 * 60 }), { minLength: 1, maxLength: 6 })
    fc.assert(
      fc.property(instant, steps, zone, timeStyle, (start, stepMinutes, tz, time) => {
        const instants = [start]
        for (const s of stepMinutes) instants.push(instants.at(-1)! + s * MINUTE_MS)
        fc.pre(instants.every((ms) => !ambiguous(ms, tz)))
        const first = zonedParts(start, tz)
        const lines = instants.map((ms, i) => {
          const p = zonedParts(ms, tz)
          const what = i === instants.length - 1 ? 'Service fully restored' : `Step ${i + 1} done`
          return `- ${time(p.hour, p.minute)} — ${what}`
        })
        const doc = [
          '# Times only',
          '',
          `Date: ${pad(first.year, 4)}-${pad(first.month)}-${pad(first.day)}`,
          `Time zone: ${tz}`,
          '',
          '## Timeline',
          '',
          ...lines,
        ].join('\n')
        const parsed = parsePostmortem(doc)
        expect(parsed.events.map((e) => e.at)).toEqual(instants)
        expect(parsed.resolvedAt! - parsed.startedAt!).toBe(instants.at(-1)! - start)
      }),
      { numRuns: 300 },
    )
  })

  it('rolls a one-date summary range over midnight', () => {
    const underADay = fc.integer({ min: 1, max: 20 * 60 }).map((m) => m * MINUTE_MS)
    fc.assert(
      fc.property(
        instant,
        underADay,
        zone,
        dateStyle,
        timeStyle,
        (start, length, tz, date, time) => {
          const end = start + length
          fc.pre(!ambiguous(start, tz) && !ambiguous(end, tz))
          const a = zonedParts(start, tz)
          const b = zonedParts(end, tz)
          const doc = `# One date\n\nTime zone: ${tz}\nDuration: ${write(a, date, time)} to ${time(b.hour, b.minute)}\n`
          const parsed = parsePostmortem(doc)
          expect(parsed.startedAt).toBe(start)
          expect(parsed.resolvedAt! - parsed.startedAt!).toBe(length)
        },
      ),
      { numRuns: 300 },
    )
  })
})
