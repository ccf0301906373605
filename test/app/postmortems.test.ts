import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import type { Actor } from '../../src/app/actor.ts'
import { assembleContent } from '../../src/app/broadcast/assemble.ts'
import { webhookBody } from '../../src/app/broadcast/formats/statuspage.ts'
import { createComponent } from '../../src/app/components.ts'
import { DEFAULT_SETTINGS } from '../../src/app/get-settings.ts'
import { openIncident } from '../../src/app/open-incident.ts'
import { postIncidentUpdate } from '../../src/app/post-incident-update.ts'
import {
  addPostmortemTodo,
  draftPostmortem,
  exportPostmortemMarkdown,
  getPostmortem,
  importPostmortem,
  publishPostmortem,
  removePostmortemTodo,
  togglePostmortemTodo,
  unpublishPostmortem,
  updatePostmortem,
} from '../../src/app/postmortems.ts'
import { resolveIncident } from '../../src/app/resolve-incident.ts'
import { toAppError } from '../../src/http/errors.tsx'
import { createTestApp, type TestApp } from '../support/app.ts'

// Postmortem use cases on a real in-memory database (TEST_NOW is 2026-11-22T12:00:00Z; the page's
// zone is Europe/Berlin, UTC+1 in November).

const MINUTE = 60_000
const owner: Actor = { id: null, label: 'Olivia Owner', role: 'owner', via: 'console' }
const responder: Actor = { id: null, label: 'Rui Responder', role: 'responder', via: 'console' }
const viewer: Actor = { id: null, label: 'Vera Viewer', role: 'viewer', via: 'console' }

const apps: TestApp[] = []
afterEach(() => {
  for (const t of apps.splice(0)) t.close()
})

async function app(timeZone = 'Europe/Berlin') {
  const t = createTestApp()
  apps.push(t)
  await t.deps.store.commit([
    { type: 'settings.put', settings: { ...DEFAULT_SETTINGS, pageName: 'Acme', timeZone } },
  ])
  return t
}

async function failure(promise: Promise<unknown>) {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(err, 'expected the call to fail').not.toBeNull()
  const appErr = toAppError(err)
  expect(appErr, `not an AppError or ZodError: ${String(err)}`).not.toBeNull()
  return appErr!
}

// 23:10 Berlin on Nov 21 is 22:10 UTC; the outage runs past midnight to 01:40 on Nov 22.
const START = Date.UTC(2026, 10, 21, 22, 10)
const END = Date.UTC(2026, 10, 22, 0, 40)

/** An incident across midnight: two components, a public update, an internal note, resolved. */
async function outage(t: TestApp, opts: { resolve?: boolean } = {}) {
  const api = await createComponent(t.deps, owner, { name: 'API' })
  const dashboard = await createComponent(t.deps, owner, { name: 'Dashboard' })
  const { incident } = await openIncident(t.deps, responder, {
    name: 'Checkout failures',
    impact: 'major',
    body: 'Checkout requests fail with 502.',
    startedAt: START,
    components: { [api.id]: 'major_outage', [dashboard.id]: 'partial_outage' },
  })
  await postIncidentUpdate(t.deps, responder, incident.id, {
    body: 'Suspect the database failover.',
    visibility: 'internal',
    at: START + 35 * MINUTE,
  })
  await postIncidentUpdate(t.deps, responder, incident.id, {
    body: 'Failed the database back over.',
    kind: 'mitigation',
    status: 'monitoring',
    at: START + 120 * MINUTE,
  })
  if (opts.resolve !== false)
    await resolveIncident(t.deps, responder, incident.id, {
      body: 'Checkout works again.',
      at: END,
    })
  return { incident, api, dashboard }
}

describe('drafting a postmortem', () => {
  it('refuses an incident that is still open, and drafts one once it is resolved', async () => {
    const t = await app()
    const { incident } = await outage(t, { resolve: false })
    const err = await failure(draftPostmortem(t.deps, responder, incident.id))
    expect(err.code).toBe('CONFLICT')
    expect(err.message).toContain('not resolved')

    await resolveIncident(t.deps, responder, incident.id, {
      body: 'Checkout works again.',
      at: END,
    })
    const { postmortem, created } = await draftPostmortem(t.deps, responder, incident.id)
    expect(created).toBe(true)
    expect(postmortem).toMatchObject({
      state: 'draft',
      impactText: 'API and Dashboard were affected.',
      rootCause: '',
      resolution: 'Checkout works again.',
      todos: [],
      publishedAt: null,
    })
    const audit = await t.deps.store.listAudit({ limit: 1 })
    expect(audit[0]).toMatchObject({ action: 'postmortem.draft', entityId: incident.id })
  })

  it('writes the duration across midnight in the page zone and the whole timeline, internal notes included', async () => {
    const t = await app()
    const { incident } = await outage(t)
    await draftPostmortem(t.deps, responder, incident.id)
    const { markdown, fileName } = await exportPostmortemMarkdown(t.deps, incident.id)
    expect(fileName).toBe('postmortem-checkout-failures.md')
    expect(markdown).toContain(
      '- **Duration:** Nov 21, 2026, 23:10 \u2013 Nov 22, 2026, 01:40 (Europe/Berlin), 2 h 30 min',
    )
    expect(markdown).toContain('- **Impact:** Major \u2014 API and Dashboard were affected.')
    const timeline = markdown.split('## Timeline')[1]!.split('## Root Cause')[0]!.trim().split('\n')
    expect(timeline).toEqual([
      '- **Nov 21, 2026, 23:10** \u2014 Detection: Checkout requests fail with 502.',
      '- **Nov 21, 2026, 23:45** \u2014 Note: Suspect the database failover. (internal)',
      '- **Nov 22, 2026, 01:10** \u2014 Mitigation: Failed the database back over.',
      '- **Nov 22, 2026, 01:40** \u2014 Resolution: Checkout works again.',
    ])
  })

  it('returns the draft already there instead of building a second one', async () => {
    const t = await app()
    const { incident } = await outage(t)
    await draftPostmortem(t.deps, responder, incident.id)
    await updatePostmortem(t.deps, responder, incident.id, { rootCause: 'A bad failover script.' })
    const again = await draftPostmortem(t.deps, owner, incident.id)
    expect(again.created).toBe(false)
    expect(again.postmortem.rootCause).toBe('A bad failover script.')
  })

  it('lets viewers read the postmortem but not write it', async () => {
    const t = await app()
    const { incident } = await outage(t)
    expect((await failure(draftPostmortem(t.deps, viewer, incident.id))).code).toBe('FORBIDDEN')
    await draftPostmortem(t.deps, owner, incident.id)
    const view = await getPostmortem(t.deps, incident.id)
    expect(view.postmortem?.state).toBe('draft')
    expect(view.document.events).toHaveLength(4)
    for (const write of [
      updatePostmortem(t.deps, viewer, incident.id, { rootCause: 'x' }),
      addPostmortemTodo(t.deps, viewer, incident.id, { text: 'x' }),
      publishPostmortem(t.deps, viewer, incident.id),
      unpublishPostmortem(t.deps, viewer, incident.id),
    ])
      expect((await failure(write)).code).toBe('FORBIDDEN')
  })

  it('says an unknown incident is not found', async () => {
    const t = await app()
    expect((await failure(draftPostmortem(t.deps, owner, 'nope'))).code).toBe('NOT_FOUND')
    expect((await failure(getPostmortem(t.deps, 'nope'))).code).toBe('NOT_FOUND')
  })
})

describe('editing a postmortem', () => {
  it('replaces only the sections given and names a bad field', async () => {
    const t = await app()
    const { incident } = await outage(t)
    await draftPostmortem(t.deps, responder, incident.id)
    const saved = await updatePostmortem(t.deps, responder, incident.id, {
      rootCause: '  A failover script pointed at the old primary.  ',
      usersAffectedPercent: 35,
      lessons: '',
    })
    expect(saved).toMatchObject({
      rootCause: 'A failover script pointed at the old primary.',
      usersAffectedPercent: 35,
      impactText: 'API and Dashboard were affected.',
      lessons: null,
    })
    const err = await failure(
      updatePostmortem(t.deps, responder, incident.id, { usersAffectedPercent: 120 }),
    )
    expect(err.issues).toEqual([
      { field: 'usersAffectedPercent', message: 'must be from 0 to 100' },
    ])
    const unknown = await failure(
      updatePostmortem(t.deps, responder, incident.id, { title: 'x' } as never),
    )
    expect(unknown.code).toBe('VALIDATION')
  })

  it('refuses edits before a draft exists', async () => {
    const t = await app()
    const { incident } = await outage(t)
    const err = await failure(updatePostmortem(t.deps, responder, incident.id, { rootCause: 'x' }))
    expect(err.code).toBe('NOT_FOUND')
    expect(err.message).toContain('draft one first')
  })

  it('adds, ticks, unticks and removes TODO items with owners', async () => {
    const t = await app()
    const { incident } = await outage(t)
    await draftPostmortem(t.deps, responder, incident.id)
    const a = await addPostmortemTodo(t.deps, responder, incident.id, {
      text: 'Test the failover script',
      owner: '@alice',
    })
    const b = await addPostmortemTodo(t.deps, responder, incident.id, {
      text: 'Page on replication lag',
      owner: 'Dana Ortiz',
    })
    expect(a.todo).toMatchObject({ owner: 'alice', done: false })
    await togglePostmortemTodo(t.deps, responder, incident.id, a.todo.id)
    let view = await getPostmortem(t.deps, incident.id)
    expect(view.postmortem!.todos.map((x) => [x.text, x.owner, x.done])).toEqual([
      ['Test the failover script', 'alice', true],
      ['Page on replication lag', 'Dana Ortiz', false],
    ])
    const { markdown } = await exportPostmortemMarkdown(t.deps, incident.id)
    expect(markdown).toContain(
      '### Action Items\n\n- [x] Test the failover script (@alice)\n- [ ] Page on replication lag (owner: Dana Ortiz)',
    )
    await togglePostmortemTodo(t.deps, responder, incident.id, a.todo.id, false)
    await removePostmortemTodo(t.deps, responder, incident.id, b.todo.id)
    view = await getPostmortem(t.deps, incident.id)
    expect(view.postmortem!.todos.map((x) => [x.text, x.done])).toEqual([
      ['Test the failover script', false],
    ])
    expect((await failure(togglePostmortemTodo(t.deps, owner, incident.id, 'nope'))).code).toBe(
      'NOT_FOUND',
    )
    const bad = await failure(
      addPostmortemTodo(t.deps, owner, incident.id, { text: ' ', owner: 'x (y)' }),
    )
    expect(bad.issues.map((i) => i.field).sort()).toEqual(['owner', 'text'])
  })
})

describe('publishing a postmortem', () => {
  it('publishes without telling anyone unless asked, and unpublishes back to a draft', async () => {
    const t = await app()
    const { incident } = await outage(t)
    await draftPostmortem(t.deps, responder, incident.id)
    const before = (await t.deps.store.listUnexpandedBroadcasts(100)).length
    const { postmortem, notified } = await publishPostmortem(t.deps, responder, incident.id)
    expect(notified).toBe(false)
    expect(postmortem).toMatchObject({
      state: 'published',
      publishedAt: t.clock.now(),
      publishedBy: 'Rui Responder',
    })
    expect(await t.deps.store.listUnexpandedBroadcasts(100)).toHaveLength(before)
    const back = await unpublishPostmortem(t.deps, owner, incident.id)
    expect(back).toMatchObject({ state: 'draft', publishedAt: null, publishedBy: null })
  })

  it('tells subscribers of the affected components, in words that link to the incident', async () => {
    const t = await app()
    const { incident, api } = await outage(t)
    await draftPostmortem(t.deps, responder, incident.id)
    await publishPostmortem(t.deps, responder, incident.id, { notify: true })
    const broadcasts = await t.deps.store.listUnexpandedBroadcasts(100)
    const announced = broadcasts.find((b) => b.kind === 'postmortem_published')!
    expect(announced).toMatchObject({ incidentId: incident.id, eventId: null })
    expect(announced.componentIds).toContain(api.id)

    const content = await assembleContent(t.deps, announced)
    expect(content?.incident?.name).toBe('Checkout failures')
    expect(content?.update?.body).toBe(
      `The postmortem is published: ${content!.page.url}/incidents/${incident.id}`,
    )
    expect(content?.incident?.updates[0]).toEqual(content?.update)
    // Webhook consumers see the status /api/v1 and /api/v2 show from now on; the document itself,
    // internal notes included, stays on the page.
    const { incident: hooked } = JSON.parse(
      webhookBody(content!, {
        subscriberId: 's1',
        deliveryId: 'd1',
        channel: 'webhook',
        target: 'https://hooks.example/x',
        manageUrl: 'https://status.example/subscriptions/t',
        unsubscribeUrl: 'https://status.example/subscriptions/t/unsubscribe',
      }),
    )
    expect(hooked.status).toBe('postmortem')
    expect(hooked.postmortem_body).toBeNull()
    expect(hooked.postmortem_published_at).toMatch(/^2026-11-22T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/)
    expect(hooked.postmortem_notified_subscribers).toBe(true)

    // Publishing twice tells no one twice; unpublished before delivery, it says nothing at all.
    expect((await publishPostmortem(t.deps, owner, incident.id, { notify: true })).notified).toBe(
      false,
    )
    await unpublishPostmortem(t.deps, owner, incident.id)
    expect(await assembleContent(t.deps, announced)).toBeNull()
  })

  it('refuses to publish the postmortem of an incident that was reopened', async () => {
    const t = await app()
    const { incident } = await outage(t)
    await draftPostmortem(t.deps, responder, incident.id)
    await postIncidentUpdate(t.deps, responder, incident.id, {
      body: 'It is back.',
      status: 'investigating',
    })
    expect((await failure(publishPostmortem(t.deps, responder, incident.id))).code).toBe('CONFLICT')
  })
})

// --- import ---------------------------------------------------------------------------------------

const FIXTURES = fileURLToPath(new URL('../fixtures/postmortems/', import.meta.url))
const SEEDS = fileURLToPath(new URL('../../../shared/seeds/', import.meta.url))
/** Documents that give times but no date, and the day to place them on. */
const DATES: Record<string, string> = { 'no-dates.md': '2024-11-04' }

function documents(): [string, string][] {
  const fixtures = readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.md'))
    .map((f): [string, string] => [f, readFileSync(FIXTURES + f, 'utf8')])
  const seeds = existsSync(SEEDS)
    ? readdirSync(SEEDS).map((f): [string, string] => [f, readFileSync(SEEDS + f, 'utf8')])
    : []
  return [...fixtures, ...seeds]
}

async function imported(t: TestApp, markdown: string, fileName?: string) {
  const result = await importPostmortem(t.deps, owner, {
    markdown,
    ...(fileName ? { fileName } : {}),
    ...(fileName && DATES[fileName] ? { date: DATES[fileName] } : {}),
  })
  if (result.dryRun) throw new Error('expected a saved import')
  return result
}

async function record(t: TestApp, incidentId: string) {
  const incident = (await t.deps.store.getIncident(incidentId))!
  const events = await t.deps.store.listEvents(incidentId)
  return {
    incident: {
      name: incident.name,
      impact: incident.impact,
      status: incident.status,
      startedAt: incident.startedAt,
      resolvedAt: incident.resolvedAt,
    },
    events: events.map((e) => ({
      at: e.at,
      kind: e.kind,
      body: e.body,
      visibility: e.visibility,
      status: e.status,
    })),
  }
}

describe('importing postmortems', () => {
  it('creates a resolved incident with its timeline and a published postmortem, telling no one', async () => {
    const t = await app('UTC')
    const markdown = readFileSync(`${FIXTURES}midnight-24h.md`, 'utf8')
    const result = await imported(t, markdown)
    expect(result).toMatchObject({ created: true, name: 'Nightly billing run stuck' })
    expect(result.warnings).toEqual(['No root cause found'])
    const { incident, events } = await record(t, result.incidentId)
    expect(incident).toEqual({
      name: 'Nightly billing run stuck',
      impact: 'minor',
      status: 'resolved',
      startedAt: Date.parse('2024-01-05T23:40:00+01:00'),
      resolvedAt: Date.parse('2024-01-06T01:15:00+01:00'),
    })
    expect(events).toHaveLength(6)
    expect(events.at(-1)).toMatchObject({ kind: 'resolution', status: 'resolved' })
    const postmortem = await t.deps.store.getPostmortem(result.incidentId)
    expect(postmortem).toMatchObject({ state: 'published', sourceFingerprint: expect.any(String) })
    expect(postmortem!.todos.map((x) => [x.text, x.owner, x.done])).toEqual([
      ['Move ledger migrations out of the billing window', 'alice', true],
      ['Alert on lock waits over 5 minutes', 'bob', false],
      ['Add a runbook entry for stuck invoice jobs', null, false],
    ])
    expect(await t.deps.store.listUnexpandedBroadcasts(100)).toEqual([])
    const audit = await t.deps.store.listAudit({ limit: 5 })
    expect(audit.map((a) => a.action)).toEqual(['postmortem.import'])
  })

  it('returns the incident of the first import when the same document comes again', async () => {
    const t = await app()
    const markdown = readFileSync(`${FIXTURES}atlassian-table.md`, 'utf8')
    const first = await imported(t, markdown)
    // Line endings and trailing spaces do not make it a different document.
    const again = await imported(t, `${markdown.replace(/\n/g, '  \r\n')}\n\n`)
    expect(again).toMatchObject({ created: false, incidentId: first.incidentId })
    expect(await t.deps.store.countIncidents()).toBe(1)
  })

  it('keeps an event it cannot date at the time of the one before it, marked, and says so', async () => {
    const t = await app('UTC')
    const markdown = [
      '# Search indexing lag',
      '',
      '**Duration:** 2024-03-04 09:15 – 10:45 UTC',
      '',
      '## Timeline',
      '',
      '- Looked at the queue first',
      '- 09:15 Detection: lag alert fires',
      '- Somewhere in between: looked at dashboards',
      '- 10:45 Resolved, index caught up',
      '',
    ].join('\n')
    const result = await imported(t, markdown)
    expect(result.warnings).toContain(
      '2 of 4 timeline events have no time; each was imported at the time of the event before it, marked "(time not given)"',
    )
    const { events } = await record(t, result.incidentId)
    expect(events.map((e) => [new Date(e.at).toISOString(), e.body])).toEqual([
      ['2024-03-04T09:15:00.000Z', '(time not given) Looked at the queue first'],
      ['2024-03-04T09:15:00.000Z', 'lag alert fires'],
      ['2024-03-04T09:15:00.000Z', '(time not given) Somewhere in between: looked at dashboards'],
      ['2024-03-04T10:45:00.000Z', 'Resolved, index caught up'],
    ])
    // Exported, the marked entries keep their place and their mark.
    const md = (await exportPostmortemMarkdown(t.deps, result.incidentId)).markdown
    const timeline = md.split('## Timeline')[1]!.split('## Root Cause')[0]!.trim().split('\n')
    expect(timeline).toHaveLength(4)
    expect(timeline[0]).toContain('(time not given) Looked at the queue first')
    expect(timeline[2]).toContain('(time not given) Somewhere in between')
  })

  it('adds a closing event when the end the document gives has none, and defaults to minor impact', async () => {
    const t = await app('UTC')
    const result = await imported(
      t,
      '# Cache flush\n\n**Duration:** 2024-03-01 10:00 - 11:30 UTC\n\n## Timeline\n\n- 10:00 Alerts fire\n- 10:20 Flushed the cache\n',
    )
    expect(result.warnings).toContain('Imported with minor impact')
    const { incident, events } = await record(t, result.incidentId)
    expect(incident).toMatchObject({
      impact: 'minor',
      status: 'resolved',
      resolvedAt: Date.parse('2024-03-01T11:30:00Z'),
    })
    expect(events.at(-1)).toMatchObject({
      body: 'Resolved.',
      kind: 'resolution',
      status: 'resolved',
    })
  })

  it('refuses a document without any time, naming the markdown field, and saves nothing', async () => {
    const t = await app()
    const err = await failure(
      importPostmortem(t.deps, owner, { markdown: '# Something broke\n\nWe fixed it.\n' }),
    )
    expect(err.issues[0]).toMatchObject({ field: 'markdown' })
    expect(await t.deps.store.countIncidents()).toBe(0)
  })

  it('only reads on a dry run, which viewers may do too', async () => {
    const t = await app()
    const markdown = readFileSync(`${FIXTURES}midnight-24h.md`, 'utf8')
    const result = await importPostmortem(t.deps, viewer, { markdown, dryRun: true })
    expect(result.dryRun && result.read.started_at).toBe('2024-01-05T23:40:00+01:00')
    expect(await t.deps.store.countIncidents()).toBe(0)
    expect((await failure(importPostmortem(t.deps, viewer, { markdown }))).code).toBe('FORBIDDEN')
  })
})

// Counted by hand from ../shared/seeds (test/domain/postmortem/seeds.test.ts reads the same
// documents without saving): every timeline entry becomes an event, dated or not.
const SEED_IMPORTS: Record<string, { started: string; resolved: string; events: number }> = {
  '000_59c76de4fcfe718b.txt': {
    started: '2023-07-29T09:00:00Z',
    resolved: '2023-08-04T04:30:00Z',
    events: 6,
  },
  '001_326f4faff54d9145.txt': {
    started: '2024-08-17T10:30:00Z',
    resolved: '2024-08-17T12:45:00Z',
    events: 9,
  },
  '002_f79c4881a728cde4.txt': {
    started: '2023-03-15T14:00:00Z',
    resolved: '2023-03-15T16:30:00Z',
    events: 11,
  },
  // 10:30 AM to 12:45 PM EDT
  '003_5bf66fd0d0f969d6.txt': {
    started: '2024-06-08T14:30:00Z',
    resolved: '2024-06-08T16:45:00Z',
    events: 10,
  },
  '004_488839bb2a283a1f.txt': {
    started: '2024-08-14T15:45:00Z',
    resolved: '2024-08-14T18:15:00Z',
    events: 10,
  },
}

describe.skipIf(!existsSync(SEEDS))('importing the seed postmortems in ../shared/seeds', () => {
  it('has an expectation for every seed document', () => {
    expect(readdirSync(SEEDS).sort()).toEqual(Object.keys(SEED_IMPORTS).sort())
  })

  it.each(Object.entries(SEED_IMPORTS))(
    'saves %s as a resolved incident with its start, end and every timeline event',
    async (file, want) => {
      // The page's zone is not the documents' (UTC, EDT): the document's own zone wins.
      const t = await app('Asia/Tokyo')
      const result = await imported(t, readFileSync(SEEDS + file, 'utf8'), file)
      const { incident, events } = await record(t, result.incidentId)
      expect(incident).toMatchObject({
        status: 'resolved',
        startedAt: Date.parse(want.started),
        resolvedAt: Date.parse(want.resolved),
      })
      expect(events).toHaveLength(want.events)
      expect(events[0]!.at).toBe(Date.parse(want.started))
      expect(events.at(-1)!.at).toBe(Date.parse(want.resolved))
      expect(events.filter((e) => e.status === 'resolved')).toHaveLength(1)
      const postmortem = await t.deps.store.getPostmortem(result.incidentId)
      expect(postmortem?.state).toBe('published')
      expect(postmortem?.rootCause).toMatch(/misconfigur|mismatch|configuration/i)
      // Imported twice, it is still one incident.
      const again = await importPostmortem(t.deps, owner, {
        markdown: readFileSync(SEEDS + file, 'utf8'),
        fileName: file,
      })
      expect(again).toMatchObject({ created: false, incidentId: result.incidentId })
      expect(await t.deps.store.countIncidents()).toBe(1)
    },
  )
})

describe('round trips', () => {
  it('export, import, export gives the same document', async () => {
    const t = await app()
    const { incident } = await outage(t)
    await draftPostmortem(t.deps, responder, incident.id)
    await updatePostmortem(t.deps, responder, incident.id, {
      summary: 'Checkout failed for most customers\nfor two and a half hours.',
      usersAffectedPercent: 62.5,
      rootCause:
        'The failover script pointed at the old primary. It had not been tested.\n\nNobody noticed.',
      resolution: 'We failed back over by hand.',
      measures: 'Test failover monthly\n\n1. Alert on replication lag\n2. Review the script',
      lessons: 'Practise failovers.',
    })
    await addPostmortemTodo(t.deps, responder, incident.id, {
      text: 'Fix the script',
      owner: 'sam',
    })
    const todo = await addPostmortemTodo(t.deps, responder, incident.id, {
      text: 'Write a runbook',
    })
    await togglePostmortemTodo(t.deps, responder, incident.id, todo.todo.id)
    const first = (await exportPostmortemMarkdown(t.deps, incident.id)).markdown

    const other = await app()
    const result = await imported(other, first)
    expect(result.warnings).toEqual([])
    const second = (await exportPostmortemMarkdown(other.deps, result.incidentId)).markdown
    expect(second).toBe(first)
    // The internal note stays internal.
    const { events } = await record(other, result.incidentId)
    expect(events.map((e) => e.visibility)).toEqual(['public', 'internal', 'public', 'public'])
  })

  it.each(documents())(
    'import, export, import of %s gives the same incident and events',
    async (file, markdown) => {
      const a = await app()
      const first = await imported(a, markdown, file)
      const exported = (await exportPostmortemMarkdown(a.deps, first.incidentId)).markdown

      const b = await app()
      const second = await imported(b, exported)
      expect(await record(b, second.incidentId)).toEqual(await record(a, first.incidentId))
      const a1 = await a.deps.store.getPostmortem(first.incidentId)
      const b1 = await b.deps.store.getPostmortem(second.incidentId)
      const strip = (p: typeof a1) => ({
        ...p,
        todos: p!.todos.map(({ id: _id, ...x }) => x),
        sourceFingerprint: null,
      })
      expect(strip(b1)).toEqual(strip(a1))
      // And the second export is the first one, word for word.
      expect((await exportPostmortemMarkdown(b.deps, second.incidentId)).markdown).toBe(exported)
    },
  )
})
