import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { EVENT_KINDS, IMPACTS } from '../../../src/domain/enums.ts'
import {
  draftFromIncident,
  formatElapsed,
  formatPostmortemDuration,
  importPlanFrom,
  parsePostmortem,
  renderPostmortemMarkdown,
  type PostmortemDocument,
} from '../../../src/domain/postmortem/index.ts'
import type { Component, Incident, TimelineEvent } from '../../../src/domain/types.ts'

// The writing half of issue 6: the document Herald writes, its durations across midnight, days,
// zones and DST changes, and that the reader gets back exactly what was written.

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

const incident = (over: Partial<Incident> = {}): Incident => ({
  id: 'inc1',
  name: 'Checkout failures',
  impact: 'major',
  status: 'resolved',
  startedAt: Date.UTC(2026, 10, 21, 22, 10),
  resolvedAt: Date.UTC(2026, 10, 22, 0, 40),
  createdAt: 0,
  updatedAt: 0,
  createdBy: null,
  componentIds: ['c1', 'c2', 'c3'],
  ...over,
})

const event = (over: Partial<TimelineEvent> & Pick<TimelineEvent, 'id' | 'at' | 'body'>) =>
  ({
    incidentId: 'inc1',
    postedAt: over.at,
    authorId: null,
    authorName: null,
    visibility: 'public',
    status: null,
    kind: null,
    notify: true,
    componentChanges: [],
    editedAt: null,
    ...over,
  }) as TimelineEvent

const component = (id: string, name: string, visible = true): Component => ({
  id,
  name,
  description: null,
  groupId: null,
  position: 0,
  visible,
  status: 'operational',
  createdAt: 0,
  updatedAt: 0,
})

describe('draftFromIncident', () => {
  const events = [
    event({ id: 'e3', at: Date.UTC(2026, 10, 22, 0, 40), body: 'Fixed.', status: 'resolved' }),
    event({
      id: 'e1',
      at: Date.UTC(2026, 10, 21, 22, 10),
      body: 'Checkout fails.',
      status: 'investigating',
    }),
    event({
      id: 'e2',
      at: Date.UTC(2026, 10, 21, 23, 0),
      body: 'Rolled back the deploy',
      visibility: 'internal',
    }),
  ]

  it('takes every event in time order with a kind, internal ones included', () => {
    const doc = draftFromIncident(incident(), events, [], { timeZone: 'Europe/Berlin' })
    expect(doc.events).toEqual([
      {
        at: Date.UTC(2026, 10, 21, 22, 10),
        kind: 'detection',
        body: 'Checkout fails.',
        internal: false,
      },
      {
        at: Date.UTC(2026, 10, 21, 23, 0),
        kind: 'mitigation',
        body: 'Rolled back the deploy',
        internal: true,
      },
      { at: Date.UTC(2026, 10, 22, 0, 40), kind: 'resolution', body: 'Fixed.', internal: false },
    ])
  })

  it('names the visible affected components as the impact and leaves the root cause to people', () => {
    const doc = draftFromIncident(
      incident(),
      events,
      [
        component('c1', 'API'),
        component('c2', 'Search'),
        component('c3', 'Secret', false),
        component('c9', 'Other'),
      ],
      { timeZone: 'UTC' },
    )
    expect(doc).toMatchObject({
      impact: 'major',
      impactText: 'API and Search were affected.',
      rootCause: '',
      resolution: 'Fixed.',
      usersAffectedPercent: null,
      todos: [],
    })
  })

  it('writes the document in the shape teams use', () => {
    const doc = draftFromIncident(incident(), events, [component('c1', 'API')], {
      timeZone: 'Europe/Berlin',
    })
    expect(renderPostmortemMarkdown({ ...doc, rootCause: 'A bad deploy. It broke checkout.' }))
      .toBe(`# Postmortem: Checkout failures

## Issue Summary

- **Incident:** Checkout failures
- **Duration:** Nov 21, 2026, 23:10 \u2013 Nov 22, 2026, 01:40 (Europe/Berlin), 2 h 30 min
- **Time zone:** Europe/Berlin
- **Impact:** Major \u2014 API was affected.
- **Root cause:** A bad deploy.

## Timeline

- **Nov 21, 2026, 23:10** \u2014 Detection: Checkout fails.
- **Nov 22, 2026, 00:00** \u2014 Mitigation: Rolled back the deploy (internal)
- **Nov 22, 2026, 01:40** \u2014 Resolution: Fixed.

## Root Cause and Resolution

### Root Cause

A bad deploy. It broke checkout.

### Resolution

Fixed.

## Corrective and Preventative Measures

### Action Items
`)
  })
})

describe('formatPostmortemDuration', () => {
  it.each([
    [
      'crossing midnight',
      Date.UTC(2026, 10, 21, 22, 10),
      Date.UTC(2026, 10, 22, 0, 40),
      'Europe/Berlin',
      'Nov 21, 2026, 23:10 \u2013 Nov 22, 2026, 01:40 (Europe/Berlin), 2 h 30 min',
    ],
    [
      'within a day',
      Date.UTC(2024, 5, 8, 14, 30),
      Date.UTC(2024, 5, 8, 16, 45),
      'America/New_York',
      'Jun 8, 2024, 10:30 \u2013 12:45 (America/New_York), 2 h 15 min',
    ],
    [
      'over days and a DST change (23-hour Sunday)',
      Date.UTC(2024, 2, 10, 5, 40), // Sat Mar 9, 21:40 PST
      Date.UTC(2024, 2, 11, 13, 15), // Mon Mar 11, 06:15 PDT
      'America/Los_Angeles',
      'Mar 9, 2024, 21:40 \u2013 Mar 11, 2024, 06:15 (America/Los_Angeles), 1 day 7 h 35 min',
    ],
    [
      'in the hour DST repeats, with offsets on both ends',
      Date.UTC(2026, 9, 24, 23, 50), // 01:50 CEST
      Date.UTC(2026, 9, 25, 1, 10), // 02:10 CET, the second 02:10 that night
      'Europe/Berlin',
      'Oct 25, 2026, 01:50 UTC+02:00 \u2013 Oct 25, 2026, 02:10 UTC+01:00 (Europe/Berlin), 1 h 20 min',
    ],
    [
      'to the second when there are seconds',
      Date.UTC(2024, 0, 1, 9, 0, 30),
      Date.UTC(2024, 0, 1, 9, 45),
      'UTC',
      'Jan 1, 2024, 09:00:30 \u2013 09:45 (UTC), 44 min',
    ],
  ])('writes an outage %s', (_what, start, end, tz, expected) => {
    expect(formatPostmortemDuration(start, end, tz)).toBe(expected)
  })

  it('says when an incident is not resolved', () => {
    expect(formatPostmortemDuration(Date.UTC(2024, 0, 1, 9), null, 'UTC')).toBe(
      'Jan 1, 2024, 09:00 (UTC), not resolved yet',
    )
  })

  it('writes lengths in days, hours and minutes', () => {
    expect([0, 45, 60, 150, 1440, 2 * 1440 + 61].map(formatElapsed)).toEqual([
      '0 min',
      '45 min',
      '1 h',
      '2 h 30 min',
      '1 day',
      '2 days 1 h 1 min',
    ])
  })
})

// --- properties -------------------------------------------------------------------------------

const ZONES = [
  'UTC',
  'Europe/Berlin',
  'Europe/London',
  'America/New_York',
  'America/Los_Angeles',
  'America/St_Johns', // -03:30 / -02:30
  'America/Sao_Paulo',
  'Asia/Kolkata', // +05:30
  'Asia/Kathmandu', // +05:45
  'Australia/Lord_Howe', // a 30-minute DST change
  'Australia/Sydney',
  'Pacific/Chatham', // +12:45 / +13:45
  'Pacific/Auckland',
]
const FROM = Date.UTC(2000, 0, 1)
const TO = Date.UTC(2035, 11, 31)

const baseDoc = (over: Partial<PostmortemDocument>): PostmortemDocument => ({
  title: 'Outage',
  timeZone: 'UTC',
  startedAt: 0,
  resolvedAt: 0,
  impact: 'minor',
  impactText: '',
  usersAffectedPercent: null,
  summary: '',
  rootCause: '',
  resolution: '',
  measures: '',
  lessons: null,
  todos: [],
  events: [],
  ...over,
})

describe('what Herald writes, the reader reads back', () => {
  it('start, end and every event time, in any zone, across midnight, days and DST changes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: FROM, max: TO }),
        fc.integer({ min: 0, max: 10 * DAY }),
        fc.constantFrom(...ZONES),
        fc.array(fc.integer({ min: 0, max: 10 * DAY }), { maxLength: 6 }),
        (start, length, tz, offsets) => {
          const startedAt = Math.floor(start / 1000) * 1000
          const resolvedAt = startedAt + Math.floor(length / 1000) * 1000
          const ats = offsets
            .map((o) => startedAt + Math.floor(o / 1000) * 1000)
            .sort((a, b) => a - b)
          const doc = baseDoc({
            timeZone: tz,
            startedAt,
            resolvedAt,
            events: ats.map((at, i) => ({
              at,
              kind: 'note',
              body: `Step ${i + 1}`,
              internal: false,
            })),
          })
          const parsed = parsePostmortem(renderPostmortemMarkdown(doc))
          expect(parsed.startedAt).toBe(startedAt)
          expect(parsed.resolvedAt).toBe(resolvedAt)
          expect(parsed.timeZone).toBe(tz)
          expect(parsed.events.map((e) => e.at)).toEqual(ats)
          // The stated length agrees with start and end: the reader warns about nothing there.
          expect(parsed.sections.statedDurationMs).toBe(
            Math.floor((resolvedAt - startedAt) / MINUTE) * MINUTE,
          )
          expect(parsed.warnings.filter((w) => !/root cause|TODO/.test(w))).toEqual([])
        },
      ),
      { numRuns: 300 },
    )
  })

  // Autumn changes, when an hour of wall-clock time happens twice (approximate instants; the
  // windows below reach well past them on both sides).
  const REPEATS: [string, number][] = [
    ['Europe/Berlin', Date.UTC(2026, 9, 25, 1)],
    ['America/New_York', Date.UTC(2024, 10, 3, 6)],
    ['America/St_Johns', Date.UTC(2024, 10, 3, 4, 30)],
    ['Australia/Lord_Howe', Date.UTC(2024, 3, 6, 15)],
    ['Pacific/Chatham', Date.UTC(2024, 3, 6, 14)],
  ]

  it('times in the hour a DST change repeats, by their offsets', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...REPEATS),
        fc.integer({ min: -4 * HOUR, max: 2 * HOUR }),
        fc.integer({ min: 0, max: 4 * HOUR }),
        fc.array(fc.integer({ min: 0, max: 4 * HOUR }), { maxLength: 5 }),
        ([tz, change], before, length, offsets) => {
          const startedAt = Math.floor((change + before) / MINUTE) * MINUTE
          const resolvedAt = startedAt + Math.floor(length / MINUTE) * MINUTE
          const ats = offsets
            .map((o) => startedAt + Math.floor(o / MINUTE) * MINUTE)
            .sort((a, b) => a - b)
          const doc = baseDoc({
            timeZone: tz,
            startedAt,
            resolvedAt,
            events: ats.map((at) => ({ at, kind: 'mitigation', body: 'Step', internal: false })),
          })
          const parsed = parsePostmortem(renderPostmortemMarkdown(doc))
          expect([parsed.startedAt, parsed.resolvedAt]).toEqual([startedAt, resolvedAt])
          expect(parsed.events.map((e) => e.at)).toEqual(ats)
        },
      ),
      { numRuns: 300 },
    )
  })

  const word = fc.constantFrom(
    'database',
    'replica',
    'failover',
    'the',
    'was',
    'slow',
    'alerts',
    'Monday',
    'cache',
    'API',
    '502',
    'checkout',
    'because',
    'on-call',
  )
  const sentence = fc
    .array(word, { minLength: 2, maxLength: 8 })
    .map((w) => `${w.join(' ')}.`.replace(/^./, (c) => c.toUpperCase()))
  const paragraph = fc.array(sentence, { minLength: 1, maxLength: 3 }).map((s) => s.join(' '))
  const list = fc
    .array(sentence, { minLength: 1, maxLength: 3 })
    .map((s) => s.map((x) => `- ${x}`).join('\n'))
  const text = fc
    .array(fc.oneof(paragraph, list), { maxLength: 3 })
    .map((blocks) => blocks.join('\n\n'))
  const owner = fc.option(fc.constantFrom('alice', 'bob.smith', 'Dana Ortiz'), { nil: null })

  it('exporting, importing and exporting again gives the same document', () => {
    fc.assert(
      fc.property(
        fc.record({
          title: fc.constantFrom(
            'Checkout failures',
            'Timeline service down',
            'Background tasks stuck',
            'Lessons learned the hard way',
          ),
          tz: fc.constantFrom(...ZONES),
          start: fc.integer({ min: FROM, max: TO }),
          length: fc.integer({ min: MINUTE, max: 3 * DAY }),
          impact: fc.constantFrom(...IMPACTS),
          impactText: fc.oneof(fc.constant(''), sentence),
          users: fc.option(
            fc.integer({ min: 0, max: 1000 }).map((n) => n / 10),
            { nil: null },
          ),
          summary: text,
          rootCause: text,
          resolution: text,
          measures: text,
          lessons: fc.option(paragraph, { nil: null }),
          todos: fc.array(fc.record({ text: sentence, owner, done: fc.boolean() }), {
            maxLength: 4,
          }),
          events: fc.array(
            fc.record({
              offset: fc.integer({ min: 0, max: 3 * DAY }),
              kind: fc.constantFrom(...EVENT_KINDS),
              body: sentence,
              internal: fc.boolean(),
            }),
            { maxLength: 6 },
          ),
        }),
        (r) => {
          const startedAt = Math.floor(r.start / MINUTE) * MINUTE
          const first = renderPostmortemMarkdown(
            baseDoc({
              title: r.title,
              timeZone: r.tz,
              startedAt,
              resolvedAt: startedAt + Math.floor(r.length / MINUTE) * MINUTE,
              impact: r.impact,
              impactText: r.impactText,
              usersAffectedPercent: r.users,
              summary: r.summary,
              rootCause: r.rootCause,
              resolution: r.resolution,
              measures: r.measures,
              lessons: r.lessons,
              todos: r.todos,
              events: r.events
                .map((e) => ({ ...e, at: startedAt + Math.floor(e.offset / MINUTE) * MINUTE }))
                .sort((a, b) => a.at - b.at),
            }),
          )
          const read = importPlanFrom(parsePostmortem(first))
          if (!read.ok) throw new Error(read.reason)
          const { plan } = read
          expect(plan.name).toBe(r.title)
          expect(plan.impact).toBe(r.impact)
          const again = renderPostmortemMarkdown({
            title: plan.name,
            timeZone: r.tz,
            startedAt: plan.startedAt,
            resolvedAt: plan.resolvedAt,
            impact: plan.impact,
            events: plan.events,
            ...plan.sections,
          })
          expect(again).toBe(first)
        },
      ),
      { numRuns: 200 },
    )
  })
})

describe('titles', () => {
  it.each(['Timeline service down', 'Background tasks stuck', 'Root cause and fix of nothing'])(
    'keeps "%s" out of the heading, where it would read as a section, and reads it back',
    (title) => {
      const md = renderPostmortemMarkdown(
        baseDoc({ title, startedAt: Date.UTC(2024, 0, 1), resolvedAt: Date.UTC(2024, 0, 1, 1) }),
      )
      expect(md.split('\n')[0]).toBe('# Postmortem')
      expect(parsePostmortem(md).name).toBe(title)
    },
  )
})
