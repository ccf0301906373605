import type { Chunk, Line } from './blocks.ts'
import { linesToText } from './fields.ts'
import type { ParsedTodo } from './types.ts'
import { plainLabel, stripInline } from './text.ts'

// TODO items: list items (checkboxes or plain bullets, numbered or not) or table rows under a task
// heading; sub-bullets belong to the item above them. Owners are read from "(@alice)",
// "— owner: Bob", "[Owner: X]", "Assignee: X", a trailing "@bob", or an Owner column.

const OWNER_PATTERNS: RegExp[] = [
  /\s*\[\s*(?:owner|assignee|assigned to|dri)\s*:\s*([^\]]+?)\s*\]/i,
  /\s*\(\s*(?:owner|assignee|assigned to|dri)\s*:\s*([^)]+?)\s*\)/i,
  /\s*\(\s*@([\w.-]+)\s*\)/,
  /\s*[-\u2013\u2014,;|]\s*(?:owner|owned by|assignee|assigned to|dri)\s*:?\s*@?([^,;()[\]]+?)\s*\.?$/i,
  /\s+(?:(?:owner|assignee|dri)\s*:|owned by|assigned to)\s*@?([^,;()[\]]+?)\s*\.?$/i,
  /\s+@([\w.-]+)\s*\.?$/,
]

const DONE_MARK =
  /^(?:\u2705|\u2714\uFE0F?|\u2611\uFE0F?|\[done\]|\(done\)|done:)\s*|\s*(?:\u2705|\u2714\uFE0F?|\(done\)|\[done\]|[-\u2013\u2014]\s*done)\s*$/i
const DONE_WORD =
  /^(?:done|complete(?:d)?|closed|fixed|resolved|shipped|yes|y|x|\u2705|\u2714\uFE0F?)$/i
const OPEN_WORD = /^(?:todo|open|pending|in progress|not started|no|n|planned|\u274c)$/i

export function readOwner(text: string): { text: string; owner: string | null } {
  for (const pattern of OWNER_PATTERNS) {
    const m = pattern.exec(text)
    if (m) {
      const owner = m[1]!.replace(/^@/, '').trim()
      const rest = (text.slice(0, m.index) + text.slice(m.index + m[0].length))
        .replace(/\s*[-\u2013\u2014,;|:]\s*$/, '')
        .replace(/\s{2,}/g, ' ')
        .trim()
      if (owner) return { text: rest, owner }
    }
  }
  return { text, owner: null }
}

function todoFrom(raw: string, checked: boolean | null): ParsedTodo {
  let text = raw.trim()
  let done = checked ?? false
  const struck = /^~~([\s\S]+)~~$/.exec(text)
  if (struck) {
    text = struck[1]!
    done = true
  }
  text = stripInline(text)
  if (DONE_MARK.test(text)) {
    done = checked ?? true
    text = text.replace(DONE_MARK, '').trim()
  }
  const owned = readOwner(text)
  return { text: owned.text, owner: owned.owner, done }
}

const TEXT_COLUMN =
  /\b(?:action|item|task|todo|to-do|description|what|remediation|follow|measure|fix)\b/i
const OWNER_COLUMN = /\b(?:owner|assignee|assigned|who|responsible|dri)\b/i
const STATUS_COLUMN = /\b(?:status|state|done|complete)\b/i

function tableTodos(rows: Extract<Line, { type: 'table' }>[]): ParsedTodo[] {
  const hasHeader = rows[1]?.separator === true
  const header = hasHeader ? rows[0]!.cells.map(plainLabel) : []
  const ownerCol = header.findIndex((h) => OWNER_COLUMN.test(h))
  const statusCol = header.findIndex((h, i) => i !== ownerCol && STATUS_COLUMN.test(h))
  let textCol = header.findIndex((h, i) => i !== ownerCol && i !== statusCol && TEXT_COLUMN.test(h))
  if (textCol < 0) textCol = [0, 1, 2].find((i) => i !== ownerCol && i !== statusCol) ?? 0
  const out: ParsedTodo[] = []
  for (const row of rows.slice(hasHeader ? 2 : 0)) {
    if (row.separator) continue
    const cell = (i: number) => (i >= 0 ? (row.cells[i] ?? '') : '')
    const box = /^\[( |x|X)\]\s*/.exec(cell(textCol))
    const todo = todoFrom(cell(textCol).slice(box ? box[0].length : 0), box ? box[1] !== ' ' : null)
    if (!todo.text) continue
    const owner = stripInline(cell(ownerCol)).replace(/^@/, '').trim()
    if (owner && !/^(?:n\/?a|-+|tbd|none)$/i.test(owner)) todo.owner = owner
    const status = stripInline(cell(statusCol)).trim()
    if (DONE_WORD.test(status) || /\bdone\b/i.test(status)) todo.done = true
    else if (OPEN_WORD.test(status)) todo.done = false
    out.push(todo)
  }
  return out
}

function readTodos(lines: Line[]): ParsedTodo[] {
  const out: { raw: string; checked: boolean | null; extra: string[] }[] = []
  const tables: ParsedTodo[] = []
  const items = lines.filter((l) => l.type === 'item')
  const base = items.length ? Math.min(...items.map((l) => l.indent)) : 0
  let current: (typeof out)[number] | null = null
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    if (line.type === 'table') {
      const rows: Extract<Line, { type: 'table' }>[] = []
      while (i < lines.length && lines[i]!.type === 'table') {
        rows.push(lines[i] as Extract<Line, { type: 'table' }>)
        i++
      }
      i--
      tables.push(...tableTodos(rows))
      current = null
    } else if (line.type === 'item') {
      if (current && line.indent > base + 1) current.extra.push(stripInline(line.text))
      else {
        current = { raw: line.text, checked: line.checked, extra: [] }
        out.push(current)
      }
    } else if (line.type === 'text' && current && line.indent > base) {
      current.extra.push(stripInline(line.text))
    } else if (line.type !== 'blank') current = null
  }
  const listed = out.map(({ raw, checked, extra }) => {
    const todo = todoFrom(raw, checked)
    if (extra.length) {
      const more = readOwner(extra.join(' '))
      todo.text = `${todo.text}${/[:.]$/.test(todo.text) ? ' ' : ': '}${more.text}`.trim()
      todo.owner ??= more.owner
    }
    return todo
  })
  return [...listed, ...tables].filter((t) => t.text !== '')
}

export interface TodoReading {
  todos: ParsedTodo[]
  /** Corrective measures that are not tasks (an "Improvements" list, sub-headed paragraphs). */
  improvements: string[]
}

/** TODO items from the task lists of the corrective-measures chunks. */
export function readCorrective(chunks: Chunk[]): TodoReading {
  const corrective = chunks.filter((c) => c.kind === 'corrective')
  const taskChunks = corrective.filter((c) => c.sub === 'todo')
  const sources = taskChunks.length ? taskChunks : corrective
  const todos = sources.flatMap((c) => readTodos(c.lines))
  const improvements: string[] = []
  for (const chunk of corrective) {
    if (sources.includes(chunk) && todos.length) continue
    const listed = chunk.lines.filter((l) => l.type === 'item')
    if (listed.length) {
      for (const l of listed) if (l.type === 'item') improvements.push(stripInline(l.text))
    } else if (classifiedTitle(chunk)) {
      const body = linesToText(chunk.lines)
      improvements.push(body ? `${chunk.title}: ${body}` : chunk.title)
    }
  }
  return { todos, improvements }
}

// A sub-heading under the measures ("### Regular Configuration Audits") rather than the section's
// own heading, which names the section and not a measure.
function classifiedTitle(chunk: Chunk): boolean {
  return !/corrective|preventa?tive|measures|improvements|action items|follow|remediation/i.test(
    chunk.title,
  )
}
