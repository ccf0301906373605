import { describe, expect, it } from 'vitest'
import {
  dryRunSummary,
  fingerprintOf,
  inferEventKind,
  parsePostmortem,
  resolveZone,
  scanTemporal,
  toDryRunJson,
} from '../../../src/domain/postmortem/index.ts'

const doc = (...lines: string[]) => lines.join('\n')
const at = (iso: string) => Date.parse(iso)

describe('parsePostmortem: time zones', () => {
  const timeline = doc(
    '# Queue stall',
    'Date: 2024-01-05',
    '',
    '## Timeline',
    '- 10:00 Queue depth alert fired',
    '- 11:00 Consumers restarted; resolved',
  )

  it('assumes UTC when the document names no zone, says so, and reports the zone as null', () => {
    const parsed = parsePostmortem(timeline)
    expect(parsed.timeZone).toBeNull()
    expect(parsed.readInTimeZone).toBe('UTC')
    expect(parsed.warnings).toContain('No time zone found; assumed UTC')
    const json = toDryRunJson(parsed)
    expect(json.time_zone).toBeNull()
    expect(json.started_at).toBe('2024-01-05T10:00:00+00:00')
  })

  it("uses the caller's zone for a document that names none, and says so", () => {
    const json = toDryRunJson(parsePostmortem(timeline, { defaultTimeZone: 'Europe/Berlin' }))
    expect(json.started_at).toBe('2024-01-05T10:00:00+01:00')
    expect(json.resolved_at).toBe('2024-01-05T11:00:00+01:00')
    expect(json.time_zone).toBeNull()
    expect(json.warnings).toContain('No time zone found; assumed Europe/Berlin')
  })

  it('takes the zone from the timeline heading', () => {
    const parsed = parsePostmortem(
      doc('Date: 2024-06-03', '## Timeline (all times PDT)', '- 9:15 AM Alerts fire'),
    )
    expect(parsed.timeZone).toBe('America/Los_Angeles')
    expect(parsed.events[0]?.at).toBe(at('2024-06-03T16:15:00Z'))
  })

  it('reads a time that carries its own zone in that zone', () => {
    const parsed = parsePostmortem(
      doc('Time zone: UTC', 'Date: 2024-06-03', '## Timeline', '- 2:00 PM EDT Alert fired'),
    )
    expect(parsed.events[0]?.at).toBe(at('2024-06-03T18:00:00Z'))
  })

  it('maps written zones to IANA names', () => {
    expect(resolveZone('PST')?.tz).toBe('America/Los_Angeles')
    expect(resolveZone('PT')?.tz).toBe('America/Los_Angeles')
    expect(resolveZone('CEST')?.tz).toBe('Europe/Paris')
    expect(resolveZone('IST')?.tz).toBe('Asia/Kolkata')
    expect(resolveZone('Eastern Time')?.tz).toBe('America/New_York')
    expect(resolveZone('+05:30')?.tz).toBe('Asia/Kolkata')
    expect(resolveZone('UTC-5')?.tz).toBe('Etc/GMT+5')
    expect(resolveZone('Europe/Berlin')?.tz).toBe('Europe/Berlin')
    expect(resolveZone('et')).toBeNull()
    expect(resolveZone('XYZ')).toBeNull()
  })
})

describe('parsePostmortem: dates and times', () => {
  it('finds dates written many ways', () => {
    const texts = [
      'January 5, 2024',
      '2024-01-05',
      'Jan 5',
      '5 Jan 2024',
      'Monday, March 4',
      '1/5/2024',
    ]
    const dates = texts.map((t) => scanTemporal(t).find((x) => x.kind === 'date'))
    expect(dates.map((d) => d && d.kind === 'date' && [d.year, d.month, d.day])).toEqual([
      [2024, 1, 5],
      [2024, 1, 5],
      [null, 1, 5],
      [2024, 1, 5],
      [null, 3, 4],
      [2024, 1, 5],
    ])
  })

  it('says which event it could not date, by number and text, and keeps it', () => {
    const parsed = parsePostmortem(
      doc(
        'Date: 2024-01-05',
        'Time zone: UTC',
        '## Timeline',
        '- 10:00 Alert fired',
        '- The cache was then flushed',
      ),
    )
    expect(parsed.events).toHaveLength(2)
    expect(parsed.events[1]).toEqual({
      at: null,
      body: 'The cache was then flushed',
      kind: 'mitigation',
    })
    expect(parsed.warnings).toContain('Could not date event 2: "The cache was then flushed"')
  })

  it('keeps an event slightly earlier than the one before on the same day, and says so', () => {
    const parsed = parsePostmortem(
      doc(
        'Date: 2024-01-05',
        'Time zone: UTC',
        '## Timeline',
        '- 15:00 Alert fired',
        '- 14:50 Deploy went out',
      ),
    )
    expect(parsed.events[1]?.at).toBe(at('2024-01-05T14:50:00Z'))
    expect(parsed.warnings).toContain(
      'Event 2 (14:50) is earlier than the event before it; kept on the same day',
    )
  })

  it('says when a weekday does not match its date, and keeps the date', () => {
    const parsed = parsePostmortem(
      doc('Time zone: UTC', '## Timeline', '**Tuesday, March 4, 2024**', '- 10:00 Alert fired'),
    )
    expect(parsed.events[0]?.at).toBe(at('2024-03-04T10:00:00Z'))
    expect(parsed.warnings).toContain('2024-03-04 was a Monday, not a Tuesday; kept the date')
  })

  it('says when a date has no year anywhere in the document', () => {
    const parsed = parsePostmortem(
      doc('Time zone: UTC', '## Timeline', '- Jan 5, 10:00 Alert fired'),
    )
    expect(parsed.events[0]?.at).toBeNull()
    expect(parsed.warnings).toContain('No year found for the date January 5')
  })

  it('ends an outage a stated length after its start', () => {
    const parsed = parsePostmortem(doc('Started: 2024-01-05 10:00 UTC', 'Duration: 45 minutes'))
    expect(parsed.resolvedAt! - parsed.startedAt!).toBe(45 * 60_000)
  })

  it('says when the stated length disagrees with the start and end', () => {
    const parsed = parsePostmortem(
      doc('Duration: 10:00 to 11:00 UTC on 2024-01-05, lasting 2 hours'),
    )
    expect(parsed.resolvedAt! - parsed.startedAt!).toBe(60 * 60_000)
    expect(parsed.warnings).toContain(
      'The stated duration (2h) does not match the start and end (1h)',
    )
  })

  it('reads "from 1:30 to 3:45 PM" as an afternoon range', () => {
    const parsed = parsePostmortem(doc('Duration: from 1:30 to 3:45 PM UTC on 2024-01-05'))
    expect(parsed.startedAt).toBe(at('2024-01-05T13:30:00Z'))
    expect(parsed.resolvedAt).toBe(at('2024-01-05T15:45:00Z'))
  })
})

describe('parsePostmortem: TODO items', () => {
  it('reads owners however they are written, without mistaking the word "owner" in a task', () => {
    const parsed = parsePostmortem(
      doc(
        '## Action Items',
        '- [ ] Alert on replication lag (@alice)',
        '- [ ] Document the failover — owner: Bob',
        '- [ ] Add a canary stage [Owner: Carol Diaz]',
        '- [x] Rotate the keys (owner: dan)',
        '- Load test the queue, assigned to Erin',
        '- Review the runbook @frank',
        '- Improve owner onboarding docs',
        '- ✅ Upgrade the driver',
      ),
    )
    expect(parsed.todos).toEqual([
      { text: 'Alert on replication lag', owner: 'alice', done: false },
      { text: 'Document the failover', owner: 'Bob', done: false },
      { text: 'Add a canary stage', owner: 'Carol Diaz', done: false },
      { text: 'Rotate the keys', owner: 'dan', done: true },
      { text: 'Load test the queue', owner: 'Erin', done: false },
      { text: 'Review the runbook', owner: 'frank', done: false },
      { text: 'Improve owner onboarding docs', owner: null, done: false },
      { text: 'Upgrade the driver', owner: null, done: true },
    ])
  })

  it('keeps improvements apart from the TODO list under corrective measures', () => {
    const parsed = parsePostmortem(
      doc(
        '## Corrective and Preventative Measures',
        '### Improvements',
        '- Better dashboards',
        '### TODO',
        '- [ ] Add a lag alert',
      ),
    )
    expect(parsed.todos.map((t) => t.text)).toEqual(['Add a lag alert'])
    expect(parsed.sections.improvements).toEqual(['Better dashboards'])
  })
})

describe('parsePostmortem: what it cannot read', () => {
  it('names an empty document and lists everything it could not find', () => {
    const parsed = parsePostmortem('')
    expect(parsed.name).toBe('Imported incident')
    expect(parsed.startedAt).toBeNull()
    expect(parsed.resolvedAt).toBeNull()
    expect(parsed.events).toEqual([])
    expect(parsed.warnings).toEqual([
      'No timeline found',
      'No time zone found; assumed UTC',
      'No start time found',
      'No end time found',
      'No impact level (severity) found',
      'No root cause found',
      'No TODO list found',
      'No title found; named it "Imported incident"',
    ])
  })

  it('names an untitled document after its file when the file name has words', () => {
    const parsed = parsePostmortem('Impact: none', { fileName: 'notes/db-failover-2024.md' })
    expect(parsed.name).toBe('db failover 2024')
  })

  it('ignores code blocks when looking for timeline events', () => {
    const parsed = parsePostmortem(
      doc(
        'Date: 2024-01-05',
        'Time zone: UTC',
        '## Timeline',
        '- 10:00 Alert fired',
        '```',
        '10:01 ERROR pool exhausted',
        '```',
      ),
    )
    expect(parsed.events).toHaveLength(1)
  })
})

describe('inferEventKind', () => {
  it.each([
    ['Alert detected on checkout latency', 'detection'],
    ['Paged by the latency monitor', 'detection'],
    ['Paged the database team', 'escalation'],
    ['Called in the network team', 'escalation'],
    ['Investigating the load balancer; suspected a bad certificate', 'investigation'],
    ['Rolled back the deploy', 'mitigation'],
    ['Failover to the replica completed', 'mitigation'],
    ['Service fully restored', 'resolution'],
    ['The restart did not resolve the issue', 'mitigation'],
    ['Status page updated', 'communication'],
    ['Lunch', 'note'],
  ])('reads "%s" as %s', (body, kind) => {
    expect(inferEventKind(body)).toBe(kind)
  })

  it('takes a written kind as the kind and leaves it out of the body', () => {
    const parsed = parsePostmortem(
      [
        'Date: 2024-01-05',
        'Time zone: UTC',
        '## Timeline',
        '- **10:00** — Detection: Error rate above 5%',
        '- 10:05 [escalation] Paged the database team',
        '- Mitigation: Restarted the primary',
        '- 10:30 — Note: the restart resolved nothing yet',
      ].join('\n'),
    )
    expect(parsed.events.map((e) => [e.kind, e.body])).toEqual([
      ['detection', 'Error rate above 5%'],
      ['escalation', 'Paged the database team'],
      ['mitigation', 'Restarted the primary'],
      ['note', 'the restart resolved nothing yet'],
    ])
  })

  it('lets a leading label decide', () => {
    expect(inferEventKind('Incident handed to the DB team', 'Escalation')).toBe('escalation')
  })
})

describe('fingerprint', () => {
  const text = doc('# Outage', '', 'Date: 2024-01-05', '', '## Timeline', '- 10:00 Alert fired')

  it('is the same for the same document however its lines end', () => {
    const crlf = `\uFEFF${text.replace(/\n/g, '  \r\n')}\r\n\r\n\r\n`
    expect(fingerprintOf(crlf)).toBe(fingerprintOf(text))
    expect(parsePostmortem(crlf).fingerprint).toBe(parsePostmortem(text).fingerprint)
    expect(fingerprintOf(text)).toMatch(/^[0-9a-f]{64}$/)
  })

  it('differs when a word changes', () => {
    expect(fingerprintOf(text.replace('Alert fired', 'Alert fires'))).not.toBe(fingerprintOf(text))
  })
})

describe('toDryRunJson and dryRunSummary', () => {
  const parsed = parsePostmortem(
    doc(
      '# Disk full',
      'Duration: 2024-02-01 09:00 to 09:40 UTC',
      'Severity: SEV2',
      'Root cause: Logs were never rotated.',
      '## Timeline',
      '- 09:00 Disk alert fired',
      '- 09:40 Old logs deleted; resolved',
      '## Action items',
      '- [ ] Rotate logs daily (@sam)',
    ),
  )

  it('has exactly the fields the issue names', () => {
    const json = toDryRunJson(parsed)
    expect(Object.keys(json)).toEqual([
      'name',
      'started_at',
      'resolved_at',
      'time_zone',
      'impact',
      'root_cause',
      'events',
      'todos',
      'warnings',
    ])
    expect(json).toMatchObject({
      name: 'Disk full',
      started_at: '2024-02-01T09:00:00+00:00',
      resolved_at: '2024-02-01T09:40:00+00:00',
      time_zone: 'UTC',
      impact: 'major',
      root_cause: 'Logs were never rotated.',
      todos: [{ text: 'Rotate logs daily', owner: 'sam', done: false }],
      warnings: [],
    })
    expect(json.events.map((e) => Object.keys(e))).toEqual([
      ['at', 'body', 'kind'],
      ['at', 'body', 'kind'],
    ])
  })

  it('summarises for a person, warnings included', () => {
    const text = dryRunSummary(parsePostmortem(doc('## Timeline', '- 10:00 Alert fired')), 'a.md')
    expect(text).toContain('a.md: ')
    expect(text).toContain('    - No time zone found; assumed UTC')
    expect(text).toContain('    - No date found; times could not be placed on a day')
  })
})
