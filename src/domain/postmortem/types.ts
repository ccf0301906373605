import type { EventKind, Impact } from '../enums.ts'

export interface ParsedEvent {
  /** Epoch ms, or null when the document gives no time (or no date) for it. */
  at: number | null
  body: string
  kind: EventKind
}

export interface ParsedTodo {
  text: string
  owner: string | null
  done: boolean
}

export interface ParsedSections {
  /** Free text of the summary, when it has any beyond the labelled fields. */
  summary: string | null
  /** The duration as written ("July 29, 2023, 09:00 AM - Aug 04, 2023, 04:30 AM (UTC)"). */
  duration: string | null
  /** A length the document states ("lasting 2 hours and 15 minutes"), in ms. */
  statedDurationMs: number | null
  /** The one-sentence root cause of the summary, when the document also has a longer one. */
  rootCauseSummary: string | null
  trigger: string | null
  detection: string | null
  /** Corrective and preventative measures that are not TODO items. */
  improvements: string[]
  lessonsLearned: string | null
  /** Every other section, in document order (Conclusion, Five whys, Leadup…). */
  other: { title: string; body: string }[]
}

export interface ParsedPostmortem {
  name: string
  startedAt: number | null
  resolvedAt: number | null
  /** The IANA zone the document states, or null when it states none. */
  timeZone: string | null
  /** The zone times were read in: timeZone, else the assumed one (see warnings). */
  readInTimeZone: string
  impact: Impact | null
  impactText: string | null
  usersAffectedPercent: number | null
  rootCause: string | null
  resolution: string | null
  events: ParsedEvent[]
  todos: ParsedTodo[]
  sections: ParsedSections
  /** What could not be read, or was assumed, in plain words. */
  warnings: string[]
  /** sha-256 (hex) of the normalised document: the same document imported twice matches. */
  fingerprint: string
}

export interface ParseOptions {
  /** Zone to read times in when the document names none (e.g. the page's zone). */
  defaultTimeZone?: string
  /** The file the text came from; names the incident when the document has no title. */
  fileName?: string
  /** 'YYYY-MM-DD' to place times on when the document gives no date at all. */
  defaultDate?: string
}
