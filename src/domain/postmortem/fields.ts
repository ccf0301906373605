import type { Impact } from '../enums.ts'
import { classifyField, type Chunk, type FieldKind, type Line, type SectionKind } from './blocks.ts'
import { scanTemporal } from './temporal.ts'
import { plainLabel, stripInline } from './text.ts'

// Labelled values ("**Impact:** …", "- __Duration:__ …", "Severity: SEV-2", a two-column table
// row, or a heading such as "### Root Cause") wherever a summary-like part of the document has them.

export interface FieldHit {
  field: FieldKind
  value: string
  /** Where it was found: the summary's one-liners and the detailed sections differ. */
  context: SectionKind
}

export interface Collected {
  fields: FieldHit[]
  /** Paragraphs that are not labelled values, per section kind. */
  free: { context: SectionKind; title: string; paragraphs: string[] }[]
}

const BOLD_LABEL = /^(\*\*|__)(.+?)\1\s*(.*)$/
const PLAIN_LABEL = /^([A-Za-z][A-Za-z _/&'\u2019()-]{0,48}?)\s*:\s*(.*)$/

/** "Label: value" with the label bold or plain; null when the line is not labelled. */
export function splitLabel(raw: string): { label: string; value: string } | null {
  const text = raw.trim()
  const bold = BOLD_LABEL.exec(text)
  if (bold) {
    let label = bold[2]!.trim()
    let rest = bold[3] ?? ''
    if (label.endsWith(':')) label = label.slice(0, -1)
    else if (rest.startsWith(':')) rest = rest.slice(1)
    else return null
    return { label: plainLabel(label), value: rest.trim() }
  }
  const plain = PLAIN_LABEL.exec(stripInline(text))
  if (plain && plain[1]!.trim().split(/\s+/).length <= 6) {
    return { label: plainLabel(plain[1]!), value: plain[2]!.trim() }
  }
  return null
}

/** Lines as plain text: paragraphs joined by a blank line, list items one per line. */
export function linesToText(lines: Line[]): string {
  const blocks: string[] = []
  let current: string[] = []
  let joiner = ' '
  const flush = () => {
    if (current.length) blocks.push(current.join(joiner))
    current = []
  }
  for (const line of lines) {
    switch (line.type) {
      case 'blank':
      case 'rule':
        flush()
        break
      case 'text':
        if (joiner !== ' ') flush()
        joiner = ' '
        current.push(stripInline(line.text))
        break
      case 'item':
        if (joiner !== '\n') flush()
        joiner = '\n'
        current.push(`${line.indent > 1 ? '  ' : ''}- ${stripInline(line.text)}`)
        break
      case 'table':
        if (line.separator) break
        if (joiner !== '\n') flush()
        joiner = '\n'
        current.push(line.cells.map(stripInline).join(' | '))
        break
      default:
        break
    }
  }
  flush()
  return blocks.filter((b) => b.trim() !== '').join('\n\n')
}

const LABELLED_CONTEXTS = new Set<SectionKind>([
  'preamble',
  'summary',
  'rootCauseResolution',
  'field',
])

/** Every labelled value and free paragraph of the summary-like chunks. */
export function collectFields(chunks: Chunk[]): Collected {
  const fields: FieldHit[] = []
  const free: Collected['free'] = []
  for (const chunk of chunks) {
    const ownField = chunk.field
    if (chunk.kind === 'field' && ownField) {
      const inner = readLabelled(chunk.lines, chunk.parent)
      const value = linesToText(chunk.lines.filter((l) => !isMetaLine(l, ownField)))
      fields.push({ field: ownField, value, context: chunk.parent })
      // Metadata inside the section ("Severity: SEV-2" under "## Impact") still counts.
      fields.push(...inner.fields.filter((f) => f.field !== ownField && isMeta(f.field)))
      continue
    }
    if (!LABELLED_CONTEXTS.has(chunk.kind)) continue
    const own = readLabelled(chunk.lines, chunk.kind)
    fields.push(...own.fields)
    if (own.paragraphs.length)
      free.push({ context: chunk.kind, title: chunk.title, paragraphs: own.paragraphs })
  }
  return { fields, free }
}

const META = new Set<FieldKind>([
  'duration',
  'start',
  'end',
  'date',
  'severity',
  'usersAffected',
  'timeZone',
  'title',
])
const isMeta = (field: FieldKind) => META.has(field)

function isMetaLine(line: Line, own: FieldKind): boolean {
  if (line.type !== 'text' && line.type !== 'item') return false
  const labelled = splitLabel(line.text)
  const field = labelled && classifyField(labelled.label)
  return !!field && field !== own && isMeta(field)
}

function readLabelled(
  lines: Line[],
  context: SectionKind,
): { fields: FieldHit[]; paragraphs: string[] } {
  const fields: FieldHit[] = []
  const paragraphs: string[] = []
  let paragraph: string[] = []
  let open: FieldHit | null = null
  let blank = false
  let openIndent = 0
  const endParagraph = () => {
    if (paragraph.length) paragraphs.push(paragraph.join(' '))
    paragraph = []
  }
  for (const line of lines) {
    if (line.type === 'blank' || line.type === 'rule') {
      blank = true
      endParagraph()
      if (open && open.value !== '') open = null
      continue
    }
    if (line.type === 'table') {
      if (line.separator || line.cells.length < 2) continue
      const field = classifyField(plainLabel(line.cells[0]!))
      if (field) fields.push({ field, value: stripInline(line.cells[1]!), context })
      continue
    }
    if (line.type !== 'text' && line.type !== 'item') continue
    const labelled = splitLabel(line.text)
    const field = labelled && classifyField(labelled.label)
    if (labelled && field) {
      endParagraph()
      open = { field, value: stripInline(labelled.value), context }
      openIndent = line.type === 'item' ? line.indent : -1
      fields.push(open)
      blank = false
      continue
    }
    const text = stripInline(line.text)
    const continues =
      open !== null &&
      (open.value === '' ||
        (line.type === 'text' && !blank) ||
        (line.type === 'item' && openIndent >= 0 && line.indent > openIndent + 1))
    if (open && continues) {
      open.value = open.value ? `${open.value}${line.type === 'item' ? '\n- ' : ' '}${text}` : text
    } else {
      open = null
      if (line.type === 'item') {
        endParagraph()
        paragraphs.push(`- ${text}`)
      } else paragraph.push(text)
    }
    blank = false
  }
  endParagraph()
  return { fields, paragraphs }
}

/** The impact level a severity ("SEV-1", "P2", "Critical") or an impact line's first word names. */
export function impactLevel(text: string, strict: boolean): Impact | null {
  const t = stripInline(text).trim()
  const numbered = /^(?:sev(?:erity)?|p|priority|level)\s*[-:#]?\s*([0-5])\b/i.exec(t)
  const anywhere = strict ? null : /\b(?:sev(?:erity)?|priority)\s*[-:#]?\s*([0-5])\b/i.exec(t)
  const n = numbered ?? anywhere ?? (strict ? null : /^([0-5])$/.exec(t))
  if (n) {
    const level = Number(n[1])
    return level <= 1 ? 'critical' : level === 2 ? 'major' : level <= 4 ? 'minor' : 'none'
  }
  const word =
    /^(critical|blocker|emergency|major|high|severe|significant|minor|low|medium|moderate|none|no impact|negligible)\b/i.exec(
      t,
    )
  if (!word) return null
  const w = word[1]!.toLowerCase()
  if (/critical|blocker|emergency/.test(w)) return 'critical'
  if (/major|high|severe|significant/.test(w)) return 'major'
  if (/minor|low|medium|moderate/.test(w)) return 'minor'
  return 'none'
}

const SHARE =
  /(\d{1,3}(?:\.\d+)?)\s*%(?=\s+(?:of\s+)?(?:(?:our|the|all|active|total|its|their)\s+)*(?:[\w-]+\s+)?(?:users?|customers?|user ?base|clients?|accounts?|visitors?|requests?|traffic|sessions?|logins?|members?|shoppers?|merchants?|tenants?|payments?|transactions?|orders?|checkouts?|queries|calls)\b|\s+(?:were|was)\s+(?:affected|impacted))/i

/** The share of users affected ("74% of users", "80% of our user base"), or null. */
export function usersAffectedShare(text: string): number | null {
  const m = SHARE.exec(text)
  if (!m) return null
  const value = Number(m[1])
  return value >= 0 && value <= 100 ? value : null
}

const DURATION_PART = /(\d+(?:\.\d+)?)\s*(days?|d|hours?|hrs?|h|minutes?|mins?|m)(?![a-z])/gi
const UNIT_MS: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000 }

/** A length the text states ("2 hours and 15 minutes", "3d 4h"), ignoring clock times; or null. */
export function statedDuration(text: string): number | null {
  let masked = text
  for (const token of scanTemporal(text)) {
    masked =
      masked.slice(0, token.start) + ' '.repeat(token.end - token.start) + masked.slice(token.end)
  }
  let total = 0
  let any = false
  for (const m of masked.matchAll(DURATION_PART)) {
    const unit = m[2]!.toLowerCase()
    const key = unit.startsWith('d') ? 'd' : unit.startsWith('h') ? 'h' : 'm'
    total += Number(m[1]) * UNIT_MS[key]!
    any = true
  }
  return any ? Math.round(total) : null
}
