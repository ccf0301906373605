import { HOUR_MS, zonedParts, zoneOffsetMs } from './time.ts'

// `<input type="datetime-local">` values are wall-clock times with no zone: the console reads them
// in the page's time zone. A wall time can be ambiguous around DST transitions; we resolve both
// cases with the offset in force *before* the transition (what Temporal calls 'compatible'):
// - overlap (fall back, 01:30 happens twice): the earlier instant, i.e. the first 01:30;
// - gap (spring forward, 02:30 never happens): read with the pre-transition offset, so it lands
//   on the instant the clock would have shown 02:30 had it not jumped (03:30 in the new offset).

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?$/

/** The wall time as if it were UTC (ms), or null when the value is not a real date and time. */
function wallFromLocal(value: string): number | null {
  const m = LOCAL_DATE_TIME.exec(value.trim())
  if (!m) return null
  const [year, month, day, hour, minute, second] = m.slice(1).map((v) => Number(v ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ]
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return null
  const wall = Date.UTC(year, month - 1, day, hour, minute, second)
  // Date.UTC rolls 2026-02-30 over to March; a date that does not exist is invalid instead.
  if (new Date(wall).getUTCDate() !== day) return null
  return wall
}

/** The instant a local date-time names in `tz`, or null for a malformed value. */
export function parseLocalDateTime(value: string, tz: string): number | null {
  const wall = wallFromLocal(value)
  if (wall === null) return null
  // Offsets lie within −12 h…+14 h, so the instant lies within wall ± 14 h and these two probes
  // see the offsets on both sides of any transition near it.
  const before = zoneOffsetMs(wall - 15 * HOUR_MS, tz)
  const after = zoneOffsetMs(wall + 15 * HOUR_MS, tz)
  const valid = [before, after]
    .map((offset) => wall - offset)
    .filter((instant) => zoneOffsetMs(instant, tz) === wall - instant)
  if (valid.length === 0) return wall - before // a gap
  return Math.min(...valid) // an overlap keeps the earlier instant
}

/** Like parseLocalDateTime, for values already known to be well-formed; throws RangeError otherwise. */
export function localDateTimeToMs(value: string, tz: string): number {
  const ms = parseLocalDateTime(value, tz)
  if (ms === null) throw new RangeError(`not a local date and time: ${JSON.stringify(value)}`)
  return ms
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0')

/** 'YYYY-MM-DDTHH:mm' in `tz`: the value a datetime-local input shows (seconds are dropped). */
export function msToLocalDateTime(ms: number, tz: string): string {
  const p = zonedParts(ms, tz)
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`
}
