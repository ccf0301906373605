import { DAY_MS, formatDuration, formatInZone, HOUR_MS, isValidTimeZone } from '../time.ts'
import { toChunks, toLines, type Chunk, type FieldKind, type Line } from './blocks.ts'
import {
  collectFields,
  impactLevel,
  linesToText,
  statedDuration,
  usersAffectedShare,
  type FieldHit,
} from './fields.ts'
import { inferEventKind } from './kinds.ts'
import {
  scanTemporal,
  zoneMentions,
  type DateToken,
  type TemporalToken,
  type TimeToken,
} from './temporal.ts'
import { fingerprintOf, stripEmoji, stripInline, truncate } from './text.ts'
import { countStamped, readEntries } from './timeline.ts'
import { readCorrective } from './todos.ts'
import type { ParsedEvent, ParsedPostmortem, ParseOptions } from './types.ts'
import { isSummerTime, resolveZone, wallToInstant, type ZoneRef } from './zones.ts'

// Reads a postmortem written by hand into what Herald needs to rebuild the incident. Nothing is
// guessed silently: whatever is missing or assumed is said in `warnings`.

interface Day {
  y: number
  m: number
  d: number
}

interface RangeEnd {
  date: DateToken | null
  time: TimeToken | null
}

interface Range {
  start: RangeEnd | null
  end: RangeEnd | null
}

const RANGE_GAP =
  /^[\s,()]*(?:-|\u2013|\u2014|~|to|until|till|through|thru|and|->|\u2192)[\s,()]*$/i

/** The start and end a sentence gives ("July 29, 2023, 09:00 AM - Aug 04, 2023, 04:30 AM (UTC)"). */
function readRange(text: string, requireEnd = false): Range | null {
  const tokens = scanTemporal(text)
  const times = tokens.filter((t): t is TimeToken => t.kind === 'time')
  const dates = tokens.filter((t): t is DateToken => t.kind === 'date')
  const t0 = times[0]
  if (!t0) {
    if (requireEnd || !dates[0]) return null
    return { start: { date: dates[0], time: null }, end: null }
  }
  let t1: TimeToken | null = null
  const next = times[1]
  if (next) {
    let gap = text.slice(t0.end, next.start)
    for (const d of dates.filter((d) => d.start >= t0.end && d.end <= next.start).reverse()) {
      gap = gap.slice(0, d.start - t0.end) + gap.slice(d.end - t0.end)
    }
    if (RANGE_GAP.test(gap)) t1 = next
  }
  if (requireEnd && !t1) return null
  const before = dates.filter((d) => d.end <= t0.start)
  const between = t1 ? dates.filter((d) => d.start >= t0.end && d.end <= t1.start) : []
  const after = dates.filter((d) => d.start >= (t1 ?? t0).end)
  const startDate = before.at(-1) ?? after[0] ?? null
  const endDate = between.at(-1) ?? null
  // "from 1:30 to 3:45 PM": the first time shares the second one's afternoon.
  let start = t0
  if (t1 && !t0.meridiem && t1.meridiem === 'pm' && t0.hour < 12 && t0.hour + 12 <= t1.hour) {
    start = { ...t0, hour: t0.hour + 12 }
  }
  const zone = start.zone ?? t1?.zone ?? null
  return {
    start: { date: startDate, time: { ...start, zone } },
    end: t1 ? { date: endDate, time: { ...t1, zone: t1.zone ?? zone } } : null,
  }
}

const BEGINS = /\b(?:outage|incident|impact|downtime)\s+(?:begins|began|starts|started)\b/i
const ENDS = /\b(?:outage|incident|impact|downtime)\s+(?:ends|ended|over|resolved|closed)\b/i

const POSTMORTEM_WORD =
  '(?:(?:incident|outage)\\s+)?post[\\s-]?mo\\w*|incident report|outage report|post[\\s-]incident (?:review|report)|retrospective|root cause analysis|rca|pir'
const TITLE_PREFIX = new RegExp(
  `^(?:[\\w.#-]+\\s+){0,2}?(?:${POSTMORTEM_WORD})\\s*(?:\\([^)]*\\))?\\s*[:\\-\\u2013\\u2014|]\\s*`,
  'i',
)
const TITLE_SUFFIX = new RegExp(
  `\\s*[:\\-\\u2013\\u2014|]?\\s*(?:${POSTMORTEM_WORD})s?(?:\\s*\\([^)]*\\))?\\s*$`,
  'i',
)
const GENERIC_TITLE = new RegExp(`^(?:[\\w.#-]+\\s+){0,2}(?:${POSTMORTEM_WORD})s?$`, 'i')

function cleanTitle(raw: string): string | null {
  let text = stripEmoji(stripInline(raw))
    .trim()
    .replace(/^(["'\u201c])(.*)(["'\u201d])$/, '$2')
  if (text === '' || GENERIC_TITLE.test(text)) return null
  const prefix = TITLE_PREFIX.exec(text)
  if (prefix) text = text.slice(prefix[0].length)
  else text = text.replace(TITLE_SUFFIX, '')
  text = text.trim()
  return text === '' ? null : text
}

function nameFromFile(fileName: string | undefined): string | null {
  if (!fileName) return null
  const base = (fileName.split(/[\\/]/).pop() ?? '').replace(/\.[a-z0-9]{1,5}$/i, '')
  const words = base.replace(/[-_.]+/g, ' ').trim()
  // Hash- and number-like names ("004_488839bb2a283a1f") say nothing about the incident.
  if (!/(?:^|\s)(?=[a-z]*[g-z])[a-z]{3,}/i.test(words)) return null
  return words
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0')
const dayLabel = (d: Day) => `${pad(d.y, 4)}-${pad(d.m)}-${pad(d.d)}`
const wallOf = (d: Day, t: TimeToken) => Date.UTC(d.y, d.m - 1, d.d, t.hour, t.minute, t.second)
const dayOfWall = (wall: number): Day => {
  const date = new Date(wall)
  return { y: date.getUTCFullYear(), m: date.getUTCMonth() + 1, d: date.getUTCDate() }
}
const MONTH_NAMES = [
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
const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']
const clock = (t: TimeToken) => `${pad(t.hour)}:${pad(t.minute)}`

function lineText(line: Line): string {
  switch (line.type) {
    case 'heading':
      return `${line.text} ${line.extra}`
    case 'item':
    case 'text':
      return line.text
    case 'table':
      return line.cells.join(' | ')
    default:
      return ''
  }
}

export function parsePostmortem(markdown: string, opts: ParseOptions = {}): ParsedPostmortem {
  const warnings: string[] = []
  const warn = (message: string) => {
    if (!warnings.includes(message)) warnings.push(message)
  }
  const lines = toLines(markdown)
  const chunks = toChunks(lines)
  const { fields, free } = collectFields(chunks)
  const field = (kind: FieldKind, pick?: (h: FieldHit) => boolean) =>
    fields.find((h) => h.field === kind && h.value.trim() !== '' && (!pick || pick(h))) ?? null
  const inSummary = (h: FieldHit) => h.context === 'summary' || h.context === 'preamble'

  // --- The timeline: the Timeline section, or failing that the part with the most stamped lines.
  let timelineChunks = chunks.filter((c) => c.kind === 'timeline')
  if (timelineChunks.length === 0) {
    const best = chunks
      .filter((c) => c.kind === 'preamble' || c.kind === 'other')
      .map((c) => ({ c, n: countStamped(c) }))
      .sort((a, b) => b.n - a.n)[0]
    if (best && best.n >= 2) timelineChunks = [{ ...best.c, title: '' }]
  }
  const entries = readEntries(timelineChunks)
  if (timelineChunks.length === 0) warn('No timeline found')

  // --- Start and end as the summary states them.
  const durationHit = field('duration')
  let range: Range | null = durationHit ? readRange(durationHit.value) : null
  const startHit = field('start')
  const endHit = field('end', (h) => h.context !== 'rootCauseResolution')
  if (startHit) {
    const s = readRange(startHit.value)
    if (s?.start) range = { start: s.start, end: s.end ?? range?.end ?? null }
  }
  if (endHit) {
    const e = readRange(endHit.value)
    if (e?.start?.time) range = { start: range?.start ?? null, end: e.start }
  }
  if (!range?.start?.time) {
    for (const part of free.filter((f) => f.context === 'summary' || f.context === 'preamble')) {
      const found = part.paragraphs.map((p) => readRange(p, true)).find((r) => r !== null)
      if (found) {
        range = found
        break
      }
    }
    const summaryField = field('summary')
    if (!range?.start?.time && summaryField) range = readRange(summaryField.value, true) ?? range
  }
  const statedMs = durationHit ? statedDuration(durationHit.value) : null

  // --- The zone: stated outright, else written next to the times, else assumed (and said so).
  const docText = lines.map(lineText).join('\n')
  const tzField = field('timeZone')
  const zoneCandidates: (ZoneRef | null | undefined)[] = [
    tzField
      ? (resolveZone(stripInline(tzField.value)) ??
        zoneMentions(`time zone: ${tzField.value}`)[0]?.zone)
      : null,
    zoneMentions(docText)[0]?.zone,
    range?.start?.time?.zone,
    range?.end?.time?.zone,
    entries.find((e) => e.stamp?.zone)?.stamp?.zone,
  ]
  const stated = zoneCandidates.find((z): z is ZoneRef => !!z) ?? null
  let zone: ZoneRef
  if (stated) zone = stated
  else if (opts.defaultTimeZone && isValidTimeZone(opts.defaultTimeZone)) {
    zone = {
      tz: opts.defaultTimeZone,
      written: opts.defaultTimeZone,
      dst: null,
      offsetMinutes: null,
    }
    warn(`No time zone found; assumed ${opts.defaultTimeZone}`)
  } else {
    zone = { tz: 'UTC', written: 'UTC', dst: null, offsetMinutes: null }
    warn('No time zone found; assumed UTC')
  }
  if (
    stated &&
    stated.offsetMinutes !== null &&
    stated.offsetMinutes !== 0 &&
    stated.tz === 'UTC'
  ) {
    warn(`No time zone has the offset ${stated.written}; times are shown in UTC`)
  }

  // --- Days: a year from anywhere in the document, then each date in context.
  const allDates = scanTemporal(docText).filter((t): t is DateToken => t.kind === 'date')
  const preambleText = chunks
    .filter((c) => c.kind === 'preamble')
    .map((c) => [c.title, ...c.lines.map(lineText)].join('\n'))
    .join('\n')
  // A title such as "… (January 2024)" gives the year of dates written without one.
  const titleYear = /\b(20\d{2})\b/.exec(preambleText)
  const docYear =
    [range?.start?.date, range?.end?.date, ...allDates].find((d) => d?.year != null)?.year ??
    (titleYear ? Number(titleYear[1]) : null)
  const toDay = (token: DateToken, ref: Day | null): Day | null => {
    let year = token.year
    if (year === null && ref) {
      year = ref.y
      if (token.month < ref.m - 6) year += 1
      else if (token.month > ref.m + 6) year -= 1
    }
    year ??= docYear
    if (year === null) {
      warn(`No year found for the date ${MONTH_NAMES[token.month - 1]} ${token.day}`)
      return null
    }
    if (token.weekday !== null) {
      const actual = new Date(Date.UTC(year, token.month - 1, token.day)).getUTCDay()
      if (actual !== token.weekday) {
        const day = { y: year, m: token.month, d: token.day }
        warn(
          `${dayLabel(day)} was a ${WEEKDAY_NAMES[actual]}, not a ${WEEKDAY_NAMES[token.weekday]}; kept the date`,
        )
      }
    }
    return { y: year, m: token.month, d: token.day }
  }

  const dateHit = field('date')
  const dateHitToken = dateHit
    ? (scanTemporal(dateHit.value).find((t): t is DateToken => t.kind === 'date') ?? null)
    : null
  const firstDate = (tokens: TemporalToken[]) =>
    tokens.find((t): t is DateToken => t.kind === 'date') ?? null
  const entryDate = entries.map((e) => e.marker ?? e.stamp?.date ?? null).find((d) => d) ?? null
  const docDayToken =
    range?.start?.date ?? dateHitToken ?? firstDate(scanTemporal(preambleText)) ?? entryDate
  let baseDay: Day | null = docDayToken ? toDay(docDayToken, null) : null
  let assumedDay = false
  if (!baseDay && !docDayToken && opts.defaultDate) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(opts.defaultDate)
    if (m) {
      baseDay = { y: Number(m[1]), m: Number(m[2]), d: Number(m[3]) }
      assumedDay = true
      warn(`No date found; assumed ${opts.defaultDate}`)
    }
  }

  const zoneFor = (t: TimeToken | null) => t?.zone ?? zone
  let startedAt: number | null = null
  let startWall: number | null = null
  let undatedTimes = false
  const startDay = range?.start?.date ? toDay(range.start.date, baseDay) : baseDay
  if (range?.start?.time) {
    if (startDay) {
      startWall = wallOf(startDay, range.start.time)
      startedAt = wallToInstant(startWall, zoneFor(range.start.time))
    } else undatedTimes = true
  }

  // --- Events, carrying the last date forward and rolling past midnight when times go backwards.
  const events: ParsedEvent[] = []
  let day: Day | null = startDay ?? baseDay
  let previousWall: number | null = null
  let startsAt: number | null = null
  let endsAt: number | null = null
  for (const entry of entries) {
    if (entry.marker) {
      day = toDay(entry.marker, day) ?? day
      previousWall = null
      continue
    }
    const body = entry.parts.join(' ').replace(/\s+/g, ' ').trim()
    const n = events.length + 1
    const stamp = entry.stamp
    let at: number | null = null
    let explicitDay = false
    if (stamp?.date) {
      const d = toDay(stamp.date, day)
      if (d) {
        day = d
        explicitDay = true
      }
    }
    if (!stamp?.time) {
      if (stamp?.date) warn(`Event ${n} has a date but no time: "${truncate(body)}"`)
      else warn(`Could not date event ${n}: "${truncate(body)}"`)
    } else if (!day) {
      undatedTimes = true
    } else {
      let wall = wallOf(day, stamp.time)
      if (!explicitDay) {
        const reference = previousWall ?? startWall
        const limit = previousWall === null ? 12 * HOUR_MS : 3 * HOUR_MS
        if (reference !== null && wall < reference) {
          if (reference - wall > limit) {
            wall += DAY_MS
            day = dayOfWall(wall)
          } else if (previousWall !== null) {
            warn(
              `Event ${n} (${clock(stamp.time)}) is earlier than the event before it; kept on the same day`,
            )
          }
        }
      }
      previousWall = wall
      at = wallToInstant(wall, zoneFor(stamp.time))
    }
    const kind = entry.kind ?? inferEventKind(body, entry.label)
    events.push({ at, body, kind })
    if (at !== null && startsAt === null && BEGINS.test(body)) startsAt = at
    if (at !== null && ENDS.test(body)) endsAt = at
  }
  if (undatedTimes && !assumedDay) warn('No date found; times could not be placed on a day')

  // --- Start and end, from the summary first, then from the timeline.
  startedAt ??= startsAt ?? events.find((e) => e.at !== null)?.at ?? null
  if (startedAt === null && !undatedTimes) warn('No start time found')
  let resolvedAt: number | null = null
  const endTime = range?.end?.time ?? null
  if (endTime) {
    const explicit = range?.end?.date ? toDay(range.end.date, startDay) : null
    const endDay = explicit ?? startDay
    if (endDay) {
      let wall = wallOf(endDay, endTime)
      if (!explicit && startWall !== null && wall < startWall) wall += DAY_MS
      resolvedAt = wallToInstant(wall, zoneFor(endTime))
    }
  }
  if (resolvedAt === null && statedMs !== null && startedAt !== null && !endTime) {
    resolvedAt = startedAt + statedMs
  }
  if (resolvedAt === null && !endTime) {
    const lastResolution = events.filter((e) => e.kind === 'resolution' && e.at !== null).at(-1)
    resolvedAt = endsAt ?? lastResolution?.at ?? null
  }
  if (resolvedAt === null && !(undatedTimes && endTime)) warn('No end time found')
  if (startedAt !== null && resolvedAt !== null) {
    if (resolvedAt < startedAt) warn('The end time is before the start time')
    else if (statedMs !== null && endTime && Math.abs(resolvedAt - startedAt - statedMs) > 60_000) {
      warn(
        `The stated duration (${formatDuration(statedMs)}) does not match the start and end (${formatDuration(resolvedAt - startedAt)})`,
      )
    }
  }
  const probe = startedAt ?? events.find((e) => e.at !== null)?.at ?? null
  if (
    stated &&
    stated.dst !== null &&
    probe !== null &&
    isSummerTime(probe, stated.tz) !== stated.dst
  ) {
    warn(
      `${stated.written} read as ${stated.tz} local time, which was on ${stated.dst ? 'standard' : 'summer'} time on ${formatInZone(probe, stated.tz, 'date')}`,
    )
  }

  // --- Words: impact, root cause, resolution, TODO items, the rest.
  const impactHit = field('impact')
  const impactText = impactHit?.value ?? null
  const severityHit = field('severity')
  let impact = severityHit ? impactLevel(severityHit.value, false) : null
  impact ??= impactHit ? impactLevel(impactHit.value, true) : null
  if (impact === null) warn('No impact level (severity) found')
  const usersHit = field('usersAffected')
  const usersAffectedPercent =
    (usersHit
      ? (usersAffectedShare(`${usersHit.value} of users`) ?? plainPercent(usersHit.value))
      : null) ?? (impactText ? usersAffectedShare(impactText) : null)

  const rcrFree = free
    .filter((f) => f.context === 'rootCauseResolution')
    .flatMap((f) => f.paragraphs)
  const detailedCause = field('rootCause', (h) => !inSummary(h))?.value ?? null
  const summaryCause = field('rootCause', inSummary)?.value ?? null
  const detailedFix = field('resolution', (h) => !inSummary(h))?.value ?? null
  let rootCause = detailedCause
  let resolution = detailedFix
  if (rcrFree.length) {
    if (!rootCause) rootCause = rcrFree[0] ?? null
    if (!resolution) resolution = rcrFree.slice(detailedCause ? 0 : 1).join('\n\n') || null
  }
  rootCause ??= summaryCause
  resolution ??= field('resolution', inSummary)?.value ?? null
  if (rootCause === null) warn('No root cause found')

  const corrective = readCorrective(chunks)
  if (corrective.todos.length === 0) warn('No TODO list found')

  const name = pickName(chunks, fields, opts.fileName)
  const summaryParts = free.filter((f) => f.context === 'summary').flatMap((f) => f.paragraphs)
  const fallbackName =
    startedAt !== null
      ? `Incident on ${formatInZone(startedAt, zone.tz, 'date')}`
      : 'Imported incident'
  if (!name) warn(`No title found; named it "${fallbackName}"`)

  return {
    name: name ?? fallbackName,
    startedAt,
    resolvedAt,
    timeZone: stated ? stated.tz : null,
    readInTimeZone: zone.tz,
    impact,
    impactText,
    usersAffectedPercent,
    rootCause,
    resolution,
    events,
    todos: corrective.todos,
    sections: {
      summary: field('summary')?.value ?? (summaryParts.length ? summaryParts.join('\n\n') : null),
      duration: durationHit?.value ?? null,
      statedDurationMs: statedMs,
      rootCauseSummary: detailedCause || rcrFree.length ? summaryCause : null,
      trigger: field('trigger')?.value ?? null,
      detection: field('detection')?.value ?? null,
      improvements: corrective.improvements,
      lessonsLearned: sectionText(chunks.filter((c) => c.kind === 'lessons')),
      other: chunks
        .filter((c) => c.kind === 'other')
        .map((c) => ({ title: c.title, body: linesToText(c.lines) }))
        .filter((s) => s.body !== ''),
    },
    warnings,
    fingerprint: fingerprintOf(markdown),
  }
}

function plainPercent(text: string): number | null {
  const m = /(\d{1,3}(?:\.\d+)?)\s*%/.exec(text)
  return m ? Number(m[1]) : null
}

function sectionText(chunks: Chunk[]): string | null {
  if (chunks.length === 0) return null
  const parts = chunks.map((c, i) => {
    const body = linesToText(c.lines)
    return i === 0 ? body : [c.title, body].filter(Boolean).join('\n')
  })
  const text = parts.filter(Boolean).join('\n\n').trim()
  return text || null
}

function pickName(
  chunks: Chunk[],
  fields: FieldHit[],
  fileName: string | undefined,
): string | null {
  const titled = fields.find((f) => f.field === 'title' && f.value.trim() !== '')
  const fromField = titled ? cleanTitle(titled.value) : null
  if (fromField) return fromField
  for (const chunk of chunks) {
    if (chunk.kind === 'preamble' && chunk.title) {
      const title = cleanTitle(chunk.title)
      if (title) return title
    }
  }
  for (const chunk of chunks) {
    const extra = chunk.extra ? cleanTitle(chunk.extra) : null
    if (extra) return extra
  }
  const preamble = chunks[0]
  const firstLine = preamble?.lines.find((l) => l.type === 'text')
  if (firstLine && firstLine.type === 'text') {
    const text = cleanTitle(firstLine.text)
    if (text && text.length <= 80 && !/:\s/.test(text) && !/^!?\[/.test(firstLine.text)) return text
  }
  return nameFromFile(fileName)
}
