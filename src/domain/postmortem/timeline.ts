import { EVENT_KINDS, type EventKind } from '../enums.ts'
import { classifySection, type Chunk, type Line } from './blocks.ts'
import { explicitEventKind } from './kinds.ts'
import { leadingStamp, scanTemporal, type DateToken, type LeadingStamp } from './temporal.ts'
import { plainLabel, stripInline } from './text.ts'

// Timeline entries as written, before any date arithmetic: one per bullet, numbered item, stamped
// line, table row or stamped sub-heading; a line holding only a date ("**Monday, March 4**",
// "2024-03-04 (all times UTC)") is a marker that sets the day for the entries after it.

export interface Entry {
  /** A date line rather than an event. */
  marker: DateToken | null
  stamp: LeadingStamp | null
  /** "Escalation" in "Escalation: paged the DB team"; helps decide the kind. */
  label: string | null
  parts: string[]
  kind: EventKind | null
}

// "All times are UTC." above a list of events is not an event.
const ZONE_NOTE =
  /^\(?(?:all\s+)?times?\s+(?:are\s+|shown\s+|listed\s+)*(?:in\s+)?[\w/+:-]+\)?\.?$/i

const LABEL = /^([^:\d]{1,48}?):\s*(.*)$/s

// A kind written out ("Detection: …", "[mitigation] …", "(escalation) …") is the kind, not part of
// the body; this is also how an exported Herald postmortem reads back to the same events.
const KIND_NAMES = EVENT_KINDS.join('|')
const KIND_PREFIX = new RegExp(
  `^(?:\\[(${KIND_NAMES})\\]|\\((${KIND_NAMES})\\)|(${KIND_NAMES})\\s*(?::|\\s[-\u2013\u2014]))\\s*`,
  'i',
)

function kindPrefix(text: string): { kind: EventKind; rest: string } | null {
  const m = KIND_PREFIX.exec(text)
  if (!m) return null
  const kind = (m[1] ?? m[2] ?? m[3])!.toLowerCase() as EventKind
  return { kind, rest: text.slice(m[0].length) }
}

const asKind = (label: string) =>
  (EVENT_KINDS as readonly string[]).includes(label.toLowerCase())
    ? (label.toLowerCase() as EventKind)
    : null

function head(text: string): Pick<Entry, 'stamp' | 'label' | 'parts' | 'kind'> {
  const clean = stripInline(text)
  const stamp = leadingStamp(clean)
  if (stamp) {
    const tagged = kindPrefix(stamp.rest)
    const rest = tagged ? tagged.rest : stamp.rest
    return { stamp, label: null, parts: rest ? [rest] : [], kind: tagged?.kind ?? null }
  }
  const labelled = LABEL.exec(clean)
  if (labelled && labelled[1]!.trim().split(/\s+/).length <= 6) {
    const label = plainLabel(labelled[1]!)
    const kind = asKind(label)
    const after = leadingStamp(labelled[2]!)
    if (after && (after.time || after.date)) {
      const body = kind ? after.rest : after.rest ? `${label}: ${after.rest}` : label
      return { stamp: after, label, parts: [body || label], kind }
    }
    const body = kind ? labelled[2]!.trim() : clean
    return { stamp: null, label, parts: [body || clean], kind }
  }
  const tagged = kindPrefix(clean)
  if (tagged) return { stamp: null, label: null, parts: [tagged.rest], kind: tagged.kind }
  return { stamp: null, label: null, parts: clean ? [clean] : [], kind: null }
}

// A date with nothing else worth keeping: "March 5", "2015-10-21 (all times UTC)".
function dateOnly(stamp: LeadingStamp | null): DateToken | null {
  if (!stamp || stamp.time || !stamp.date) return null
  const rest = stamp.rest.replace(
    /^\(?(?:all\s+)?(?:times?\s+)?(?:are\s+)?(?:in\s+)?[A-Za-z/_+:\d-]{1,32}\)?$/i,
    '',
  )
  return rest.trim() === '' ? stamp.date : null
}

function entryFrom(text: string): Entry {
  const h = head(text)
  const marker = dateOnly(h.stamp)
  if (marker) return { marker, stamp: null, label: null, parts: [], kind: null }
  return { marker: null, ...h }
}

const TIME_COLUMN = /\b(?:time|when|timestamp|hour|clock)\b/i
const DATE_COLUMN = /\b(?:date|day)\b/i
const KIND_COLUMN = /\b(?:kind|type|category|phase|stage)\b/i
const BODY_COLUMN =
  /\b(?:event|description|what|action|details?|update|summary|message|activity|notes?)\b/i

function tableEntries(rows: Extract<Line, { type: 'table' }>[]): Entry[] {
  const hasHeader = rows[1]?.separator === true
  const header = hasHeader ? rows[0]!.cells.map(plainLabel) : null
  const find = (pattern: RegExp) => (header ? header.findIndex((h) => pattern.test(h)) : -1)
  const timeCol = find(TIME_COLUMN)
  const dateCol = header ? header.findIndex((h, i) => i !== timeCol && DATE_COLUMN.test(h)) : -1
  const kindCol = find(KIND_COLUMN)
  const bodyCol = header
    ? header.findIndex((h, i) => i !== timeCol && i !== kindCol && BODY_COLUMN.test(h))
    : -1
  const out: Entry[] = []
  for (const row of rows.slice(hasHeader ? 2 : 0)) {
    if (row.separator) continue
    const cells = row.cells.map(stripInline)
    let stampCol = timeCol
    if (stampCol < 0) stampCol = cells.findIndex((c) => leadingStamp(c)?.time)
    const when = [dateCol >= 0 ? cells[dateCol] : '', stampCol >= 0 ? cells[stampCol] : '']
      .filter(Boolean)
      .join(' ')
    const stamp = when ? leadingStamp(when) : null
    const kind = kindCol >= 0 ? explicitEventKind(cells[kindCol] ?? '') : null
    const bodyCells =
      bodyCol >= 0
        ? [cells[bodyCol] ?? '']
        : cells.filter((_, i) => i !== stampCol && i !== dateCol && i !== kindCol)
    const body = bodyCells.filter((c) => c.trim() !== '').join(' \u2014 ')
    if (!stamp && !body) continue
    const marker = !body ? dateOnly(stamp) : null
    if (marker) out.push({ marker, stamp: null, label: null, parts: [], kind: null })
    else
      out.push({
        marker: null,
        stamp,
        label: null,
        parts: [stamp?.rest, body].filter((p): p is string => !!p),
        kind,
      })
  }
  return out
}

/** The entries of the timeline chunks, in document order. */
export function readEntries(chunks: Chunk[]): Entry[] {
  const entries: Entry[] = []
  chunks.forEach((chunk, index) => {
    // The section heading itself may carry the day ("Timeline — January 5, 2024").
    if (index === 0 || classifySection(chunk.title) === 'timeline' || chunk.title === '') {
      const date = scanTemporal(chunk.title).find((t): t is DateToken => t.kind === 'date')
      if (date) entries.push({ marker: date, stamp: null, label: null, parts: [], kind: null })
    } else {
      const fromTitle = entryFrom(chunk.title)
      if (fromTitle.marker || fromTitle.stamp?.time) {
        entries.push(fromTitle)
        if (!fromTitle.marker) {
          // "### 10:42 PT — Investigation" over a paragraph reads "Investigation: We looked…".
          const title = fromTitle.parts[0]
          readLines(chunk.lines, entries, fromTitle)
          if (title && fromTitle.parts.length > 1 && !/[.:!?]$/.test(title))
            fromTitle.parts[0] = `${title}:`
          return
        }
      }
    }
    readLines(chunk.lines, entries, null)
  })
  return entries
}

function readLines(lines: Line[], entries: Entry[], opened: Entry | null): void {
  let current = opened
  let blank = false
  const items = lines.filter((l) => l.type === 'item')
  const base = items.length ? Math.min(...items.map((l) => l.indent)) : 0
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    switch (line.type) {
      case 'blank':
        blank = true
        continue
      case 'rule':
        current = null
        break
      case 'code':
        continue
      case 'heading':
        current = null
        break
      case 'table': {
        const rows: Extract<Line, { type: 'table' }>[] = []
        while (i < lines.length && lines[i]!.type === 'table') {
          rows.push(lines[i] as Extract<Line, { type: 'table' }>)
          i++
        }
        i--
        entries.push(...tableEntries(rows))
        current = null
        break
      }
      case 'item': {
        if (current && !current.marker && line.indent > base + 1) {
          current.parts.push(stripInline(line.text))
          break
        }
        if (ZONE_NOTE.test(stripInline(line.text))) break
        const entry = entryFrom(line.text)
        entries.push(entry)
        current = entry.marker ? null : entry
        break
      }
      case 'text': {
        const entry = entryFrom(line.text)
        if (entry.marker || entry.stamp) {
          entries.push(entry)
          current = entry.marker ? null : entry
        } else if (current && (!blank || line.indent > 0 || current.parts.length === 0)) {
          current.parts.push(stripInline(line.text))
        } else current = null
        break
      }
    }
    blank = false
  }
}

/** Entries with a time in them: how a chunk without a Timeline heading can still hold one. */
export function countStamped(chunk: Chunk): number {
  const entries: Entry[] = []
  readLines(chunk.lines, entries, null)
  return entries.filter((e) => e.stamp?.time).length
}
