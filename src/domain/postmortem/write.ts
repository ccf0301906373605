import { EVENT_KIND_LABELS, IMPACT_LABELS } from '../enums.ts'
import { MINUTE_MS, zonedParts, zoneOffsetMs } from '../time.ts'
import { classifyField, classifySection } from './blocks.ts'
import type { PostmortemDocument } from './draft.ts'
import { plainLabel } from './text.ts'
import { wallToInstant } from './zones.ts'

// Writes a postmortem in the shape teams already use (DESIGN.md, "The postmortem document"): Issue
// Summary with duration, impact and root cause; Timeline; Root Cause and Resolution; Corrective and
// Preventative Measures with a TODO list. Every choice below is made so parsePostmortem reads the
// document back to the same incident and events: labelled fields, a date on every timeline entry,
// the kind written after the time, an explicit UTC offset where a local time is ambiguous (the hour
// a DST change repeats), and text laid out as the reader joins it (one line per paragraph, one per
// list item). The reader keeps words, not inline Markdown, so emphasis does not survive a round trip.

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const pad = (n: number, width = 2) => String(n).padStart(width, '0')
// Times are written to the second (seconds only when there are some); milliseconds are dropped.
const floorSecond = (ms: number) => Math.floor(ms / 1000) * 1000

/** True when the wall time of `ms` does not name `ms` alone in `tz` (the hour DST repeats). */
function needsOffset(ms: number, tz: string): boolean {
  const at = floorSecond(ms)
  const p = zonedParts(at, tz)
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second)
  return wallToInstant(wall, { tz, written: tz, dst: null, offsetMinutes: null }) !== at
}

function offsetText(ms: number, tz: string): string {
  const minutes = Math.round(zoneOffsetMs(floorSecond(ms), tz) / MINUTE_MS)
  const abs = Math.abs(minutes)
  return `UTC${minutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
}

const clockOf = (p: { hour: number; minute: number; second: number }) =>
  `${pad(p.hour)}:${pad(p.minute)}${p.second ? `:${pad(p.second)}` : ''}`

/** "Nov 21, 2026, 23:10" (or 23:10:42), with " UTC+01:00" when asked (or needed). */
export function postmortemStamp(ms: number, tz: string, withOffset = needsOffset(ms, tz)): string {
  const p = zonedParts(floorSecond(ms), tz)
  const text = `${MONTHS[p.month - 1]} ${p.day}, ${p.year}, ${clockOf(p)}`
  return withOffset ? `${text} ${offsetText(ms, tz)}` : text
}

/** "2 h 30 min", "1 day 4 h", "45 min": whole minutes (rounded down), as the reader reads them. */
export function formatElapsed(minutes: number): string {
  const m = Math.max(0, Math.floor(minutes))
  const days = Math.floor(m / 1440)
  const hours = Math.floor((m % 1440) / 60)
  const rest = m % 60
  const parts: string[] = []
  if (days) parts.push(`${days} ${days === 1 ? 'day' : 'days'}`)
  if (hours) parts.push(`${hours} h`)
  if (rest || parts.length === 0) parts.push(`${rest} min`)
  return parts.join(' ')
}

const sameDay = (a: number, b: number, tz: string) => {
  const p = zonedParts(floorSecond(a), tz)
  const q = zonedParts(floorSecond(b), tz)
  return p.year === q.year && p.month === q.month && p.day === q.day
}

/**
 * "Nov 21, 2026, 23:10 – Nov 22, 2026, 01:40 (Europe/Berlin), 2 h 30 min": both ends in the page's
 * zone, the end's date written whenever it differs, the length from the minutes written.
 */
export function formatPostmortemDuration(
  startedAt: number,
  resolvedAt: number | null,
  tz: string,
): string {
  if (resolvedAt === null) return `${postmortemStamp(startedAt, tz)} (${tz}), not resolved yet`
  // A reader applies one end's zone to the other when only one names it: explicit offsets go on
  // both ends or on neither.
  const offsets = needsOffset(startedAt, tz) || needsOffset(resolvedAt, tz)
  const start = postmortemStamp(startedAt, tz, offsets)
  const elapsed = formatElapsed((floorSecond(resolvedAt) - floorSecond(startedAt)) / MINUTE_MS)
  if (!offsets && sameDay(startedAt, resolvedAt, tz)) {
    const p = zonedParts(floorSecond(resolvedAt), tz)
    return `${start} \u2013 ${clockOf(p)} (${tz}), ${elapsed}`
  }
  return `${start} \u2013 ${postmortemStamp(resolvedAt, tz, offsets)} (${tz}), ${elapsed}`
}

// --- Text as the reader joins it ------------------------------------------------------------------

type Block = { list: false; text: string } | { list: true; items: string[] }

const ITEM = /^\s*(?:[-*+\u2022]|\d{1,3}[.)])\s+(.*)$/
const CHECKBOX = /^\[[ xX]\]\s*/
const RULE_LIKE = /^(?:[-*_]\s*){3,}$/
const BOLD_ONLY = /^(\*\*|__)(.+?)\1(\s*:?)\s*$/

/** Paragraphs (one line each) and lists (one line per item; nesting flattened, checkboxes dropped). */
function blocksOf(text: string): Block[] {
  const blocks: Block[] = []
  let paragraph: string[] = []
  let list: string[] | null = null
  let inItem = false
  const endParagraph = () => {
    if (paragraph.length) blocks.push({ list: false, text: paragraph.join(' ') })
    paragraph = []
  }
  const endList = () => {
    if (list?.length) blocks.push({ list: true, items: list })
    list = null
  }
  for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
    const line = raw.replace(/\s+/g, ' ').trim()
    if (line === '') {
      endParagraph()
      inItem = false
      continue
    }
    const item = ITEM.exec(raw)
    const itemText = item ? item[1]!.replace(CHECKBOX, '').replace(/\s+/g, ' ').trim() : ''
    if (item && itemText !== '' && !RULE_LIKE.test(line)) {
      endParagraph()
      ;(list ??= []).push(itemText)
      inItem = true
    } else if (inItem && list && /^\s/.test(raw)) {
      list[list.length - 1] += ` ${line}`
    } else {
      // Lists stay open across blank lines: "- a\n\n- b" and "- a\n- b" are one list.
      endList()
      paragraph.push(line)
      inItem = false
    }
  }
  endParagraph()
  endList()
  return blocks
}

/** A paragraph line that the reader would take for structure (a heading, table or rule) made plain. */
function plainLine(line: string): string {
  if (/^[#|]/.test(line) || RULE_LIKE.test(line)) return `\\${line}`
  const bold = BOLD_ONLY.exec(line)
  if (bold) return `${bold[2]}${bold[3]!.trim()}`
  return line
}

/** Text laid out as the reader returns it: a fixpoint of write → read. */
export function normalizeText(text: string): string {
  return blocksOf(text)
    .map((b) => (b.list ? b.items.map((i) => `- ${i}`).join('\n') : plainLine(b.text)))
    .join('\n\n')
}

/** Every paragraph and item as one list item (how the reader keeps corrective measures). */
function asItems(text: string): string[] {
  return blocksOf(text).flatMap((b) => (b.list ? b.items : [b.text]))
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim()

function firstSentence(text: string): string {
  const first = blocksOf(text)[0]
  const line = first ? (first.list ? (first.items[0] ?? '') : first.text) : ''
  const m = /^(.+?[.!?])(?=\s|$)/.exec(line)
  return m ? m[1]! : line
}

// The title goes into the heading only when the reader cannot take it for a section name
// ("Timeline service down" would open a timeline); the Incident field names it either way.
function titleHeading(title: string): string {
  const text = `Postmortem: ${oneLine(title)}`
  const label = plainLabel(text)
  return classifySection(label) === null && classifyField(label) === null && !/#\s*$/.test(text)
    ? `# ${text}`
    : '# Postmortem'
}

function owned(todo: { text: string; owner: string | null }): string {
  const text = oneLine(todo.text)
  if (!todo.owner) return text
  const owner = oneLine(todo.owner)
  return /^[\w.-]+$/.test(owner) ? `${text} (@${owner})` : `${text} (owner: ${owner})`
}

/** The postmortem as Markdown; parsePostmortem reads it back to the same incident and events. */
export function renderPostmortemMarkdown(doc: PostmortemDocument): string {
  const tz = doc.timeZone
  const out: string[] = [titleHeading(doc.title), '', '## Issue Summary', '']
  const impactText = oneLine(doc.impactText)
  const fields = [
    `- **Incident:** ${oneLine(doc.title)}`,
    `- **Duration:** ${formatPostmortemDuration(doc.startedAt, doc.resolvedAt, tz)}`,
    `- **Time zone:** ${tz}`,
    `- **Impact:** ${IMPACT_LABELS[doc.impact]}${impactText ? ` \u2014 ${impactText}` : ''}`,
  ]
  if (doc.usersAffectedPercent !== null)
    fields.push(`- **Users affected:** ${doc.usersAffectedPercent}%`)
  const cause = firstSentence(doc.rootCause)
  if (cause) fields.push(`- **Root cause:** ${cause}`)
  out.push(...fields, '')
  const summary = normalizeText(doc.summary)
  if (summary) out.push(summary, '')

  out.push('## Timeline', '')
  for (const e of doc.events) {
    const body = oneLine(e.body) || EVENT_KIND_LABELS[e.kind]
    out.push(
      `- **${postmortemStamp(e.at, tz)}** \u2014 ${EVENT_KIND_LABELS[e.kind]}: ${body}${e.internal ? ' (internal)' : ''}`,
    )
  }
  if (doc.events.length) out.push('')

  out.push('## Root Cause and Resolution', '', '### Root Cause', '')
  const rootCause = normalizeText(doc.rootCause)
  if (rootCause) out.push(rootCause, '')
  out.push('### Resolution', '')
  const resolution = normalizeText(doc.resolution)
  if (resolution) out.push(resolution, '')

  out.push('## Corrective and Preventative Measures', '')
  const measures = asItems(doc.measures)
  if (measures.length) out.push(...measures.map((m) => `- ${m}`), '')
  // "Action Items" is read as the task list and never as a measure, even when it is empty.
  out.push('### Action Items', '')
  for (const t of doc.todos) out.push(`- [${t.done ? 'x' : ' '}] ${owned(t)}`)
  if (doc.todos.length) out.push('')

  const lessons = normalizeText(doc.lessons ?? '')
  if (lessons) out.push('## Lessons Learned', '', lessons, '')
  return `${out.join('\n').trimEnd()}\n`
}
