import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { parsePostmortem, toDryRunJson } from '../../../src/domain/postmortem/index.ts'

// The five real postmortems in ../shared/seeds (next to the repository, not in it). Every number
// here was counted by hand from the documents: one timeline event per bullet or stamped line under
// the Timeline heading, whether or not it has a time.
const SEEDS = fileURLToPath(new URL('../../../../shared/seeds/', import.meta.url))
const present = existsSync(SEEDS)

interface SeedExpectation {
  name: string
  started: string
  resolved: string
  zone: string
  events: number
  /** Events that carry a time (the others are said to be undatable). */
  timed: number
  todos: number
  usersAffectedPercent: number
}

const EXPECTED: Record<string, SeedExpectation> = {
  // "July 29, 2023, 09:00 AM - Aug 04, 2023, 04:30 AM (UTC)"; six bullets, of which only
  // "Issue Detected" and "Resolution" give a time; "Tasks to Address the Issue" lists four.
  '000_59c76de4fcfe718b.txt': {
    name: 'Database Replication Failure',
    started: '2023-07-29T09:00:00+00:00',
    resolved: '2023-08-04T04:30:00+00:00',
    zone: 'UTC',
    events: 6,
    timed: 2,
    todos: 4,
    usersAffectedPercent: 74,
  },
  // "August 17, 2024 … from 10:30 AM to 12:45 PM UTC"; nine "- 10:30 AM:" entries; the measures
  // are sub-headed paragraphs, not a task list.
  '001_326f4faff54d9145.txt': {
    name: 'The Great Database Debacle: When Replication Went on a Coffee Break',
    started: '2024-08-17T10:30:00+00:00',
    resolved: '2024-08-17T12:45:00+00:00',
    zone: 'UTC',
    events: 9,
    timed: 9,
    todos: 0,
    usersAffectedPercent: 50,
  },
  // "March 15, 2023, 2:00 PM - 4:30 PM (UTC)"; eleven "**2:00 PM:**" bullets; five TODO items.
  '002_f79c4881a728cde4.txt': {
    name: 'The Great Database Outage of 2023',
    started: '2023-03-15T14:00:00+00:00',
    resolved: '2023-03-15T16:30:00+00:00',
    zone: 'UTC',
    events: 11,
    timed: 11,
    todos: 5,
    usersAffectedPercent: 80,
  },
  // "from 10:30 AM to 12:45 PM EDT on June 8, 2024"; ten "**10:30 AM** -" bullets; five TODOs.
  '003_5bf66fd0d0f969d6.txt': {
    name: 'e-com disaster',
    started: '2024-06-08T10:30:00-04:00',
    resolved: '2024-06-08T12:45:00-04:00',
    zone: 'America/New_York',
    events: 10,
    timed: 10,
    todos: 5,
    usersAffectedPercent: 80,
  },
  // "from 3:45 PM to 6:15 PM UTC on August 14, 2024"; ten bullets; four numbered tasks.
  '004_488839bb2a283a1f.txt': {
    name: 'Incident on Aug 14, 2024',
    started: '2024-08-14T15:45:00+00:00',
    resolved: '2024-08-14T18:15:00+00:00',
    zone: 'UTC',
    events: 10,
    timed: 10,
    todos: 4,
    usersAffectedPercent: 95,
  },
}

describe.skipIf(!present)(
  present
    ? 'the seed postmortems in ../shared/seeds'
    : 'the seed postmortems (skipped: ../shared/seeds is absent next to the repository)',
  () => {
    const files = present ? readdirSync(SEEDS).sort() : []
    const parse = (file: string) =>
      parsePostmortem(readFileSync(`${SEEDS}${file}`, 'utf8'), { fileName: file })

    it('has an expectation for every seed document', () => {
      expect(files).toEqual(Object.keys(EXPECTED).sort())
    })

    for (const [file, want] of Object.entries(EXPECTED)) {
      it(`imports ${file} with its start, end, zone and every timeline event`, () => {
        const parsed = parse(file)
        const json = toDryRunJson(parsed)
        expect(json.name).toBe(want.name)
        expect(json.started_at).toBe(want.started)
        expect(json.resolved_at).toBe(want.resolved)
        expect(json.time_zone).toBe(want.zone)
        expect(json.events).toHaveLength(want.events)
        expect(json.events.filter((e) => e.at !== null)).toHaveLength(want.timed)
        expect(json.todos).toHaveLength(want.todos)
        expect(parsed.usersAffectedPercent).toBe(want.usersAffectedPercent)
        expect(parsed.rootCause).toMatch(/misconfigur|mismatch|configuration/i)
      })

      it(`puts ${file}'s timed events in order within the outage, detection first`, () => {
        const parsed = parse(file)
        const times = parsed.events.flatMap((e) => (e.at === null ? [] : [e.at]))
        expect(times).toEqual([...times].sort((a, b) => a - b))
        expect(times[0]).toBe(parsed.startedAt)
        expect(times.at(-1)).toBe(parsed.resolvedAt)
        expect(parsed.events[0]?.kind).toBe('detection')
        expect(parsed.events.at(-1)?.kind).toBe('resolution')
      })
    }

    it('says which seed events it could not date, by number and text', () => {
      const warnings = parse('000_59c76de4fcfe718b.txt').warnings
      expect(warnings.filter((w) => w.startsWith('Could not date event'))).toEqual([
        'Could not date event 2: "Detection Method: Monitoring alert triggered due to a spike…"',
        'Could not date event 3: "Actions Taken: Initial investigation focused on the applica…"',
        'Could not date event 4: "Misleading Investigation: Believed the issue was related to…"',
        // "Escalation:" names the kind, so it is not kept in the body.
        'Could not date event 5: "Incident escalated to the database team when no code or ser…"',
      ])
    })

    it('reads the kinds the seed timelines spell out', () => {
      const kinds = parse('002_f79c4881a728cde4.txt').events.map((e) => e.kind)
      // 2:45 PM "Attempted a database restart", 3:15 PM "Escalated to the database
      // administration team", 3:45 PM "Initiated a restoration process".
      expect(kinds[4]).toBe('mitigation')
      expect(kinds[6]).toBe('escalation')
      expect(kinds[8]).toBe('mitigation')
      const seed003 = parse('003_5bf66fd0d0f969d6.txt').events
      // 11:00 AM "Misleading path: …" is an investigation even though it rolled something back.
      expect(seed003[3]?.kind).toBe('investigation')
      expect(seed003[4]?.kind).toBe('escalation')
    })

    it('gives the same fingerprint to the same seed every time and different ones to different seeds', () => {
      const prints = files.map((f) => parse(f).fingerprint)
      expect(new Set(prints).size).toBe(files.length)
      expect(files.map((f) => parse(f).fingerprint)).toEqual(prints)
    })
  },
)
