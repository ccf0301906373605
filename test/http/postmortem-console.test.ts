import { afterEach, describe, expect, it } from 'vitest'
import { CLI_ACTOR } from '../../src/app/actor.ts'
import { createComponent } from '../../src/app/components.ts'
import { createUser } from '../../src/app/create-user.ts'
import { openIncident } from '../../src/app/open-incident.ts'
import { postIncidentUpdate } from '../../src/app/post-incident-update.ts'
import { resolveIncident } from '../../src/app/resolve-incident.ts'
import type { Role } from '../../src/domain/enums.ts'
import { DOM } from '../../views/ids.ts'
import { createTestApp, type TestApp } from '../support/app.ts'
import { createClient } from '../support/client.ts'
import { setUpOwner } from './console-auth-support.ts'

// The console's postmortem editor and import page through the real app and forms (CSRF tokens
// from the page the form came from). TEST_NOW is 2026-11-22T12:00:00Z; the page is on Berlin time.

const PASSWORD = 'correct horse battery'
const HTMX = { headers: { 'HX-Request': 'true' } }
const MINUTE = 60_000
const START = Date.UTC(2026, 10, 21, 22, 10) // 23:10 in Berlin
const END = Date.UTC(2026, 10, 22, 0, 40) // 01:40 the next day

let t: TestApp
afterEach(() => t?.close())

type Client = ReturnType<typeof createClient>

async function signInAs(role: Role): Promise<Client> {
  const email = `${role}@example.com`
  await createUser(t.deps, CLI_ACTOR, { email, name: `Rae ${role}`, role, password: PASSWORD })
  const client = createClient(t.app)
  await client.get('/console/login')
  expect((await client.post('/console/login', { email, password: PASSWORD })).status).toBe(303)
  await client.get('/console')
  return client
}

async function incident(opts: { resolve?: boolean } = {}) {
  const api = await createComponent(t.deps, CLI_ACTOR, { name: 'API' })
  const { incident } = await openIncident(t.deps, CLI_ACTOR, {
    name: 'Checkout failures',
    impact: 'major',
    body: 'Checkout requests fail.',
    startedAt: START,
    components: { [api.id]: 'major_outage' },
  })
  await postIncidentUpdate(t.deps, CLI_ACTOR, incident.id, {
    body: 'Suspect the failover.',
    visibility: 'internal',
    at: START + 30 * MINUTE,
  })
  if (opts.resolve !== false)
    await resolveIncident(t.deps, CLI_ACTOR, incident.id, { body: 'Checkout works.', at: END })
  return incident
}

const editor = (id: string) => `/console/incidents/${id}/postmortem`

async function drafted(client: Client, id: string) {
  await client.get(`/console/incidents/${id}`)
  const res = await client.post(editor(id))
  expect(res.status, res.text).toBe(303)
  expect(res.headers.get('Location')).toBe(`${editor(id)}?done=drafted`)
  return client.get(res.headers.get('Location')!)
}

describe('the postmortem editor', () => {
  it('offers "Draft postmortem" on a resolved incident and builds the draft from its record', async () => {
    t = createTestApp()
    const client = await setUpOwner(t, { timeZone: 'Europe/Berlin' })
    const { id } = await incident()
    const page = await client.get(`/console/incidents/${id}`)
    expect(page.text).toContain(`action="${editor(id)}"`)
    expect(page.text).toContain('Draft postmortem')

    const res = await drafted(client, id)
    expect(res.status).toBe(200)
    expect(res.text).toContain('Postmortem drafted from the incident’s record.')
    expect(res.text).toContain(
      'Nov 21, 2026, 23:10 \u2013 Nov 22, 2026, 01:40 (Europe/Berlin), 2 h 30 min',
    )
    // The internal note is in the document, marked as such for the responder.
    expect(res.text).toContain('Suspect the failover.')
    expect(res.text).toMatch(/class="postmortem-internal">internal</)
    expect(res.text).toContain('name="rootCause"')
    expect((await t.deps.store.getPostmortem(id))?.state).toBe('draft')
  })

  it('has no draft button on an open incident and refuses to draft one', async () => {
    t = createTestApp()
    const client = await setUpOwner(t)
    const { id } = await incident({ resolve: false })
    const page = await client.get(`/console/incidents/${id}`)
    expect(page.text).not.toContain('Draft postmortem')
    const res = await client.post(editor(id))
    expect(res.status).toBe(409)
    expect(res.text).toContain('not resolved')
    expect(await t.deps.store.getPostmortem(id)).toBeNull()
  })

  it('saves the sections, and re-renders the form with the field message for a bad share', async () => {
    t = createTestApp()
    const client = await setUpOwner(t)
    const { id } = await incident()
    await drafted(client, id)
    const ok = await client.post(`${editor(id)}/sections`, {
      summary: 'Checkout failed.',
      impactText: 'Payments were down.',
      usersAffectedPercent: '40',
      rootCause: 'A bad failover script.',
      resolution: 'Failed back by hand.',
      measures: '- Test the script',
      lessons: '',
    })
    expect(ok.status, ok.text).toBe(303)
    expect(await t.deps.store.getPostmortem(id)).toMatchObject({
      rootCause: 'A bad failover script.',
      usersAffectedPercent: 40,
      lessons: null,
    })

    await client.get(editor(id))
    const bad = await client.post(`${editor(id)}/sections`, {
      rootCause: 'Changed my mind',
      usersAffectedPercent: '150',
    })
    expect(bad.status).toBe(422)
    expect(bad.text).toContain('must be from 0 to 100')
    expect(bad.text).toContain('Changed my mind</textarea>')
    expect((await t.deps.store.getPostmortem(id))?.rootCause).toBe('A bad failover script.')
  })

  it('previews unsaved sections as a fragment for htmx and as the whole page without it', async () => {
    t = createTestApp()
    const client = await setUpOwner(t)
    const { id } = await incident()
    await drafted(client, id)
    const fragment = await client.post(
      `${editor(id)}/preview`,
      { rootCause: 'The *failover* script <script>alert(1)</script>', usersAffectedPercent: 'x' },
      HTMX,
    )
    expect(fragment.status).toBe(200)
    expect(fragment.headers.get('Vary')).toContain('HX-Request')
    expect(fragment.text).not.toContain('<html')
    expect(fragment.text).toContain('The <em>failover</em> script &lt;script&gt;')
    expect((await t.deps.store.getPostmortem(id))?.rootCause).toBe('')

    const page = await client.post(`${editor(id)}/preview`, { rootCause: 'Typed, not saved' })
    expect(page.status).toBe(200)
    expect(page.text).toContain('<html')
    expect(page.text).toContain('Typed, not saved</textarea>')
    expect(page.text).toContain(`id="${DOM.postmortemPreview}"`)
  })

  it('adds, ticks and removes TODO items through htmx', async () => {
    t = createTestApp()
    const client = await setUpOwner(t)
    const { id } = await incident()
    await drafted(client, id)
    const added = await client.post(
      `${editor(id)}/todos`,
      { text: 'Test the failover script', owner: 'alice' },
      HTMX,
    )
    expect(added.status).toBe(200)
    expect(added.text).toContain(`id="${DOM.postmortemTodos}"`)
    expect(added.text).toContain('Test the failover script')
    const todo = (await t.deps.store.getPostmortem(id))!.todos[0]!

    const ticked = await client.post(`${editor(id)}/todos/${todo.id}/toggle`, { done: 'on' }, HTMX)
    expect(ticked.status).toBe(200)
    expect(ticked.text).toMatch(/<input type="checkbox" id="todo-[^"]+" name="done" checked/)
    expect((await t.deps.store.getPostmortem(id))!.todos[0]!.done).toBe(true)
    // Unticking sends no `done` (an unchecked box is not submitted).
    await client.post(`${editor(id)}/todos/${todo.id}/toggle`, {}, HTMX)
    expect((await t.deps.store.getPostmortem(id))!.todos[0]!.done).toBe(false)

    const empty = await client.post(`${editor(id)}/todos`, { text: ' ' }, HTMX)
    expect(empty.status).toBe(422)
    expect(empty.text).toContain('is required')

    const removed = await client.post(`${editor(id)}/todos/${todo.id}/delete`)
    expect(removed.status).toBe(303)
    expect((await t.deps.store.getPostmortem(id))!.todos).toEqual([])
  })

  it('publishes to the public incident page, optionally notifying, and unpublishes', async () => {
    t = createTestApp()
    const client = await setUpOwner(t)
    const { id } = await incident()
    await drafted(client, id)
    await client.post(`${editor(id)}/sections`, { rootCause: 'A bad failover script.' })
    const before = await t.app.request(`/incidents/${id}`)
    expect(await before.text()).not.toContain('A bad failover script.')

    await client.get(editor(id))
    const published = await client.post(`${editor(id)}/publish`, { notify: 'on' })
    expect(published.headers.get('Location')).toBe(`${editor(id)}?done=notified`)
    const kinds = (await t.deps.store.listUnexpandedBroadcasts(100)).map((b) => b.kind)
    expect(kinds).toContain('postmortem_published')

    const html = await (await t.app.request(`/incidents/${id}`)).text()
    expect(html).toContain('id="postmortem-title"')
    expect(html).toContain('A bad failover script.')
    // The published document is the whole timeline, internal notes included, unmarked.
    expect(html).toContain('Suspect the failover.')
    expect(html).not.toContain('postmortem-internal')

    await client.get(editor(id))
    const back = await client.post(`${editor(id)}/unpublish`)
    expect(back.headers.get('Location')).toBe(`${editor(id)}?done=unpublished`)
    const after = await (await t.app.request(`/incidents/${id}`)).text()
    expect(after).not.toContain('A bad failover script.')
    expect(after).not.toContain('Suspect the failover.')
  })

  it('downloads the Markdown as an attachment', async () => {
    t = createTestApp()
    const client = await setUpOwner(t)
    const { id } = await incident()
    await drafted(client, id)
    const res = await client.get(`${editor(id)}.md`)
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toBe('text/markdown; charset=utf-8')
    expect(res.headers.get('Content-Disposition')).toBe(
      'attachment; filename="postmortem-checkout-failures.md"',
    )
    expect(res.text).toContain('- **Incident:** Checkout failures')
  })

  it('shows viewers the document but no forms, and refuses their writes', async () => {
    t = createTestApp()
    const owner = await setUpOwner(t)
    const { id } = await incident()
    await drafted(owner, id)
    const viewer = await signInAs('viewer')
    const page = await viewer.get(editor(id))
    expect(page.status).toBe(200)
    expect(page.text).toContain('Checkout requests fail.')
    expect(page.text).not.toContain('name="rootCause"')
    expect(page.text).not.toContain('Publish</button>')
    // With the viewer's own CSRF token (from the page above), so only the role can refuse it.
    const res = await viewer.post(`${editor(id)}/sections`, { rootCause: 'x' })
    expect(res.status).toBe(403)
    expect(res.text).toContain('owner or responder')
    expect((await t.deps.store.getPostmortem(id))?.rootCause).toBe('')
  })

  it('says an unknown incident is not found', async () => {
    t = createTestApp()
    const client = await setUpOwner(t)
    expect((await client.get(editor('nope'))).status).toBe(404)
    expect((await client.get(`${editor('nope')}.md`)).status).toBe(404)
  })
})

const DOC = `# Postmortem: Search indexing lag

- **Duration:** March 4, 2024, 09:15 - 10:45 (UTC)
- **Impact:** Minor — search results were up to an hour old.

## Timeline

- 09:15 Detection: lag alert fires
- 09:40 Restarted the indexer
- 10:45 Resolved, index caught up

## Action Items

- [ ] Alert earlier (@bo)
`

describe('importing in the console', () => {
  it('shows what was read before saving anything, then imports it once', async () => {
    t = createTestApp()
    const client = await setUpOwner(t)
    const form = await client.get('/console/postmortems/import')
    expect(form.status).toBe(200)

    const read = await client.post('/console/postmortems/import/preview', { markdown: DOC })
    expect(read.status).toBe(200)
    expect(read.text).toContain('What was read: Search indexing lag')
    expect(read.text).toContain('2024-03-04T09:15:00+00:00')
    expect(read.text).toContain('Timeline: 3 events')
    expect(read.text).toContain('No root cause found')
    expect(read.text).toContain('Alert earlier')
    expect(await t.deps.store.countIncidents()).toBe(0)

    const saved = await client.post('/console/postmortems/import', { markdown: DOC })
    expect(saved.status, saved.text).toBe(303)
    const [incident] = await t.deps.store.listIncidents()
    expect(saved.headers.get('Location')).toBe(`${editor(incident!.id)}?done=imported`)
    expect(incident).toMatchObject({ name: 'Search indexing lag', status: 'resolved' })

    await client.get('/console/postmortems/import')
    const again = await client.post('/console/postmortems/import', { markdown: DOC })
    expect(again.headers.get('Location')).toBe(`${editor(incident!.id)}?done=already`)
    expect(await t.deps.store.countIncidents()).toBe(1)
  })

  it('reads an uploaded file too', async () => {
    t = createTestApp()
    const client = await setUpOwner(t)
    await client.get('/console/postmortems/import')
    const body = new FormData()
    body.set('_csrf', client.csrf ?? '')
    body.set('file', new File([DOC], 'search-lag.md', { type: 'text/markdown' }))
    const res = await client.request('/console/postmortems/import/preview', {
      method: 'POST',
      body,
    })
    expect(res.status).toBe(200)
    expect(res.text).toContain('What was read: Search indexing lag')
    expect(res.text).toContain('name="fileName" value="search-lag.md"')
  })

  it('asks for a document when none was given, and names the problem with one it cannot use', async () => {
    t = createTestApp()
    const client = await setUpOwner(t)
    await client.get('/console/postmortems/import')
    const empty = await client.post('/console/postmortems/import/preview', { markdown: '  ' })
    expect(empty.status).toBe(422)
    expect(empty.text).toContain('Paste a document or choose a file')

    await client.get('/console/postmortems/import')
    const timeless = await client.post('/console/postmortems/import', {
      markdown: '# Broken\n\nIt broke.\n',
    })
    expect(timeless.status).toBe(422)
    expect(timeless.text).toContain('no start time could be read')
    expect(await t.deps.store.countIncidents()).toBe(0)
  })
})
