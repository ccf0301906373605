import {
  IANA_SOURCE,
  OFFSET_SOURCE,
  resolveZone,
  ZONE_ABBREVIATION_SOURCE,
  type ZoneRef,
} from './zones.ts'

// Finds dates and times in free text, as people write them in postmortems: `10:30 AM`, `14:05`,
// `2:00 PM EDT`, `10:30 PT`, `2024-01-05T14:05Z`, `January 5, 2024`, `5 Jan 2024`, `Monday, March 4`.
// Tokens carry their positions so callers can tell a leading stamp from a time in a sentence.

export interface DateToken {
  kind: 'date'
  start: number
  end: number
  year: number | null
  month: number // 1–12
  day: number
  weekday: number | null // 0 = Sunday
}

export interface TimeToken {
  kind: 'time'
  start: number
  end: number
  hour: number // 0–23
  minute: number
  second: number
  meridiem: 'am' | 'pm' | null
  zone: ZoneRef | null
}

export type TemporalToken = DateToken | TimeToken

const MONTH =
  '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?'
const WEEKDAY =
  '(mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?)\\.?'
const ORDINAL = '(?:st|nd|rd|th)?'
const YEAR_TAIL = '(?:,?\\s+(\\d{4})(?![\\d:]))?'

const ISO_DATE =
  /(?<![\d-])(\d{4})-(\d{1,2})-(\d{1,2})(?:T(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+\u2212-]\d{2}:?\d{2})?)?(?![\d])/g
const YMD_SLASH = /(?<![\d/])(\d{4})\/(\d{1,2})\/(\d{1,2})(?![\d/])/g
const MDY_SLASH = /(?<![\d/.])(\d{1,2})\/(\d{1,2})\/(\d{4}|\d{2})(?![\d/])/g
const MONTH_DAY = new RegExp(
  `(?<![A-Za-z])(?:${WEEKDAY},?\\s+)?${MONTH}\\s+(\\d{1,2})${ORDINAL}(?![\\d:.]\\d|\\d)${YEAR_TAIL}`,
  'gi',
)
const DAY_MONTH = new RegExp(
  `(?<![A-Za-z\\d])(?:${WEEKDAY},?\\s+)?(\\d{1,2})${ORDINAL}\\s+(?:of\\s+)?${MONTH}(?![A-Za-z])${YEAR_TAIL}`,
  'gi',
)

const TIME_12 = /(?<![\d:.\w])(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?\s?([ap])\.?\s?m\b\.?/gi
const TIME_24 =
  /(?<![\d:.\w])([01]?\d|2[0-3])(?::|h)([0-5]\d)(?::([0-5]\d)(?:\.\d+)?)?(?!\d|:\d|m\b)/g
const ZONE_AFTER_TIME = new RegExp(
  `^(\\s*\\(\\s*|\\s*)(?:(${OFFSET_SOURCE})|(${IANA_SOURCE})|(${ZONE_ABBREVIATION_SOURCE}|[Uu][Tt][Cc]|[Gg][Mm][Tt])|(Z))(\\s*\\))?(?![A-Za-z0-9])`,
)

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']

const monthNumber = (name: string) => MONTHS.indexOf(name.slice(0, 3).toLowerCase()) + 1
const weekdayNumber = (name: string | undefined) =>
  name ? WEEKDAYS.indexOf(name.slice(0, 3).toLowerCase()) : null

function validDate(month: number, day: number, year: number | null): boolean {
  if (month < 1 || month > 12 || day < 1 || day > 31) return false
  const probe = new Date(Date.UTC(year ?? 2024, month - 1, day)) // 2024 is a leap year
  return probe.getUTCDate() === day
}

function zoneFromOffsetText(text: string | undefined): ZoneRef | null {
  if (!text) return null
  if (text === 'Z') return resolveZone('UTC')
  return resolveZone(text.replace('\u2212', '-'))
}

// The zone written right after a time ("2:00 PM EDT", "09:00 AM (UTC)", "14:05Z", "10:30 +02:00").
function zoneAfter(text: string, at: number): { zone: ZoneRef; end: number } | null {
  const m = ZONE_AFTER_TIME.exec(text.slice(at))
  if (!m) return null
  const [whole, lead, offset, iana, abbreviation, z, close] = m
  if (z && lead !== '') return null
  if (lead?.includes('(') && !close) return null
  const zone = resolveZone(offset ?? iana ?? abbreviation ?? 'UTC')
  return zone ? { zone, end: at + whole.length } : null
}

function dateTokens(text: string): TemporalToken[] {
  const out: TemporalToken[] = []
  for (const m of text.matchAll(ISO_DATE)) {
    const [whole, y, mo, d, hh, mi, ss, offset] = m
    const start = m.index
    if (!validDate(Number(mo), Number(d), Number(y))) continue
    const date: DateToken = {
      kind: 'date',
      start,
      end: start + 10,
      year: Number(y),
      month: Number(mo),
      day: Number(d),
      weekday: null,
    }
    out.push(date)
    if (hh !== undefined && Number(hh) < 24) {
      out.push({
        kind: 'time',
        start: start + 10,
        end: start + whole.length,
        hour: Number(hh),
        minute: Number(mi),
        second: Number(ss ?? 0),
        meridiem: null,
        zone: zoneFromOffsetText(offset),
      })
    }
  }
  for (const m of text.matchAll(YMD_SLASH)) {
    const [whole, y, mo, d] = m
    if (!validDate(Number(mo), Number(d), Number(y))) continue
    out.push(dateToken(m.index, whole, Number(y), Number(mo), Number(d), null))
  }
  for (const m of text.matchAll(MDY_SLASH)) {
    const [whole, a, b, y] = m
    let [month, day] = [Number(a), Number(b)]
    if (month > 12) [month, day] = [day, month] // 25/12/2024 can only be day-first
    const year = y!.length === 2 ? 2000 + Number(y) : Number(y)
    if (!validDate(month, day, year)) continue
    out.push(dateToken(m.index, whole, year, month, day, null))
  }
  for (const m of text.matchAll(MONTH_DAY)) {
    const [whole, wd, mon, d, y] = m
    const year = y ? Number(y) : null
    if (!validDate(monthNumber(mon!), Number(d), year)) continue
    out.push(dateToken(m.index, whole, year, monthNumber(mon!), Number(d), weekdayNumber(wd)))
  }
  for (const m of text.matchAll(DAY_MONTH)) {
    const [whole, wd, d, mon, y] = m
    const year = y ? Number(y) : null
    if (!validDate(monthNumber(mon!), Number(d), year)) continue
    out.push(dateToken(m.index, whole, year, monthNumber(mon!), Number(d), weekdayNumber(wd)))
  }
  return out
}

function dateToken(
  start: number,
  whole: string,
  year: number | null,
  month: number,
  day: number,
  weekday: number | null,
): DateToken {
  const trimmed = whole.replace(/[\s,.]+$/, '')
  return { kind: 'date', start, end: start + trimmed.length, year, month, day, weekday }
}

function timeTokens(text: string): TimeToken[] {
  const out: TimeToken[] = []
  for (const m of text.matchAll(TIME_12)) {
    const [whole, h, mi, ss, ap] = m
    const hour12 = Number(h)
    if (hour12 < 1 || hour12 > 12) continue
    const meridiem = ap!.toLowerCase() === 'a' ? 'am' : 'pm'
    const hour = (hour12 % 12) + (meridiem === 'pm' ? 12 : 0)
    out.push(withZone(text, m.index, m.index + whole.length, hour, mi, ss, meridiem))
  }
  for (const m of text.matchAll(TIME_24)) {
    const [whole, h, mi, ss] = m
    out.push(withZone(text, m.index, m.index + whole.length, Number(h), mi, ss, null))
  }
  return out
}

function withZone(
  text: string,
  start: number,
  end: number,
  hour: number,
  minute: string | undefined,
  second: string | undefined,
  meridiem: 'am' | 'pm' | null,
): TimeToken {
  // "14:05:00-05:00": with seconds written, an attached signed number is an offset, not a range.
  const attached =
    second !== undefined ? /^[+\u2212-]\d{2}:?\d{2}(?![\d:])/.exec(text.slice(end)) : null
  const attachedZone = attached ? zoneFromOffsetText(attached[0]) : null
  const zone = attachedZone
    ? { zone: attachedZone, end: end + attached![0].length }
    : zoneAfter(text, end)
  return {
    kind: 'time',
    start,
    end: zone ? zone.end : end,
    hour,
    minute: Number(minute ?? 0),
    second: Number(second ?? 0),
    meridiem,
    zone: zone ? zone.zone : null,
  }
}

/** Every date and time in the text, in order, without overlaps (the earlier, longer one wins). */
export function scanTemporal(text: string): TemporalToken[] {
  const candidates = [...dateTokens(text), ...timeTokens(text)].sort(
    (a, b) => a.start - b.start || b.end - a.end,
  )
  const out: TemporalToken[] = []
  let reach = -1
  for (const token of candidates) {
    // ISO tokens come in date+time pairs that touch; anything else overlapping is a misreading.
    if (token.start < reach) continue
    out.push(token)
    reach = token.end
  }
  return out
}

/** Minute of the day a written time names ("2:05 PM" → 845), or null when it is not a time. */
export function parseTimeOfDay(text: string): number | null {
  const tokens = scanTemporal(text.trim())
  const time = tokens.find((t): t is TimeToken => t.kind === 'time')
  return time ? time.hour * 60 + time.minute : null
}

export interface LeadingStamp {
  date: DateToken | null
  time: TimeToken | null
  /** The second time of a range ("10:30–10:45"), which the reader ignores. */
  until: TimeToken | null
  zone: ZoneRef | null
  /** Text after the stamp, with the separator removed. */
  rest: string
}

const FIRST_GAP =
  /^[\s\-*+>•·~[\](){}|:,@#\p{Extended_Pictographic}\uFE0F\u200D]*(?:(?:at|on|around|about|approx(?:imately|\.)?|circa|by)\s+)?[\s[(~]*$/iu
const NEXT_GAP =
  /^[\s,;:@()[\]/\u2013\u2014-]*(?:(?:at|on|to|until|till|through|and|T)\s*)?[\s,([\u2013\u2014-]*$/i
const AFTER_STAMP = /^[\s)\]}|:,;.\u2013\u2014-]+/

/** The date and time a line starts with ("**3:45 PM** -", "Jan 5, 10:30 AM PST:"), if any. */
export function leadingStamp(text: string): LeadingStamp | null {
  const tokens = scanTemporal(text)
  let date: DateToken | null = null
  let time: TimeToken | null = null
  let until: TimeToken | null = null
  let pos = 0
  for (const token of tokens) {
    const gap = text.slice(pos, token.start)
    if (!(pos === 0 ? FIRST_GAP : NEXT_GAP).test(gap)) break
    if (token.kind === 'date') {
      if (date && time) break
      date ??= token
    } else if (!time) time = token
    else if (!until) until = token
    else break
    pos = token.end
  }
  if (pos === 0) return null
  const zone = time?.zone ?? until?.zone ?? null
  const rest = text.slice(pos).replace(AFTER_STAMP, '').trim()
  return { date, time, until, zone, rest }
}

const LONG_ZONE =
  '(?:Pacific|Eastern|Central|Mountain)(?:\\s+(?:Standard|Daylight))?\\s+Time|Central European(?:\\s+Summer)?\\s+Time|Coordinated Universal Time|Greenwich Mean Time|British Summer Time|Indian Standard Time'
const ANY_ZONE = `(?:${LONG_ZONE}|${OFFSET_SOURCE}|${IANA_SOURCE}|${ZONE_ABBREVIATION_SOURCE})`
// Matched case-insensitively, then checked by resolveZone, which wants abbreviations in capitals:
// "times in ET" names a zone, "times in et al." does not.
const ZONE_PHRASES = [
  new RegExp(
    `\\btimes?\\s+(?:(?:are|is|shown|listed|given|below|above|here|noted)\\s+)*(?:(?:in|as)\\s+)?(?:the\\s+)?(${ANY_ZONE})(?![A-Za-z0-9/])`,
    'gi',
  ),
  new RegExp(`\\btime\\s*zone\\s*(?:is\\s+)?[:=]?\\s*(${ANY_ZONE})(?![A-Za-z0-9/])`, 'gi'),
  new RegExp(`\\(\\s*(?:(?:all\\s+)?times?\\s+(?:are\\s+)?(?:in\\s+)?)?(${ANY_ZONE})\\s*\\)`, 'gi'),
  new RegExp(`(${IANA_SOURCE})`, 'g'),
]

/** Zones a text names outside times: "all times PDT", "(UTC)", "Time zone: Europe/Berlin". */
export function zoneMentions(text: string): { zone: ZoneRef; at: number }[] {
  const found: { zone: ZoneRef; at: number }[] = []
  for (const pattern of ZONE_PHRASES) {
    for (const m of text.matchAll(pattern)) {
      const zone = resolveZone(m[1]!)
      if (zone) found.push({ zone, at: m.index })
    }
  }
  return found.sort((a, b) => a.at - b.at)
}
