import { leadingStamp } from './temporal.ts'
import { htmlToText, normalizeSource, plainLabel, stripEmoji, stripInline } from './text.ts'

// Splits a document into lines that know what they are (heading, list item, table row, text), then
// into chunks under section headings. Headings are recognised however they are written: `# X`,
// `##X`, setext underlines, a line that is only bold (`**Timeline:**`), or a bold section name
// followed by a title (`**Issue Summary** e-com disaster`). Sections are matched by meaning, not
// level, because real documents nest them arbitrarily (a `### Timeline` under `## Issue Summary`).

export type Line =
  | { type: 'blank' }
  | { type: 'rule' }
  | { type: 'code'; text: string }
  | { type: 'heading'; level: number; text: string; extra: string }
  | { type: 'table'; cells: string[]; separator: boolean }
  | { type: 'item'; indent: number; text: string; checked: boolean | null; ordered: boolean }
  | { type: 'text'; indent: number; text: string }

export type SectionKind =
  | 'preamble'
  | 'summary'
  | 'timeline'
  | 'rootCauseResolution'
  | 'field'
  | 'corrective'
  | 'lessons'
  | 'other'

export type FieldKind =
  | 'duration'
  | 'start'
  | 'end'
  | 'date'
  | 'impact'
  | 'severity'
  | 'usersAffected'
  | 'rootCause'
  | 'trigger'
  | 'resolution'
  | 'detection'
  | 'timeZone'
  | 'title'
  | 'summary'

export interface Chunk {
  kind: SectionKind
  /** The heading that opened the chunk (plain text), or '' for the preamble. */
  title: string
  /** Text after a bold section name on the same line, or a heading's trailing words. */
  extra: string
  level: number
  /** For kind 'field': which field the heading names. */
  field: FieldKind | null
  /** Inside corrective measures: 'todo' for a task list, 'improvements' for the rest. */
  sub: 'todo' | 'improvements' | null
  /** The kind of the enclosing section when this chunk is a field or sub-heading. */
  parent: SectionKind
  lines: Line[]
}

const PSEUDO_LEVEL = 7
const HOLDS_FIELDS = new Set<SectionKind>(['preamble', 'summary', 'rootCauseResolution'])

const SECTION_PATTERNS: [SectionKind, RegExp][] = [
  [
    'timeline',
    /\b(?:timeline|time line|chronology|sequence of events|event log|timeline of events)\b/i,
  ],
  [
    'rootCauseResolution',
    /\broot ?causes?\s*(?:and|&|\/|\+)\s*(?:resolution|fix|remediation|mitigation|recovery)/i,
  ],
  [
    'summary',
    /^(?:(?:issue|incident|outage|executive|event)\s+)?summary\b|^overview$|^tl;?\s?dr$|^abstract$|^incident details$/i,
  ],
  ['lessons', /lessons? learn(?:ed|t)|^what went well|^where we got lucky|^takeaways|^learnings/i],
  [
    'corrective',
    /corrective|preventa?tive|prevention|action items?|follow[- ]?ups?|remediations?|next steps|to-?dos?\b|\btasks?\b|improvements?|^fixes$|action plan|measures/i,
  ],
]

const FIELD_PATTERNS: [FieldKind, RegExp][] = [
  [
    'duration',
    /^(?:total\s+)?(?:outage\s+|incident\s+)?duration(?:\s+of\s+(?:the\s+)?(?:outage|incident|issue|event|disruption))?$|^(?:outage|incident)\s+(?:window|period)$|^when$|^time ?frame$/i,
  ],
  [
    'start',
    /^(?:start(?:ed)?(?:\s+(?:at|time|date))?|began|begin|(?:outage|incident|impact)\s+(?:start(?:ed)?|began)(?:\s+at)?|time (?:started|of incident))$/i,
  ],
  [
    'end',
    /^(?:end(?:ed)?(?:\s+(?:at|time|date))?|resolved(?:\s+at)?|recovered(?:\s+at)?|(?:outage|incident|impact)\s+(?:end(?:ed)?|resolved)(?:\s+at)?|time resolved)$/i,
  ],
  ['date', /^(?:date|incident date|date of (?:the )?(?:incident|outage)|day)$/i],
  [
    'severity',
    /^(?:severity|sev(?:erity)?\s*level|sev|impact level|priority|incident level|level)$/i,
  ],
  [
    'usersAffected',
    /^(?:(?:users|customers)\s+affected|affected\s+(?:users|customers)|share of users(?: affected)?)$/i,
  ],
  [
    'impact',
    /^(?:\w+\s+)?impact(?:\s+(?:summary|on users|on customers))?$|^what (?:was|were) affected$/i,
  ],
  [
    'rootCause',
    /^root ?causes?(?:\s+analysis)?$|^causes?$|^what went wrong$|^contributing factors$|^why (?:did )?it happen(?:ed)?$|^the problem$/i,
  ],
  ['trigger', /^trigger$/i],
  [
    'resolution',
    /^(?:resolution|recovery|mitigation|the fix|fix|how (?:we|it was) (?:fixed|resolved) it?|resolution and recovery)$/i,
  ],
  ['detection', /^detection(?:\s+method)?$|^how (?:it was|we) detected(?: it)?$/i],
  ['timeZone', /^(?:time ?zone|tz)$/i],
  ['title', /^(?:title|incident|incident name|name)$/i],
  ['summary', /^(?:summary|description|what happened)$/i],
]

export function classifySection(title: string): SectionKind | null {
  for (const [kind, pattern] of SECTION_PATTERNS) if (pattern.test(title)) return kind
  return null
}

export function classifyField(label: string): FieldKind | null {
  const text = label.replace(/\s*\(.*\)\s*$/, '').trim()
  for (const [kind, pattern] of FIELD_PATTERNS) if (pattern.test(text)) return kind
  return null
}

export function classifyCorrectiveSub(title: string): 'todo' | 'improvements' | null {
  if (
    /to-?\s?dos?\b|\btasks?\b|action items?|follow[- ]?ups?|next steps|remediations?|action plan/i.test(
      title,
    )
  )
    return 'todo'
  if (/improvements?|fixes|preventa?tive|corrective|measures/i.test(title)) return 'improvements'
  return null
}

const LESSONS_SUB =
  /^(?:what went (?:well|wrong|badly)|where we got lucky|what we learned|lessons?)/i

const ITEM = /^(\s*)([-*+\u2022]|\d{1,3}[.)])\s+(.*)$/
const CHECKBOX = /^\[( |x|X)\]\s*/
const ATX = /^\s{0,3}(#{1,6})(?:\s+|(?=[^#\s]))(.*?)(?:\s+#+)?\s*$/
const BOLD_LINE = /^\s*(\*\*|__)(.+?)\1\s*:?\s*$/
const BOLD_LEAD = /^\s*(\*\*|__)(.+?)\1\s*:?\s*(.*)$/
const RULE = /^\s{0,3}(?:(?:-\s*){3,}|(?:\*\s*){3,}|(?:_\s*){3,})$/
const TABLE_SEPARATOR = /^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)+\|?\s*$/
const FENCE = /^\s*(```|~~~)/

// Runs of spaces carry no meaning outside code blocks (which the reader skips), and collapsing them
// keeps every pattern below linear however much whitespace a line holds.
function tidy(line: string): string {
  const indent = /^ */.exec(line)![0]
  return indent.slice(0, 40) + line.slice(indent.length).trimEnd().replace(/ {2,}/g, ' ')
}

function splitCells(line: string): string[] {
  const cells = line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
  return cells.map((c) => c.replace(/\\\|/g, '|').trim())
}

// YAML front matter becomes plain "key: value" lines, which the field reader already understands.
function frontMatter(lines: string[]): string[] {
  if (lines[0]?.trim() !== '---') return lines
  const close = lines.findIndex((l, i) => i > 0 && /^(?:---|\.\.\.)\s*$/.test(l))
  if (close < 0) return lines
  return [...lines.slice(1, close), '', ...lines.slice(close + 1)]
}

/** The document as typed lines. */
export function toLines(markdown: string): Line[] {
  const raw = frontMatter(htmlToText(normalizeSource(markdown)).split('\n').map(tidy))
  const tableRows = new Set<number>()
  raw.forEach((line, i) => {
    if (!TABLE_SEPARATOR.test(line) || !line.includes('|') || i === 0) return
    tableRows.add(i - 1)
    tableRows.add(i)
    for (let j = i + 1; j < raw.length && raw[j]!.includes('|') && raw[j]!.trim() !== ''; j++)
      tableRows.add(j)
  })
  const out: Line[] = []
  let fence: string | null = null
  raw.forEach((line, i) => {
    const fenceMatch = FENCE.exec(line)
    if (fence) {
      if (fenceMatch && fenceMatch[1] === fence) fence = null
      else out.push({ type: 'code', text: line })
      return
    }
    if (fenceMatch) {
      fence = fenceMatch[1]!
      return
    }
    if (line.trim() === '') return out.push({ type: 'blank' })
    const prev = out.at(-1)
    // Setext: "Title\n=====" or "Title\n-----" after a plain text line.
    if (/^\s*(?:=+|-+)\s*$/.test(line) && prev?.type === 'text' && !tableRows.has(i)) {
      out.pop()
      out.push({
        type: 'heading',
        level: line.includes('=') ? 1 : 2,
        text: plainLabel(prev.text),
        extra: '',
      })
      return
    }
    if (tableRows.has(i) || (line.trim().startsWith('|') && line.trim().length > 1)) {
      return out.push({
        type: 'table',
        cells: splitCells(line),
        separator: TABLE_SEPARATOR.test(line),
      })
    }
    if (RULE.test(line)) return out.push({ type: 'rule' })
    const atx = ATX.exec(line)
    if (atx) {
      const text = atx[2] ?? ''
      return out.push({ type: 'heading', level: atx[1]!.length, text: plainLabel(text), extra: '' })
    }
    const bold = BOLD_LINE.exec(line)
    if (bold && !/^\s*\d/.test(stripInline(bold[2]!))) {
      return out.push({
        type: 'heading',
        level: PSEUDO_LEVEL,
        text: plainLabel(bold[2]!),
        extra: '',
      })
    }
    const lead = BOLD_LEAD.exec(line)
    if (lead) {
      const label = plainLabel(lead[2]!)
      if (classifySection(label) && !classifyField(label)) {
        const extra = stripEmoji(stripInline(lead[3] ?? ''))
        if (!/[.!?]$/.test(extra) && extra.split(/\s+/).length <= 8) {
          return out.push({ type: 'heading', level: PSEUDO_LEVEL, text: label, extra })
        }
      }
    }
    // "todo:" or "Timeline:" alone on a line heads a section as a bold line would.
    const plain = /^\s*([A-Za-z][\w /&'-]{0,40}):\s*$/.exec(line)
    if (plain && classifySection(plain[1]!)) {
      return out.push({
        type: 'heading',
        level: PSEUDO_LEVEL,
        text: plainLabel(plain[1]!),
        extra: '',
      })
    }
    const item = ITEM.exec(line)
    if (item && !RULE.test(line)) {
      let text = item[3] ?? ''
      const box = CHECKBOX.exec(text)
      if (box) text = text.slice(box[0].length)
      return out.push({
        type: 'item',
        indent: item[1]!.length,
        text,
        checked: box ? box[1] !== ' ' : null,
        ordered: /\d/.test(item[2]!),
      })
    }
    out.push({ type: 'text', indent: /^\s*/.exec(line)![0].length, text: line.trim() })
  })
  return out
}

/** Lines grouped under the headings that open them. */
export function toChunks(lines: Line[]): Chunk[] {
  const chunks: Chunk[] = []
  let section: { kind: SectionKind; level: number } = { kind: 'preamble', level: 0 }
  let current: Chunk = chunk('preamble', '', '', 0, null, null, 'preamble')
  chunks.push(current)
  for (const line of lines) {
    if (line.type !== 'heading') {
      current.lines.push(line)
      continue
    }
    const { text, level, extra } = line
    const field = classifyField(text)
    const kind = classifySection(text)
    const sub = classifyCorrectiveSub(text)
    const deeper = level > section.level
    if (section.kind === 'corrective' && sub && kind !== 'lessons') {
      current = chunk('corrective', text, extra, level, null, sub, 'corrective')
    } else if (section.kind === 'lessons' && deeper && LESSONS_SUB.test(text)) {
      current = chunk('lessons', text, extra, level, null, null, 'lessons')
    } else if (field && !kind) {
      // Field headings ("### Impact", "## Root Cause") fill the same slots as "Impact:" labels;
      // nested under a summary they are the summary's, standing alone they are sections.
      const nested = deeper && HOLDS_FIELDS.has(section.kind)
      current = chunk('field', text, extra, level, field, null, nested ? section.kind : 'field')
      if (!nested) section = { kind: 'field', level }
    } else if (kind) {
      section = { kind, level }
      current = chunk(kind, text, extra, level, null, kind === 'corrective' ? sub : null, kind)
    } else if (section.kind === 'preamble') {
      current = chunk('preamble', text, extra, level, null, null, 'preamble')
    } else if (deeper || (section.kind === 'timeline' && leadingStamp(text))) {
      current = chunk(section.kind, text, extra, level, null, current.sub, section.kind)
    } else {
      section = { kind: 'other', level }
      current = chunk('other', text, extra, level, null, null, 'other')
    }
    chunks.push(current)
  }
  return chunks
}

function chunk(
  kind: SectionKind,
  title: string,
  extra: string,
  level: number,
  field: FieldKind | null,
  sub: Chunk['sub'],
  parent: SectionKind,
): Chunk {
  return { kind, title, extra, level, field, sub, parent, lines: [] }
}
