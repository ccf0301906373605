// Time-zone arithmetic on epoch milliseconds, built on Intl only so it runs unchanged on Node and
// Workers. Every function takes the instant as a parameter: nothing here reads the clock.

export const MINUTE_MS = 60_000
export const HOUR_MS = 60 * MINUTE_MS
export const DAY_MS = 24 * HOUR_MS

export interface ZonedParts {
  year: number
  month: number // 1–12
  day: number
  hour: number // 0–23
  minute: number
  second: number
}

export type FormatStyle = 'datetime' | 'date' | 'time' | 'month'

export function isValidTimeZone(tz: unknown): tz is string {
  if (typeof tz !== 'string' || tz === '') return false
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz })
    return true
  } catch {
    return false
  }
}

// Creating an Intl.DateTimeFormat costs far more than using one, so every formatter is cached.
const formatters = new Map<string, Intl.DateTimeFormat>()

function cachedFormatter(
  key: string,
  locale: string,
  options: Intl.DateTimeFormatOptions,
): Intl.DateTimeFormat {
  let formatter = formatters.get(key)
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(locale, options)
    formatters.set(key, formatter)
  }
  return formatter
}

function partsFormatter(tz: string): Intl.DateTimeFormat {
  return cachedFormatter(`parts|${tz}`, 'en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  })
}

export function zonedParts(ms: number, tz: string): ZonedParts {
  const out: ZonedParts = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 }
  for (const part of partsFormatter(tz).formatToParts(ms)) {
    switch (part.type) {
      case 'year':
      case 'month':
      case 'day':
      case 'minute':
      case 'second':
        out[part.type] = Number(part.value)
        break
      case 'hour':
        // Older ICU builds print midnight as 24 even with h23.
        out.hour = Number(part.value) % 24
        break
    }
  }
  return out
}

// The zone's UTC offset in ms at an instant (local wall time minus UTC).
export function zoneOffsetMs(ms: number, tz: string): number {
  const whole = Math.floor(ms / 1000) * 1000
  const p = zonedParts(whole, tz)
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - whole
}

// The first instant of the local calendar day whose date, read as UTC midnight, is `wall`.
function startOfLocalDay(wall: number, tz: string): number {
  const before = zoneOffsetMs(wall - 15 * HOUR_MS, tz)
  const after = zoneOffsetMs(wall + 15 * HOUR_MS, tz)
  // Offsets span −12 h…+14 h, so the real midnight lies between the two probes; with no transition
  // between them the answer is exact.
  if (before === after) return wall - before
  return startNearTransition(wall, [before, after], tz)
}

// A transition is near: keep the earliest candidate that falls on the wanted day. When midnight
// itself is skipped (spring forward at 00:00) that is the transition instant, e.g. 01:00.
function startNearTransition(wall: number, offsets: number[], tz: string): number {
  const want = new Date(wall)
  let best = Number.POSITIVE_INFINITY
  for (const offset of offsets) {
    const candidate = wall - offset
    const p = zonedParts(candidate, tz)
    const sameDay =
      p.year === want.getUTCFullYear() &&
      p.month === want.getUTCMonth() + 1 &&
      p.day === want.getUTCDate()
    if (sameDay && candidate < best) best = candidate
  }
  // A day skipped entirely (Pacific/Apia, 2011-12-30) has no instant; it collapses to zero length.
  return Number.isFinite(best) ? best : wall - Math.min(...offsets)
}

const wallDate = (p: ZonedParts, plusDays = 0) => Date.UTC(p.year, p.month - 1, p.day + plusDays)

export function startOfDayInZone(ms: number, tz: string): number {
  return startOfLocalDay(wallDate(zonedParts(ms, tz)), tz)
}

// Calendar days, not 24 h steps, so DST days come out 23 h or 25 h long.
export function addDaysInZone(dayStartMs: number, n: number, tz: string): number {
  return startOfLocalDay(wallDate(zonedParts(dayStartMs, tz), n), tz)
}

export interface LocalDay {
  date: string // YYYY-MM-DD
  start: number
  end: number
}

// The `count` local days ending with the one containing `ms`, oldest first. Same answer as
// startOfDayInZone/addDaysInZone per day, but about one Intl call per day instead of four: the
// offset is sampled once a day, and only days near a transition take the careful path.
export function localDaysEndingAt(ms: number, tz: string, count: number): LocalDay[] {
  const n = Math.max(0, Math.floor(count))
  const today = zonedParts(ms, tz)
  const walls: number[] = []
  for (let j = 0; j < n + 3; j++) walls.push(wallDate(today, j - (n - 1)))
  // Sample j sits 14 h before wall j; a midnight lies within [wall − 14 h, wall + 12 h], which
  // samples j and j + 2 bracket.
  const offsets = walls.map((wall) => zoneOffsetMs(wall - 14 * HOUR_MS, tz))
  const starts: number[] = []
  for (let j = 0; j <= n; j++) {
    const wall = walls[j] as number
    const a = offsets[j] as number
    const steady = a === offsets[j + 1] && a === offsets[j + 2]
    starts.push(steady ? wall - a : startOfLocalDay(wall, tz))
  }
  const days: LocalDay[] = []
  for (let j = 0; j < n; j++) {
    days.push({
      date: new Date(walls[j] as number).toISOString().slice(0, 10),
      start: starts[j] as number,
      end: starts[j + 1] as number,
    })
  }
  return days
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0')

export function dayKey(ms: number, tz: string): string {
  const p = zonedParts(ms, tz)
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`
}

function partValues(formatter: Intl.DateTimeFormat, ms: number): Record<string, string> {
  const out: Record<string, string> = {}
  for (const part of formatter.formatToParts(ms)) out[part.type] = part.value
  return out
}

// en-US names American zones (EST, PDT) but only offsets for European ones, where en-GB has the
// familiar names (CET, BST); take a name over a bare GMT±h when either locale has one.
function zoneName(ms: number, tz: string): string {
  const options = { timeZone: tz, timeZoneName: 'short' } as const
  const us = partValues(cachedFormatter(`name-us|${tz}`, 'en-US', options), ms).timeZoneName ?? tz
  if (!us.startsWith('GMT')) return us
  const gb = partValues(cachedFormatter(`name-gb|${tz}`, 'en-GB', options), ms).timeZoneName
  return gb && !gb.startsWith('GMT') ? gb : us
}

const STYLE_OPTIONS: Record<FormatStyle, Intl.DateTimeFormatOptions> = {
  datetime: {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  },
  date: { year: 'numeric', month: 'short', day: 'numeric' },
  time: { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
  month: { year: 'numeric', month: 'long' },
}

// Assembled from parts rather than format(), whose literals change between ICU versions.
export function formatInZone(ms: number, tz: string, style: FormatStyle): string {
  const formatter = cachedFormatter(`${style}|${tz}`, 'en-US', {
    ...STYLE_OPTIONS[style],
    timeZone: tz,
  })
  const v = partValues(formatter, ms)
  const hour = pad(Number(v.hour) % 24)
  switch (style) {
    case 'datetime':
      return `${v.month} ${v.day}, ${v.year}, ${hour}:${v.minute} ${zoneName(ms, tz)}`
    case 'date':
      return `${v.month} ${v.day}, ${v.year}`
    case 'time':
      return `${hour}:${v.minute}`
    case 'month':
      return `${v.month} ${v.year}`
  }
}

// RFC 3339 with the zone's numeric offset; UTC is written +00:00, never Z, for one uniform shape.
export function toIsoWithOffset(ms: number, tz: string): string {
  const whole = Math.floor(ms / 1000) * 1000
  const p = zonedParts(whole, tz)
  const offsetMinutes = Math.round(zoneOffsetMs(whole, tz) / MINUTE_MS)
  const sign = offsetMinutes < 0 ? '-' : '+'
  const abs = Math.abs(offsetMinutes)
  const offset = `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  return (
    `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}` +
    `T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}${offset}`
  )
}

// Two largest units, rounded down: '3d 4h', '2h 15m', '45m'; anything under a minute is '< 1m'.
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < MINUTE_MS) return '< 1m'
  const totalMinutes = Math.floor(ms / MINUTE_MS)
  const days = Math.floor(totalMinutes / (24 * 60))
  const hours = Math.floor(totalMinutes / 60) % 24
  const minutes = totalMinutes % 60
  if (days > 0) return hours > 0 ? `${days}d ${hours}h` : `${days}d`
  if (hours > 0) return minutes > 0 ? `${hours}h ${minutes}m` : `${hours}h`
  return `${minutes}m`
}
