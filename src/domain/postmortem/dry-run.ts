import type { EventKind, Impact } from '../enums.ts'
import { formatDuration, formatInZone, toIsoWithOffset } from '../time.ts'
import type { ParsedPostmortem } from './types.ts'

// What `herald import --dry-run --json` prints: the parse in the issue's shape, timestamps as
// ISO-8601 with the offset of the document's zone, null wherever the document does not say.

export interface DryRunJson {
  name: string
  started_at: string | null
  resolved_at: string | null
  time_zone: string | null
  impact: Impact | null
  root_cause: string | null
  events: { at: string | null; body: string; kind: EventKind }[]
  todos: { text: string; owner: string | null; done: boolean }[]
  warnings: string[]
}

export function toDryRunJson(parsed: ParsedPostmortem): DryRunJson {
  const iso = (ms: number | null) =>
    ms === null ? null : toIsoWithOffset(ms, parsed.readInTimeZone)
  return {
    name: parsed.name,
    started_at: iso(parsed.startedAt),
    resolved_at: iso(parsed.resolvedAt),
    time_zone: parsed.timeZone,
    impact: parsed.impact,
    root_cause: parsed.rootCause,
    events: parsed.events.map((e) => ({ at: iso(e.at), body: e.body, kind: e.kind })),
    todos: parsed.todos.map((t) => ({ text: t.text, owner: t.owner, done: t.done })),
    warnings: [...parsed.warnings],
  }
}

/** A few lines for a person: what was read, and what was not. */
export function dryRunSummary(parsed: ParsedPostmortem, source?: string): string {
  const tz = parsed.readInTimeZone
  const when = (ms: number | null) =>
    ms === null ? '(not found)' : `${formatInZone(ms, tz, 'datetime')} (${toIsoWithOffset(ms, tz)})`
  const kinds = new Map<string, number>()
  for (const e of parsed.events) kinds.set(e.kind, (kinds.get(e.kind) ?? 0) + 1)
  const undated = parsed.events.filter((e) => e.at === null).length
  const done = parsed.todos.filter((t) => t.done).length
  const lines = [
    `${source ? `${source}: ` : ''}${parsed.name}`,
    `  started    ${when(parsed.startedAt)}`,
    `  resolved   ${when(parsed.resolvedAt)}`,
  ]
  if (
    parsed.startedAt !== null &&
    parsed.resolvedAt !== null &&
    parsed.resolvedAt >= parsed.startedAt
  )
    lines.push(`  duration   ${formatDuration(parsed.resolvedAt - parsed.startedAt)}`)
  lines.push(
    `  time zone  ${parsed.timeZone ?? `(not stated; read as ${tz})`}`,
    `  impact     ${parsed.impact ?? '(not stated)'}${parsed.usersAffectedPercent !== null ? `, ${parsed.usersAffectedPercent}% of users` : ''}`,
    `  events     ${parsed.events.length}${undated ? ` (${undated} without a time)` : ''}${kinds.size ? `: ${[...kinds].map(([k, n]) => `${n} ${k}`).join(', ')}` : ''}`,
    `  todos      ${parsed.todos.length}${parsed.todos.length ? ` (${done} done)` : ''}`,
    `  root cause ${parsed.rootCause ? truncateLine(parsed.rootCause) : '(not found)'}`,
  )
  if (parsed.warnings.length) {
    lines.push('  warnings:')
    for (const w of parsed.warnings) lines.push(`    - ${w}`)
  } else lines.push('  warnings:  none')
  return lines.join('\n')
}

function truncateLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > 90 ? `${flat.slice(0, 89)}\u2026` : flat
}
