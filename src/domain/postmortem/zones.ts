import { isValidTimeZone, MINUTE_MS, zonedParts, zoneOffsetMs } from '../time.ts'

// How documents name time zones, and how a name becomes something we can compute with. People
// write the abbreviation of their region (often "EST" all year), so an abbreviation maps to the
// region's IANA zone and the wall time is read as local time there; `dst` lets the parser say so
// when the abbreviation disagrees with the season.

export interface ZoneRef {
  /** IANA name used to read wall times and to render them back. */
  tz: string
  /** What the document wrote, for messages. */
  written: string
  /** true/false when the abbreviation names summer or winter time; null when it does not say. */
  dst: boolean | null
  /** Set for explicit numeric offsets: wall times are read with exactly this offset. */
  offsetMinutes: number | null
}

interface Abbreviation {
  tz: string
  dst: boolean | null
}

const ABBREVIATIONS: Record<string, Abbreviation> = {
  UTC: { tz: 'UTC', dst: null },
  GMT: { tz: 'UTC', dst: null },
  Z: { tz: 'UTC', dst: null },
  PST: { tz: 'America/Los_Angeles', dst: false },
  PDT: { tz: 'America/Los_Angeles', dst: true },
  PT: { tz: 'America/Los_Angeles', dst: null },
  MST: { tz: 'America/Denver', dst: false },
  MDT: { tz: 'America/Denver', dst: true },
  MT: { tz: 'America/Denver', dst: null },
  CST: { tz: 'America/Chicago', dst: false },
  CDT: { tz: 'America/Chicago', dst: true },
  CT: { tz: 'America/Chicago', dst: null },
  EST: { tz: 'America/New_York', dst: false },
  EDT: { tz: 'America/New_York', dst: true },
  ET: { tz: 'America/New_York', dst: null },
  AKST: { tz: 'America/Anchorage', dst: false },
  AKDT: { tz: 'America/Anchorage', dst: true },
  HST: { tz: 'Pacific/Honolulu', dst: false },
  AST: { tz: 'America/Halifax', dst: false },
  ADT: { tz: 'America/Halifax', dst: true },
  NST: { tz: 'America/St_Johns', dst: false },
  NDT: { tz: 'America/St_Johns', dst: true },
  BRT: { tz: 'America/Sao_Paulo', dst: false },
  ART: { tz: 'America/Argentina/Buenos_Aires', dst: false },
  WET: { tz: 'Europe/Lisbon', dst: false },
  WEST: { tz: 'Europe/Lisbon', dst: true },
  BST: { tz: 'Europe/London', dst: true },
  IST: { tz: 'Asia/Kolkata', dst: null },
  CET: { tz: 'Europe/Paris', dst: false },
  CEST: { tz: 'Europe/Paris', dst: true },
  MET: { tz: 'Europe/Paris', dst: false },
  MEST: { tz: 'Europe/Paris', dst: true },
  EET: { tz: 'Europe/Athens', dst: false },
  EEST: { tz: 'Europe/Athens', dst: true },
  MSK: { tz: 'Europe/Moscow', dst: null },
  TRT: { tz: 'Europe/Istanbul', dst: null },
  GST: { tz: 'Asia/Dubai', dst: null },
  PKT: { tz: 'Asia/Karachi', dst: null },
  NPT: { tz: 'Asia/Kathmandu', dst: null },
  ICT: { tz: 'Asia/Bangkok', dst: null },
  WIB: { tz: 'Asia/Jakarta', dst: null },
  SGT: { tz: 'Asia/Singapore', dst: null },
  HKT: { tz: 'Asia/Hong_Kong', dst: null },
  PHT: { tz: 'Asia/Manila', dst: null },
  JST: { tz: 'Asia/Tokyo', dst: null },
  KST: { tz: 'Asia/Seoul', dst: null },
  AWST: { tz: 'Australia/Perth', dst: null },
  ACST: { tz: 'Australia/Adelaide', dst: false },
  ACDT: { tz: 'Australia/Adelaide', dst: true },
  AEST: { tz: 'Australia/Sydney', dst: false },
  AEDT: { tz: 'Australia/Sydney', dst: true },
  NZST: { tz: 'Pacific/Auckland', dst: false },
  NZDT: { tz: 'Pacific/Auckland', dst: true },
  SAST: { tz: 'Africa/Johannesburg', dst: null },
  WAT: { tz: 'Africa/Lagos', dst: null },
  CAT: { tz: 'Africa/Maputo', dst: null },
  EAT: { tz: 'Africa/Nairobi', dst: null },
}

const LONG_NAMES: [RegExp, string][] = [
  [/^pacific(?: (?:standard|daylight))? time$/i, 'PT'],
  [/^mountain(?: (?:standard|daylight))? time$/i, 'MT'],
  [/^central european(?: summer)? time$/i, 'CET'],
  [/^central(?: (?:standard|daylight))? time$/i, 'CT'],
  [/^eastern(?: (?:standard|daylight))? time$/i, 'ET'],
  [/^coordinated universal time$/i, 'UTC'],
  [/^greenwich mean time$/i, 'GMT'],
  [/^british summer time$/i, 'BST'],
  [/^indian standard time$/i, 'IST'],
]

// Offsets that are not whole hours have no Etc/ zone; these zones keep them all year.
const FRACTIONAL_OFFSET_ZONES: Record<number, string> = {
  [5 * 60 + 30]: 'Asia/Kolkata',
  [5 * 60 + 45]: 'Asia/Kathmandu',
  [6 * 60 + 30]: 'Asia/Yangon',
  [4 * 60 + 30]: 'Asia/Kabul',
  [9 * 60 + 30]: 'Australia/Darwin',
  [8 * 60 + 45]: 'Australia/Eucla',
  [-(9 * 60 + 30)]: 'Pacific/Marquesas',
}

/** The zone pattern source used inside larger regular expressions (case-sensitive). */
export const ZONE_ABBREVIATION_SOURCE = Object.keys(ABBREVIATIONS)
  .filter((k) => k !== 'Z')
  .sort((a, b) => b.length - a.length)
  .join('|')

export const IANA_SOURCE =
  '(?:Africa|America|Antarctica|Asia|Atlantic|Australia|Europe|Indian|Pacific|Etc)/[A-Za-z_+-]+(?:/[A-Za-z_+-]+)?'

// Bare negative offsets are left out: after a time, "-10:45" is far more often the end of a range.
export const OFFSET_SOURCE = '(?:UTC|GMT)[+\\u2212-]\\d{1,2}(?::?\\d{2})?|\\+\\d{2}:?\\d{2}'

function offsetZone(minutes: number, written: string): ZoneRef {
  let tz: string | undefined
  if (minutes === 0) tz = 'UTC'
  else if (minutes % 60 === 0 && Math.abs(minutes) <= 14 * 60) {
    // Etc/GMT signs are inverted: Etc/GMT-2 is two hours ahead of UTC.
    const hours = minutes / 60
    tz = `Etc/GMT${hours > 0 ? '-' : '+'}${Math.abs(hours)}`
  } else tz = FRACTIONAL_OFFSET_ZONES[minutes]
  return { tz: tz ?? 'UTC', written, dst: null, offsetMinutes: minutes }
}

/** Reads "+02:00", "-0530", "UTC+2", "GMT-05:00" as minutes east of UTC; null otherwise. */
export function parseOffset(text: string): number | null {
  const m = /^(?:UTC|GMT)?\s?([+\u2212-])\s?(\d{1,2})(?::?(\d{2}))?$/.exec(text.trim())
  if (!m) return null
  const hours = Number(m[2])
  const minutes = Number(m[3] ?? 0)
  if (hours > 14 || minutes > 59) return null
  const sign = m[1] === '+' ? 1 : -1
  return sign * (hours * 60 + minutes)
}

/** A zone as documents write it (abbreviation, IANA name, offset, long name), or null. */
export function resolveZone(written: string): ZoneRef | null {
  const text = written.trim().replace(/\s+/g, ' ')
  if (text === '') return null
  const abbreviation = ABBREVIATIONS[text.toUpperCase()]
  if (abbreviation && (text === text.toUpperCase() || /^(?:utc|gmt)$/i.test(text))) {
    return { tz: abbreviation.tz, written: text, dst: abbreviation.dst, offsetMinutes: null }
  }
  const offset = parseOffset(text)
  if (offset !== null) return offsetZone(offset, text)
  for (const [pattern, abbr] of LONG_NAMES) {
    const a = ABBREVIATIONS[abbr]
    if (pattern.test(text) && a) return { tz: a.tz, written: text, dst: a.dst, offsetMinutes: null }
  }
  if (text.includes('/') && isValidTimeZone(text)) {
    return { tz: text, written: text, dst: null, offsetMinutes: null }
  }
  return null
}

/** The instant a wall time (given as if UTC, in ms) names in the zone. */
export function wallToInstant(wall: number, zone: ZoneRef): number {
  if (zone.offsetMinutes !== null) return wall - zone.offsetMinutes * MINUTE_MS
  // Same rule as the console's datetime-local inputs: an overlap reads as the earlier instant, a
  // gap with the offset before the jump (see local-time.ts).
  const before = zoneOffsetMs(wall - 15 * 60 * MINUTE_MS, zone.tz)
  const after = zoneOffsetMs(wall + 15 * 60 * MINUTE_MS, zone.tz)
  const valid = [before, after]
    .map((offset) => wall - offset)
    .filter((instant) => zoneOffsetMs(instant, zone.tz) === wall - instant)
  if (valid.length === 0) return wall - before
  return Math.min(...valid)
}

/** Whether the zone observes summer time at the instant (its offset exceeds its winter one). */
export function isSummerTime(ms: number, tz: string): boolean {
  const year = zonedParts(ms, tz).year
  const january = zoneOffsetMs(Date.UTC(year, 0, 15), tz)
  const july = zoneOffsetMs(Date.UTC(year, 6, 15), tz)
  if (january === july) return false
  return zoneOffsetMs(ms, tz) === Math.max(january, july)
}
