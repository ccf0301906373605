import { readFileSync, readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { EventKind, Impact } from '../../../src/domain/enums.ts'
import { parsePostmortem, toDryRunJson } from '../../../src/domain/postmortem/index.ts'

// Our own documents, one per style real postmortems come in. Every expected value below was read
// off the document by hand (times converted with the zone the document names), not copied from
// the parser's output.

const DIR = new URL('../../fixtures/postmortems/', import.meta.url)
const read = (file: string) => readFileSync(new URL(file, DIR), 'utf8')

interface Expectation {
  style: string
  name: string
  started: string | null
  resolved: string | null
  zone: string | null
  impact: Impact | null
  /** Timeline entries counted by hand. */
  events: number
  /** [index, at, kind] for a few of them. */
  sample: [number, string | null, EventKind][]
  /** [owner, done] per TODO item, in order; and the first item's text. */
  todos: [string | null, boolean][]
  firstTodo?: string
  warnings: string[]
}

const FIXTURES: Record<string, Expectation> = {
  'google-sre.md': {
    style: 'Google SRE: labelled preamble, action-item table, OUTAGE BEGINS/ENDS markers',
    name: 'Recommendations Feed',
    started: '2024-02-06T17:02:00+00:00', // the OUTAGE BEGINS line
    resolved: '2024-02-06T18:49:00+00:00', // the OUTAGE ENDS line
    zone: 'UTC',
    impact: null,
    events: 10,
    sample: [
      [0, '2024-02-06T16:58:00+00:00', 'note'],
      [2, '2024-02-06T17:05:00+00:00', 'detection'],
      [5, '2024-02-06T17:40:00+00:00', 'escalation'],
      [7, '2024-02-06T18:10:00+00:00', 'mitigation'],
      [9, '2024-02-06T18:49:00+00:00', 'resolution'],
    ],
    todos: [
      ['priya', false],
      ['tomasz', true],
      ['oncall-feed', false],
    ],
    firstTodo: 'Version cache keys and migrate them on deploy',
    warnings: ['No impact level (severity) found'],
  },
  'atlassian-table.md': {
    style: 'Atlassian: summary sentence with the range, table timeline with a Kind column',
    name: 'Payments API degradation',
    started: '2024-02-12T14:30:00+01:00',
    resolved: '2024-02-12T15:10:00+01:00',
    zone: 'Europe/Paris', // CET
    impact: 'major', // SEV-2
    events: 8,
    sample: [
      [0, '2024-02-12T14:20:00+01:00', 'note'],
      [2, '2024-02-12T14:33:00+01:00', 'detection'],
      [4, '2024-02-12T14:41:00+01:00', 'escalation'],
      [6, '2024-02-12T15:02:00+01:00', 'mitigation'],
      [7, '2024-02-12T15:10:00+01:00', 'resolution'],
    ],
    todos: [
      ['Dana Ortiz', true],
      ['Lee', false],
    ],
    firstTodo: 'Add pool-size bounds to the config schema',
    warnings: [],
  },
  'slack-paste.md': {
    style: 'terse Slack paste: no headings, [10:02 AM] stamps, "todo:" list',
    name: 'checkout outage thu 2024-05-02, times PT',
    started: '2024-05-02T10:02:00-07:00', // PT in May is PDT
    resolved: '2024-05-02T10:34:00-07:00', // "all green, resolved"
    zone: 'America/Los_Angeles',
    impact: null,
    events: 7,
    sample: [
      [0, '2024-05-02T10:02:00-07:00', 'detection'],
      [1, '2024-05-02T10:04:00-07:00', 'escalation'],
      [4, '2024-05-02T10:21:00-07:00', 'mitigation'],
      [6, '2024-05-02T10:34:00-07:00', 'resolution'],
    ],
    todos: [
      ['ken', false],
      ['maya', true],
      [null, false],
    ],
    firstTodo: 'run index migrations off-peak only',
    warnings: ['No impact level (severity) found', 'No root cause found'],
  },
  'emoji-html.md': {
    style: 'HTML fragments with entities, emoji in headings and bodies, checkbox inputs',
    name: 'Login storm & token service meltdown',
    started: '2024-03-19T08:55:00+01:00',
    resolved: '2024-03-19T10:20:00+01:00',
    zone: 'Europe/Paris',
    impact: 'critical',
    events: 6,
    sample: [
      [0, '2024-03-19T08:55:00+01:00', 'detection'],
      [2, '2024-03-19T09:14:00+01:00', 'escalation'],
      [3, '2024-03-19T09:31:00+01:00', 'mitigation'],
      [4, '2024-03-19T09:48:00+01:00', 'communication'],
      [5, '2024-03-19T10:20:00+01:00', 'resolution'],
    ],
    todos: [
      ['Jonas', true],
      ['Aiko', false],
    ],
    firstTodo: 'Stagger certificate rotation restarts',
    warnings: [],
  },
  'three-days-dst.md': {
    style: 'three days across the US spring-forward, "**Saturday, March 9**" day lines',
    name: 'Storage cluster rebuild',
    started: '2024-03-09T21:40:00-08:00',
    resolved: '2024-03-11T06:15:00-07:00',
    zone: 'America/Los_Angeles',
    impact: 'major',
    events: 8,
    sample: [
      [2, '2024-03-09T23:30:00-08:00', 'escalation'],
      [3, '2024-03-10T01:30:00-08:00', 'mitigation'], // before 02:00, still PST
      [4, '2024-03-10T03:15:00-07:00', 'mitigation'], // after the jump, PDT
      [6, '2024-03-11T05:50:00-07:00', 'mitigation'],
      [7, '2024-03-11T06:15:00-07:00', 'resolution'],
    ],
    todos: [
      ['Sam', false],
      ['Ruth', false],
    ],
    warnings: [],
  },
  'midnight-24h.md': {
    style: '24-hour clock crossing midnight, no dates in the timeline, Follow-up checkboxes',
    name: 'Nightly billing run stuck',
    started: '2024-01-05T23:40:00+01:00',
    resolved: '2024-01-06T01:15:00+01:00',
    zone: 'Europe/Berlin',
    impact: 'minor', // SEV3
    events: 6,
    sample: [
      [1, '2024-01-05T23:52:00+01:00', 'investigation'],
      [2, '2024-01-06T00:05:00+01:00', 'investigation'],
      [4, '2024-01-06T00:47:00+01:00', 'mitigation'],
      [5, '2024-01-06T01:15:00+01:00', 'resolution'],
    ],
    todos: [
      ['alice', true],
      ['bob', false],
      [null, false],
    ],
    firstTodo: 'Move ledger migrations out of the billing window',
    warnings: ['No root cause found'],
  },
  'no-dates.md': {
    style: 'times with no date anywhere: nothing can be placed on a day',
    name: 'Cache stampede on the product pages',
    started: null,
    resolved: null,
    zone: 'America/New_York',
    impact: null,
    events: 5,
    sample: [
      [0, null, 'detection'],
      [2, null, 'mitigation'],
      [4, null, 'resolution'],
    ],
    todos: [
      ['Priya', false],
      ['Marcus', false],
    ],
    firstTodo: 'Add jitter to cache TTLs',
    warnings: [
      'No date found; times could not be placed on a day',
      'No impact level (severity) found',
    ],
  },
  'zone-in-summary.md': {
    style: 'zone only in a summary sentence ("All times below are IST"), Start/End labels',
    name: 'UPI payment callbacks delayed',
    started: '2023-11-14T18:45:00+05:30',
    resolved: '2023-11-14T20:05:00+05:30',
    zone: 'Asia/Kolkata',
    impact: null,
    events: 6,
    sample: [
      [0, '2023-11-14T18:45:00+05:30', 'detection'],
      [3, '2023-11-14T19:25:00+05:30', 'mitigation'],
      [4, '2023-11-14T19:40:00+05:30', 'communication'],
      [5, '2023-11-14T20:05:00+05:30', 'resolution'],
    ],
    todos: [],
    warnings: ['No impact level (severity) found', 'No TODO list found'],
  },
  'missing-end.md': {
    style: 'plain labels, start only, timeline still monitoring: no end',
    name: 'Search indexing lag',
    started: '2024-10-02T09:15:00+00:00',
    resolved: null,
    zone: 'UTC',
    impact: 'minor',
    events: 4,
    sample: [
      [0, '2024-10-02T09:15:00+00:00', 'detection'],
      [2, '2024-10-02T10:05:00+00:00', 'mitigation'],
      [3, '2024-10-02T11:30:00+00:00', 'note'],
    ],
    todos: [['Lin', false]],
    warnings: ['No end time found', 'No root cause found'],
  },
  'iso-timestamps.md': {
    style: 'YAML front matter, ISO-8601 timestamps with seconds, What went wrong, Follow-up',
    name: 'DNS resolver outage in ap-southeast',
    started: '2024-07-19T04:09:00+00:00',
    resolved: '2024-07-19T05:40:00+00:00',
    zone: 'UTC',
    impact: 'critical', // SEV1
    events: 5,
    sample: [
      [0, '2024-07-19T04:09:00+00:00', 'detection'],
      [1, '2024-07-19T04:12:30+00:00', 'escalation'],
      [3, '2024-07-19T05:02:00+00:00', 'mitigation'],
      [4, '2024-07-19T05:40:00+00:00', 'resolution'],
    ],
    todos: [
      ['noor', false],
      ['liam', false],
    ],
    warnings: [],
  },
  'offset-setext.md': {
    style: 'setext headings, plain labels, numbered timeline, explicit UTC+02:00 offset',
    name: 'Queue backlog in the EU region',
    started: '2024-09-14T08:00:00+02:00',
    resolved: '2024-09-14T11:30:00+02:00',
    zone: 'Etc/GMT-2', // the IANA name of a fixed +02:00
    impact: 'major', // P2
    events: 5,
    sample: [
      [0, '2024-09-14T08:00:00+02:00', 'detection'],
      [1, '2024-09-14T08:20:00+02:00', 'investigation'],
      [3, '2024-09-14T09:45:00+02:00', 'mitigation'],
      [4, '2024-09-14T11:30:00+02:00', 'resolution'],
    ],
    todos: [
      ['Sofia', false],
      ['Mehmet', false],
    ],
    warnings: [],
  },
  'heading-per-event.md': {
    style: 'one heading per event, zone on every time ("10:42 PT"), year only in the title',
    name: 'Mobile push notifications delayed (January 2024)',
    started: '2024-01-05T10:30:00-08:00',
    resolved: '2024-01-05T12:40:00-08:00',
    zone: 'America/Los_Angeles',
    impact: null,
    events: 5,
    sample: [
      [0, '2024-01-05T10:30:00-08:00', 'detection'],
      [1, '2024-01-05T10:42:00-08:00', 'investigation'],
      [2, '2024-01-05T11:15:00-08:00', 'escalation'],
      [3, '2024-01-05T12:05:00-08:00', 'mitigation'],
      [4, '2024-01-05T12:40:00-08:00', 'resolution'],
    ],
    todos: [['mobile-platform', false]],
    warnings: ['No impact level (severity) found', 'No root cause found'],
  },
  'narrative-est-in-summer.md': {
    style: 'narrative "At 9:58 AM EST," paragraphs; EST written in July; Lessons Learned',
    name: 'API gateway 502s',
    // Read as New York local time, which in July is EDT (−04:00), and said so.
    started: '2024-07-05T09:58:00-04:00',
    resolved: '2024-07-05T10:41:00-04:00',
    zone: 'America/New_York',
    impact: 'minor',
    events: 4,
    sample: [
      [0, '2024-07-05T09:58:00-04:00', 'detection'],
      [1, '2024-07-05T10:06:00-04:00', 'investigation'],
      [2, '2024-07-05T10:20:00-04:00', 'mitigation'],
      [3, '2024-07-05T10:41:00-04:00', 'resolution'],
    ],
    todos: [['Ines', false]],
    warnings: ['EST read as America/New_York local time, which was on summer time on Jul 5, 2024'],
  },
  'new-year-table.md': {
    style: 'header-less pipe table crossing midnight and the year, "Jan 1 00:07" without a year',
    name: "New Year's Eve checkout freeze",
    started: '2023-12-31T23:50:00+00:00',
    resolved: '2024-01-01T00:35:00+00:00',
    zone: 'UTC', // GMT
    impact: null,
    events: 5,
    sample: [
      [1, '2023-12-31T23:58:00+00:00', 'investigation'],
      [2, '2024-01-01T00:07:00+00:00', 'mitigation'],
      [3, '2024-01-01T00:20:00+00:00', 'escalation'],
      [4, '2024-01-01T00:35:00+00:00', 'resolution'],
    ],
    todos: [['ops', false]],
    warnings: ['No impact level (severity) found', 'No root cause found'],
  },
}

describe('parsePostmortem on our fixture documents', () => {
  it('has an expectation for every fixture file and at least twelve styles', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.md'))
    expect(files.sort()).toEqual(Object.keys(FIXTURES).sort())
    expect(files.length).toBeGreaterThanOrEqual(12)
  })

  for (const [file, want] of Object.entries(FIXTURES)) {
    it(`reads ${file} (${want.style})`, () => {
      const got = toDryRunJson(parsePostmortem(read(file), { fileName: file }))
      expect(got.name).toBe(want.name)
      expect(got.started_at).toBe(want.started)
      expect(got.resolved_at).toBe(want.resolved)
      expect(got.time_zone).toBe(want.zone)
      expect(got.impact).toBe(want.impact)
      expect(got.events).toHaveLength(want.events)
      for (const [index, at, kind] of want.sample) {
        expect(got.events[index], `event ${index}`).toMatchObject({ at, kind })
      }
      expect(got.todos.map((t) => [t.owner, t.done])).toEqual(want.todos)
      if (want.firstTodo) expect(got.todos[0]?.text).toBe(want.firstTodo)
      expect(got.warnings).toEqual(want.warnings)
    })
  }
})

describe('details the fixtures pin down', () => {
  it('places a dateless document on the date the caller supplies, and says so', () => {
    const parsed = parsePostmortem(read('no-dates.md'), { defaultDate: '2024-11-04' })
    const json = toDryRunJson(parsed)
    // ET on 4 November 2024 is EST (−05:00): DST ended on the 3rd.
    expect(json.started_at).toBe('2024-11-04T14:10:00-05:00')
    expect(json.resolved_at).toBe('2024-11-04T15:05:00-05:00')
    expect(json.events.map((e) => e.at)).toEqual([
      '2024-11-04T14:10:00-05:00',
      '2024-11-04T14:18:00-05:00',
      '2024-11-04T14:31:00-05:00',
      '2024-11-04T14:50:00-05:00',
      '2024-11-04T15:05:00-05:00',
    ])
    expect(json.warnings).toContain('No date found; assumed 2024-11-04')
    expect(json.warnings).not.toContain('No date found; times could not be placed on a day')
  })

  it('keeps the Google-style summary fields apart', () => {
    const parsed = parsePostmortem(read('google-sre.md'))
    expect(parsed.usersAffectedPercent).toBe(31)
    expect(parsed.sections.trigger).toBe('Deploy of release 4.12 to all regions at once.')
    expect(parsed.sections.detection).toBe(
      'A synthetic probe on the home feed paged the on-call engineer.',
    )
    expect(parsed.resolution).toBe(
      'Rolled back release 4.12 and warmed the cache from the nightly snapshot.',
    )
    expect(parsed.sections.lessonsLearned).toContain('Where we got lucky')
  })

  it('reads the Atlassian impact without the severity line, and keeps other sections', () => {
    const parsed = parsePostmortem(read('atlassian-table.md'))
    expect(parsed.impactText).toBe(
      '38% of card payments failed between 14:30 and 15:10. 1,240 support tickets were opened.',
    )
    expect(parsed.usersAffectedPercent).toBe(38)
    expect(parsed.resolution).toBe('The pool size was restored and the service redeployed.')
    expect(parsed.sections.other.map((s) => s.title)).toEqual([
      'Leadup',
      'Fault',
      'Response',
      'Five whys',
    ])
  })

  it('turns HTML into text: tags gone, entities decoded, emoji kept in bodies', () => {
    const parsed = parsePostmortem(read('emoji-html.md'))
    expect(parsed.events[0]?.body).toBe('🚨 Token service p99 latency alert fired (p99 > 4 s)')
    expect(parsed.impactText).toBe(
      '🚫 Sign-in failed for about 60% of users in the EU. Sessions already open kept working.',
    )
    expect(parsed.usersAffectedPercent).toBe(60)
    expect(JSON.stringify(parsed)).not.toMatch(/<\/?(?:li|p|strong|h\d|input)\b/)
  })

  it('joins a heading-per-event title and its paragraph into one body', () => {
    const parsed = parsePostmortem(read('heading-per-event.md'))
    expect(parsed.events[1]?.body).toBe(
      'Investigation: We looked at APNs error rates and found throttling responses.',
    )
    expect(parsed.events[2]?.body).toBe('Escalated to the mobile platform team')
  })

  it('takes the lessons’ "What went wrong" as a lesson, a top-level one as the root cause', () => {
    const lessons = parsePostmortem(read('narrative-est-in-summer.md'))
    expect(lessons.rootCause).toBe(
      'A kernel update on two gateway nodes broke their keep-alive handling.',
    )
    expect(lessons.sections.lessonsLearned).toContain('The kernel update skipped the canary stage.')
    const topLevel = parsePostmortem(read('iso-timestamps.md'))
    expect(topLevel.rootCause).toBe('The config validator accepted an empty upstream list.')
  })
})
