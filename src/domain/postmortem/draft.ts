import { IMPACT_LABELS, type EventKind, type Impact } from '../enums.ts'
import { sortTimelineOldestFirst } from '../incident-status.ts'
import type { Component, Incident, PageSettings, TimelineEvent } from '../types.ts'
import { inferEventKind } from './kinds.ts'
import type { ParsedPostmortem } from './types.ts'
import { normalizeText } from './write.ts'

// The postmortem as a document (issue 6): the incident's record (name, impact, start and end, the
// whole timeline, internal events included) plus the sections responders write. The same model is
// rendered to Markdown (write.ts), shown on the incident page, and built back from an imported
// document (importPlanFrom), so export and import meet in one shape.

export interface DocumentTodo {
  text: string
  owner: string | null
  done: boolean
}

/** The parts of a postmortem people write; everything else comes from the incident. */
export interface PostmortemSections {
  summary: string
  impactText: string
  usersAffectedPercent: number | null
  rootCause: string
  resolution: string
  measures: string
  lessons: string | null
  todos: DocumentTodo[]
}

export interface DocumentEvent {
  at: number
  kind: EventKind
  body: string
  /** An internal note: in the postmortem by design, marked so it stays internal when imported. */
  internal: boolean
}

export interface PostmortemDocument extends PostmortemSections {
  title: string
  /** The page's zone: every time in the document is written in it. */
  timeZone: string
  startedAt: number
  resolvedAt: number | null
  impact: Impact
  /** Oldest first. */
  events: DocumentEvent[]
}

/** The kind an event goes into the postmortem with: its own, else what its words and place say. */
export function documentKind(event: TimelineEvent, first: boolean): EventKind {
  if (event.kind) return event.kind
  if (event.status === 'resolved') return 'resolution'
  if (first) return 'detection'
  return inferEventKind(event.body)
}

export function documentEvents(events: readonly TimelineEvent[]): DocumentEvent[] {
  return sortTimelineOldestFirst(events).map((e, i) => ({
    at: e.at,
    kind: documentKind(e, i === 0),
    body: e.body,
    internal: e.visibility === 'internal',
  }))
}

/** "API, Search and Dashboard" */
function nameList(names: string[]): string {
  if (names.length <= 1) return names[0] ?? ''
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`
}

/**
 * What a fresh draft says before anyone edits it: the affected (visible) components as the impact,
 * the resolution events' words as the resolution; root cause, measures and TODO items empty.
 */
export function draftSections(
  incident: Incident,
  events: readonly TimelineEvent[],
  components: readonly Component[],
): PostmortemSections {
  const affected = new Set(incident.componentIds)
  const names = components.filter((c) => affected.has(c.id) && c.visible).map((c) => c.name)
  const resolution = documentEvents(events)
    .filter((e) => e.kind === 'resolution' && !e.internal)
    .map((e) => e.body.trim())
  return {
    summary: '',
    impactText: names.length
      ? `${nameList(names)} ${names.length === 1 ? 'was' : 'were'} affected.`
      : '',
    usersAffectedPercent: null,
    rootCause: '',
    resolution: resolution.join('\n\n'),
    measures: '',
    lessons: null,
    todos: [],
  }
}

/** The whole document: the incident's record with these sections. */
export function composeDocument(
  incident: Pick<Incident, 'name' | 'impact' | 'startedAt' | 'resolvedAt'>,
  events: readonly TimelineEvent[],
  timeZone: string,
  sections: PostmortemSections,
): PostmortemDocument {
  return {
    title: incident.name,
    timeZone,
    startedAt: incident.startedAt,
    resolvedAt: incident.resolvedAt,
    impact: incident.impact,
    events: documentEvents(events),
    ...sections,
    todos: sections.todos.map((t) => ({ text: t.text, owner: t.owner, done: t.done })),
  }
}

/** "Draft postmortem": the document built from the record alone. `events` must include internal ones. */
export function draftFromIncident(
  incident: Incident,
  events: readonly TimelineEvent[],
  components: readonly Component[],
  settings: Pick<PageSettings, 'timeZone'>,
): PostmortemDocument {
  return composeDocument(
    incident,
    events,
    settings.timeZone,
    draftSections(incident, events, components),
  )
}

// --- Reading back: a parsed document as an incident to create -----------------------------------

export interface ImportPlan {
  name: string
  impact: Impact
  startedAt: number
  resolvedAt: number
  /** Every timeline entry, in document order; undated ones placed and marked (UNDATED_MARK). */
  events: DocumentEvent[]
  sections: PostmortemSections
  /** The reader's warnings and what importing adds to them. */
  warnings: string[]
}

export type ImportPlanResult = { ok: true; plan: ImportPlan } | { ok: false; reason: string }

const INTERNAL_MARK = /\s*\(internal\)\s*$/i
const IMPACT_PREFIX = new RegExp(
  `^(?:${Object.values(IMPACT_LABELS).join('|')})(?:\\s*[\\u2014\\u2013:-]\\s*|\\s*$)`,
  'i',
)

/** Starts the body of an imported event whose entry gave no time, so no reader takes it for one. */
export const UNDATED_MARK = '(time not given)'

/**
 * What importing a parsed document creates. An entry without a time is kept, so the history is
 * complete: it goes at the time of the dated entry before it (the first dated one, or the start,
 * when none is before it), keeps its place in the document's order, and is marked in its body and
 * in the warnings rather than given a time silently. A document without any start time cannot
 * become an incident.
 */
export function importPlanFrom(parsed: ParsedPostmortem): ImportPlanResult {
  const warnings = [...parsed.warnings]
  const dated = parsed.events.filter((e): e is typeof e & { at: number } => e.at !== null)
  const startedAt = parsed.startedAt ?? dated[0]?.at ?? null
  if (startedAt === null) {
    return { ok: false, reason: 'no start time could be read, so it cannot become an incident' }
  }
  const undated = parsed.events.length - dated.length
  if (undated > 0) {
    warnings.push(
      `${undated} of ${parsed.events.length} timeline events have no time; each was imported at the time of the event before it, marked "${UNDATED_MARK}"`,
    )
  }
  let resolvedAt = parsed.resolvedAt
  if (resolvedAt === null) {
    resolvedAt = Math.max(startedAt, ...dated.map((e) => e.at))
    warnings.push('Imported as resolved at the last time the document gives')
  } else if (resolvedAt < startedAt) {
    resolvedAt = startedAt
    warnings.push('Imported as resolved when it started, since the end is before the start')
  }
  const impact = parsed.impact ?? 'minor'
  if (parsed.impact === null) warnings.push('Imported with minor impact')
  for (const other of parsed.sections.other) {
    warnings.push(
      `The section "${other.title}" is not part of a Herald postmortem and was left out`,
    )
  }
  // Ids are handed out in this order, and the timeline sorts by time then id, so an undated entry
  // placed at its neighbour's time stays where the document put it.
  let previous = Math.min(startedAt, dated[0]?.at ?? startedAt)
  const events = parsed.events.map((e) => {
    const internal = INTERNAL_MARK.test(e.body)
    const body = e.body.replace(INTERNAL_MARK, '').trim() || kindWord(e.kind)
    if (e.at === null)
      return { at: previous, kind: e.kind, body: `${UNDATED_MARK} ${body}`, internal }
    previous = e.at
    return { at: e.at, kind: e.kind, body, internal }
  })
  const impactText = (parsed.impactText ?? '').replace(IMPACT_PREFIX, '').trim()
  return {
    ok: true,
    plan: {
      name: parsed.name,
      impact,
      startedAt,
      resolvedAt,
      events,
      sections: {
        summary: normalizeText(parsed.sections.summary ?? ''),
        impactText: normalizeText(impactText),
        usersAffectedPercent: parsed.usersAffectedPercent,
        rootCause: normalizeText(parsed.rootCause ?? ''),
        resolution: normalizeText(parsed.resolution ?? ''),
        measures: parsed.sections.improvements.map((m) => `- ${oneLine(m)}`).join('\n'),
        lessons: normalizeText(parsed.sections.lessonsLearned ?? '') || null,
        todos: parsed.todos.map((t) => ({ text: t.text, owner: t.owner, done: t.done })),
      },
      warnings,
    },
  }
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim()
const kindWord = (kind: EventKind) => kind.charAt(0).toUpperCase() + kind.slice(1)
