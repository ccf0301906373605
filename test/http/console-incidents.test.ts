import { afterEach, describe, expect, it } from 'vitest'
import { CLI_ACTOR } from '../../src/app/actor.ts'
import { createComponent } from '../../src/app/components.ts'
import { createUser } from '../../src/app/create-user.ts'
import { getIncident } from '../../src/app/get-incident.ts'
import type { Role } from '../../src/domain/enums.ts'
import { createTestApp, TEST_NOW, type TestApp } from '../support/app.ts'
import { createClient } from '../support/client.ts'
import { setUpOwner as setUpOwnerThroughSetup } from './console-auth-support.ts'

// The console's incident screens through the real app: setup creates the owner, other users sign
// in through the login form, forms are posted with the CSRF token of the page they came from.
// TEST_NOW is 2026-11-22T12:00:00Z.

const PASSWORD = 'correct horse battery staple'
const HTMX = { headers: { 'HX-Request': 'true' } }
const XSS = '<img src=x onerror=alert(1)>'

let t: TestApp
afterEach(() => t?.close())

type Client = ReturnType<typeof createClient>

/** First run through the setup form; the owner is signed in by it. */
const setUpOwner = (timeZone = 'UTC'): Promise<Client> =>
  setUpOwnerThroughSetup(t, { timeZone, landing: '/console', password: PASSWORD })

async function signInAs(role: Role): Promise<Client> {
  const email = `${role}@example.com`
  await createUser(t.deps, CLI_ACTOR, { email, name: `Rae ${role}`, role, password: PASSWORD })
  const client = createClient(t.app)
  await client.get('/console/login')
  const res = await client.post('/console/login', { email, password: PASSWORD })
  expect(res.status).toBe(303)
  await client.get('/console')
  return client
}

async function openViaForm(client: Client, fields: Record<string, string> = {}) {
  await client.get('/console/incidents/new')
  const res = await client.post('/console/incidents', {
    name: 'Checkout is failing',
    impact: 'major',
    status: 'investigating',
    body: 'We are looking into failed payments.',
    startedAt: '',
    notify: 'on',
    ...fields,
  })
  expect(res.status, res.text).toBe(303)
  const id = /\/console\/incidents\/([^/?#]+)$/.exec(res.headers.get('Location') ?? '')?.[1]
  expect(id).toBeTruthy()
  return id!
}

/** The text between two markers, to assert that a message sits next to its field. */
function around(html: string, marker: string, length = 600): string {
  const i = html.indexOf(marker)
  expect(i, `missing ${marker}`).toBeGreaterThanOrEqual(0)
  return html.slice(i, i + length)
}

const eventIds = (html: string) => [...html.matchAll(/<li id="event-([^"]+)"/g)].map((m) => m[1])

describe('the incidents board and new incident form', () => {
  it('opens an incident from the form and lists it on the board as open', async () => {
    t = createTestApp()
    const client = await setUpOwner()
    const api = await createComponent(t.deps, CLI_ACTOR, { name: 'Payments API' })
    const id = await openViaForm(client, { [`components.${api.id}`]: 'major_outage' })

    const board = await client.get('/console')
    expect(board.status).toBe(200)
    const open = around(board.text, 'id="open-incidents"', 3000)
    expect(open).toContain(`href="/console/incidents/${id}">Checkout is failing</a>`)
    expect(open).toContain('Major impact')
    expect(open).toContain('Investigating')
    expect(open).toContain('Payments API')
    expect(board.text).toContain('href="/console/incidents/new"')

    const incident = await t.deps.store.getIncident(id)
    expect(incident).toMatchObject({
      name: 'Checkout is failing',
      impact: 'major',
      startedAt: TEST_NOW,
    })
    expect((await t.deps.store.getComponent(api.id))?.status).toBe('major_outage')
  })

  it('lists resolved incidents after open ones and shows the running duration of open ones', async () => {
    t = createTestApp()
    const client = await setUpOwner()
    const old = await openViaForm(client, { name: 'Old trouble', startedAt: '2026-11-22T08:00' })
    await client.get(`/console/incidents/${old}`)
    expect(
      (await client.post(`/console/incidents/${old}/resolve`, { body: '', notify: 'on' })).status,
    ).toBe(303)
    await openViaForm(client, { name: 'Current trouble', startedAt: '2026-11-22T10:30' })
    const board = await client.get('/console')
    const html = board.text
    expect(html.indexOf('Current trouble')).toBeLessThan(html.indexOf('Old trouble'))
    expect(around(html, 'Current trouble', 1500)).toContain('1h 30m')
    expect(html).toContain('Recently resolved')
  })

  it('pages through resolved incidents and survives a junk page number', async () => {
    t = createTestApp()
    const client = await setUpOwner()
    expect((await client.get('/console?page=abc')).status).toBe(200)
    expect((await client.get('/console?page=-3')).status).toBe(200)
    expect((await client.get('/console?page=99999999999999999999')).status).toBe(200)
  })

  it('treats the prefilled start as "now", so the incident outranks a status set while the form was open', async () => {
    t = createTestApp()
    const client = await setUpOwner()
    const api = await createComponent(t.deps, CLI_ACTOR, { name: 'API' })
    const form = await client.get('/console/incidents/new')
    const shown = /name="startedAt" value="([^"]+)"/.exec(form.text)?.[1]
    expect(shown).toBe('2026-11-22T12:00')
    expect(form.text).toContain(`name="startedAtShown" value="${shown}"`)
    // Meanwhile someone marks the API degraded from the components page.
    t.clock.advance(90_000)
    await client.get('/console/components')
    await client.post(`/console/components/${api.id}/status`, { status: 'degraded_performance' })
    t.clock.advance(30_000)
    await client.get('/console/incidents/new')
    const res = await client.post('/console/incidents', {
      name: 'API down',
      impact: 'major',
      body: 'Down.',
      startedAt: shown!,
      startedAtShown: shown!,
      [`components.${api.id}`]: 'major_outage',
    })
    expect(res.status).toBe(303)
    const [incident] = await t.deps.store.listIncidents()
    expect(incident?.startedAt).toBe(TEST_NOW + 120_000)
    expect((await t.deps.store.getComponent(api.id))?.status).toBe('major_outage')
  })

  it('re-renders the form with 422 and the message next to `name` when the name is missing', async () => {
    t = createTestApp()
    const client = await setUpOwner()
    await client.get('/console/incidents/new')
    const res = await client.post('/console/incidents', {
      name: '  ',
      impact: 'critical',
      status: 'identified',
      body: 'Kept as typed.',
      startedAt: '',
    })
    expect(res.status).toBe(422)
    const nameField = around(res.text, 'name="name"', 400)
    expect(nameField).toContain('aria-invalid="true"')
    expect(nameField).toMatch(
      /<p class="field-error" id="new-incident-name-error">Name is required<\/p>/,
    )
    // Everything else the user typed is still there.
    expect(res.text).toContain('Kept as typed.</textarea>')
    expect(res.text).toMatch(/<option value="critical" selected="">/)
    expect(res.text).toMatch(/<option value="identified" selected="">/)
    expect(await t.deps.store.countIncidents()).toBe(0)
  })

  it('reads the start time in the page time zone and refuses one in the future', async () => {
    t = createTestApp()
    const client = await setUpOwner('America/New_York')
    const id = await openViaForm(client, { startedAt: '2026-11-22T05:15' })
    // New York is UTC−5 in November.
    expect((await t.deps.store.getIncident(id))?.startedAt).toBe(Date.parse('2026-11-22T10:15:00Z'))
    const view = await client.get(`/console/incidents/${id}`)
    expect(view.text).toContain(
      '<time datetime="2026-11-22T05:15:00-05:00">Nov 22, 2026, 05:15 EST</time>',
    )

    await client.get('/console/incidents/new')
    const future = await client.post('/console/incidents', {
      name: 'x',
      impact: 'minor',
      body: 'y',
      startedAt: '2026-11-22T09:00',
    })
    expect(future.status).toBe(422)
    expect(around(future.text, 'name="startedAt"', 400)).toContain('Start cannot be in the future')

    const garbage = await client.post('/console/incidents', {
      name: 'x',
      impact: 'minor',
      body: 'y',
      startedAt: 'soon',
    })
    expect(garbage.status).toBe(422)
    expect(around(garbage.text, 'name="startedAt"', 400)).toContain('Start must be a date and time')
  })

  it('names a bad impact and an unknown component instead of failing', async () => {
    t = createTestApp()
    const client = await setUpOwner()
    await client.get('/console/incidents/new')
    const res = await client.post('/console/incidents', {
      name: 'x',
      impact: 'apocalyptic',
      body: 'y',
      'components.nope': 'major_outage',
    })
    expect(res.status).toBe(422)
    expect(around(res.text, 'name="impact"', 800)).toContain(
      'Impact must be one of none, minor, major, critical',
    )

    const unknown = await client.post('/console/incidents', {
      name: 'x',
      impact: 'minor',
      body: 'y',
      'components.nope': 'major_outage',
    })
    expect(unknown.status).toBe(422)
    expect(unknown.text).toContain('components.nope: unknown component')
  })
})

describe('the incident view and the composer', () => {
  it('posts an update with htmx: the event fragment plus the header, components and a fresh composer out of band', async () => {
    t = createTestApp()
    const client = await setUpOwner()
    const api = await createComponent(t.deps, CLI_ACTOR, { name: 'Payments API' })
    const id = await openViaForm(client, { [`components.${api.id}`]: 'partial_outage' })
    await client.get(`/console/incidents/${id}`)
    await client.post(`/console/incidents/${id}/updates`, { body: 'Still looking.', at: '' })
    t.clock.advance(5 * 60_000)
    const res = await client.post(
      `/console/incidents/${id}/updates`,
      {
        body: 'Root cause: an expired certificate.',
        status: 'identified',
        [`components.${api.id}`]: 'major_outage',
        at: '',
        visibility: 'public',
        kind: '',
        notify: 'on',
      },
      HTMX,
    )
    expect(res.status).toBe(200)
    const html = res.text
    expect(html).not.toContain('<html')
    // The main content is the new event, first in the response, for hx-swap="afterbegin" on the timeline…
    expect(html.trimStart()).toMatch(/^<li id="event-[^"]+" class="event event-public">/)
    expect(html).toContain('Root cause: an expired certificate.')
    // …and the other regions are refreshed out of band.
    const header = around(html, '<section id="incident-header"', 1200)
    expect(header).toContain('hx-swap-oob="true"')
    expect(header).toContain('Identified')
    const components = around(html, '<section id="incident-components"', 800)
    expect(components).toContain('hx-swap-oob="true"')
    expect(components).toContain('Payments API')
    expect(components).toContain('Major Outage')
    const composer = around(html, '<form id="composer"', 2000)
    expect(composer).toContain('hx-swap-oob="true"')
    expect(composer).not.toContain('Root cause') // reset
    expect(res.headers.get('HX-Retarget')).toBeNull()

    const detail = await getIncident(t.deps, id)
    expect(detail.incident.status).toBe('identified')
    expect(detail.events[0]?.body).toBe('Root cause: an expired certificate.')
  })

  it('re-renders the composer in place with 422 when an internal note tries to change the status', async () => {
    t = createTestApp()
    const client = await setUpOwner()
    const id = await openViaForm(client)
    await client.get(`/console/incidents/${id}`)
    const res = await client.post(
      `/console/incidents/${id}/updates`,
      { body: 'Just a note', status: 'resolved', visibility: 'internal', at: '' },
      HTMX,
    )
    expect(res.status).toBe(422)
    expect(res.headers.get('HX-Retarget')).toBe('#composer')
    expect(res.headers.get('HX-Reswap')).toBe('outerHTML')
    expect(res.text.trimStart()).toMatch(/^<form id="composer"/)
    expect(around(res.text, 'name="status"', 1500)).toContain(
      'Status internal notes cannot change the status',
    )
    expect(res.text).toContain('Just a note</textarea>')
    expect((await getIncident(t.deps, id)).events).toHaveLength(1)
  })

  it('posts without JavaScript and redirects back to the incident', async () => {
    t = createTestApp()
    const client = await setUpOwner()
    const id = await openViaForm(client)
    await client.get(`/console/incidents/${id}`)
    const res = await client.post(`/console/incidents/${id}/updates`, {
      body: 'Monitoring the fix.',
      status: 'monitoring',
      visibility: 'public',
      at: '',
    })
    expect(res.status).toBe(303)
    expect(res.headers.get('Location')).toBe(`/console/incidents/${id}`)
    const view = await client.get(`/console/incidents/${id}`)
    expect(view.text).toContain('Monitoring the fix.')

    const bad = await client.post(`/console/incidents/${id}/updates`, { body: '', at: '' })
    expect(bad.status).toBe(422)
    expect(bad.text).toContain('<html')
    expect(around(bad.text, 'id="composer-body"', 600)).toContain('Message is required')
  })

  it('shows internal notes in the console, styled as internal, but never on the public page', async () => {
    t = createTestApp()
    const client = await setUpOwner()
    const id = await openViaForm(client, { body: 'Public: investigating.' })
    await client.get(`/console/incidents/${id}`)
    const res = await client.post(`/console/incidents/${id}/updates`, {
      body: 'Internal: suspect deploy 4812.',
      visibility: 'internal',
      at: '',
      notify: 'on',
    })
    expect(res.status).toBe(303)

    const view = await client.get(`/console/incidents/${id}`)
    const note = around(view.text, 'class="event event-internal"', 1500)
    expect(note).toContain('Internal note')
    expect(note).toContain('by Olivia Owner')
    expect(note).toContain('Internal: suspect deploy 4812.')

    const pub = await getIncident(t.deps, id, { publicOnly: true })
    expect(pub.events.map((e) => e.body)).toEqual(['Public: investigating.'])
    const page = await t.app.request(`/incidents/${id}`)
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain('Public: investigating.')
    expect(html).not.toContain('suspect deploy 4812')
  })

  it('inserts a backdated update at its place in time and says it was posted later', async () => {
    t = createTestApp()
    const client = await setUpOwner()
    const id = await openViaForm(client, { startedAt: '2026-11-22T10:00' })
    await client.get(`/console/incidents/${id}`)
    await client.post(`/console/incidents/${id}/updates`, { body: 'Newest.', at: '' })
    await client.post(`/console/incidents/${id}/updates`, { body: 'Also new.', at: '' })
    await client.get(`/console/incidents/${id}`)
    const res = await client.post(
      `/console/incidents/${id}/updates`,
      { body: 'Paged the database team.', kind: 'escalation', at: '2026-11-22T10:30' },
      HTMX,
    )
    expect(res.status).toBe(200)
    // It is not the newest event, so the whole list is re-rendered in order instead.
    expect(res.headers.get('HX-Retarget')).toBe('#timeline')
    expect(res.headers.get('HX-Reswap')).toBe('innerHTML')
    const backdated = around(res.text, 'Escalation', 600)
    expect(backdated).toContain('<time datetime="2026-11-22T10:30:00+00:00">')
    expect(backdated).toContain('posted later at <time datetime="2026-11-22T12:00:00+00:00">')
    const bodies = [...res.text.matchAll(/<div class="markdown event-body"><p>([^<]+)<\/p>/g)].map(
      (m) => m[1],
    )
    expect(bodies).toEqual([
      'Also new.',
      'Newest.',
      'Paged the database team.',
      'We are looking into failed payments.',
    ])
  })

  it('shows names and bodies containing HTML as text', async () => {
    t = createTestApp()
    const client = await setUpOwner()
    const id = await openViaForm(client, { name: XSS, body: XSS })
    await client.get(`/console/incidents/${id}`)
    await client.post(`/console/incidents/${id}/updates`, {
      body: `note ${XSS}`,
      visibility: 'internal',
      at: '',
    })
    for (const path of ['/console', `/console/incidents/${id}`]) {
      const res = await client.get(path)
      expect(res.text).not.toContain('<img src=x')
      expect(res.text).toContain('&lt;img src=x onerror=alert(1)&gt;')
    }
  })

  it('answers 404 for an unknown incident or an event of another incident', async () => {
    t = createTestApp()
    const client = await setUpOwner()
    const a = await openViaForm(client)
    const b = await openViaForm(client, { name: 'Other' })
    const eventOfB = (await getIncident(t.deps, b)).events[0]!.id
    expect((await client.get('/console/incidents/nope')).status).toBe(404)
    await client.get(`/console/incidents/${a}`)
    expect((await client.post('/console/incidents/nope/updates', { body: 'x' })).status).toBe(404)
    expect((await client.post('/console/incidents/nope/resolve', {})).status).toBe(404)
    expect((await client.get(`/console/incidents/${a}/events/${eventOfB}/edit`)).status).toBe(404)
    expect(
      (await client.post(`/console/incidents/${a}/events/${eventOfB}`, { body: 'x' })).status,
    ).toBe(404)
    expect((await client.post(`/console/incidents/${a}/events/nope/delete`, {})).status).toBe(404)
  })
})

describe('viewers', () => {
  it('can read the board and an incident but get no controls, and every mutation is 403', async () => {
    t = createTestApp()
    const owner = await setUpOwner()
    const id = await openViaForm(owner)
    const eventId = (await getIncident(t.deps, id)).events[0]!.id
    const viewer = await signInAs('viewer')

    const board = await viewer.get('/console')
    expect(board.status).toBe(200)
    expect(board.text).toContain('Checkout is failing')
    expect(board.text).not.toContain('href="/console/incidents/new"')
    const view = await viewer.get(`/console/incidents/${id}`)
    expect(view.status).toBe(200)
    expect(view.text).not.toContain('id="composer"')
    expect(view.text).not.toContain('/resolve')
    expect(view.text).not.toContain('/edit"')

    expect((await viewer.get('/console/incidents/new')).status).toBe(403)
    expect((await viewer.get(`/console/incidents/${id}/events/${eventId}/edit`)).status).toBe(403)
    const attempts = [
      ['/console/incidents', { name: 'x', impact: 'minor', body: 'y' }],
      [`/console/incidents/${id}/updates`, { body: 'y' }],
      [`/console/incidents/${id}/resolve`, {}],
      [`/console/incidents/${id}`, { name: 'renamed', impact: 'minor' }],
      [`/console/incidents/${id}/events/${eventId}`, { body: 'changed' }],
      [`/console/incidents/${id}/events/${eventId}/delete`, {}],
      [`/console/incidents/${id}/delete`, {}],
    ] as const
    for (const [path, form] of attempts) {
      expect((await viewer.post(path, form)).status, path).toBe(403)
    }
    const htmx = await viewer.post(`/console/incidents/${id}/updates`, { body: 'y' }, HTMX)
    expect(htmx.status).toBe(403)
    expect(htmx.headers.get('HX-Retarget')).toBe('#flash')
    expect((await getIncident(t.deps, id)).events).toHaveLength(1)
    expect((await t.deps.store.getIncident(id))?.name).toBe('Checkout is failing')
  })

  it('lets a responder post but not delete the incident', async () => {
    t = createTestApp()
    const owner = await setUpOwner()
    const id = await openViaForm(owner)
    const responder = await signInAs('responder')
    await responder.get(`/console/incidents/${id}`)
    expect(
      (await responder.post(`/console/incidents/${id}/updates`, { body: 'On it.' })).status,
    ).toBe(303)
    expect((await responder.post(`/console/incidents/${id}/delete`, {})).status).toBe(403)
    expect((await getIncident(t.deps, id)).events[0]?.authorName).toBe('Rae responder')
  })
})

describe('editing and deleting events', () => {
  it('edits an event inline with htmx, marks it edited and records the change in the audit log', async () => {
    t = createTestApp()
    const client = await setUpOwner()
    const id = await openViaForm(client)
    await client.get(`/console/incidents/${id}`)
    await client.post(`/console/incidents/${id}/updates`, {
      body: 'Fix is ot.',
      status: 'monitoring',
    })
    await client.post(`/console/incidents/${id}/updates`, { body: 'Still watching.' })
    const fixId = (await getIncident(t.deps, id)).events.find((e) => e.body === 'Fix is ot.')!.id

    const form = await client.get(`/console/incidents/${id}/events/${fixId}/edit`, HTMX)
    expect(form.status).toBe(200)
    expect(form.text.trimStart()).toMatch(new RegExp(`^<li id="event-${fixId}"[^>]*event-editing`))
    expect(form.text).toContain('Fix is ot.</textarea>')

    t.clock.advance(2 * 60_000)
    const saved = await client.post(
      `/console/incidents/${id}/events/${fixId}`,
      {
        body: 'Fix is out.',
        status: 'monitoring',
        visibility: 'public',
        kind: '',
        at: '2026-11-22T12:00',
      },
      HTMX,
    )
    expect(saved.status).toBe(200)
    expect(saved.text.trimStart()).toMatch(
      new RegExp(`^<li id="event-${fixId}" class="event event-public">`),
    )
    expect(saved.text).toContain('Fix is out.')
    expect(around(saved.text, 'class="edited muted"', 200)).toContain(
      'edited <time datetime="2026-11-22T12:02:00+00:00">',
    )
    // The exact `at` is kept when the shown minute was not changed.
    expect((await t.deps.store.getEvent(fixId))?.at).toBe(TEST_NOW)

    const [entry] = await t.deps.store.listAudit({ limit: 1 })
    expect(entry).toMatchObject({
      action: 'incident.update.edit',
      entityId: fixId,
      actorLabel: 'Olivia Owner',
    })
    expect(entry?.before).toMatchObject({ body: 'Fix is ot.' })
    expect(entry?.after).toMatchObject({ body: 'Fix is out.' })
  })

  it('re-derives the status header when an edit changes an event status', async () => {
    t = createTestApp()
    const client = await setUpOwner()
    const id = await openViaForm(client)
    await client.get(`/console/incidents/${id}`)
    await client.post(`/console/incidents/${id}/updates`, { body: 'a' })
    await client.post(`/console/incidents/${id}/updates`, { body: 'Resolved!', status: 'resolved' })
    const eventId = (await getIncident(t.deps, id)).events[0]!.id
    const saved = await client.post(
      `/console/incidents/${id}/events/${eventId}`,
      { body: 'Not quite: monitoring.', status: 'monitoring', visibility: 'public' },
      HTMX,
    )
    expect(saved.status).toBe(200)
    expect(around(saved.text, '<section id="incident-header"', 1200)).toContain('Monitoring')
    expect(await t.deps.store.getIncident(id)).toMatchObject({
      status: 'monitoring',
      resolvedAt: null,
    })
  })

  it('keeps the edit form with the message in place when the edit is invalid', async () => {
    t = createTestApp()
    const client = await setUpOwner()
    const id = await openViaForm(client)
    const eventId = (await getIncident(t.deps, id)).events[0]!.id
    await client.get(`/console/incidents/${id}`)
    const res = await client.post(
      `/console/incidents/${id}/events/${eventId}`,
      { body: 'Quietly hide this', status: 'investigating', visibility: 'internal' },
      HTMX,
    )
    expect(res.status).toBe(422)
    expect(res.text).toContain('event-editing')
    expect(res.text).toContain('Visibility an update that changes statuses cannot be made internal')
    const plain = await client.post(`/console/incidents/${id}/events/${eventId}`, {
      body: '',
      visibility: 'public',
    })
    expect(plain.status).toBe(422)
    expect(plain.text).toContain('Message is required')
  })

  it('deletes an event with htmx, keeps it in the audit log, and refuses to delete the last one', async () => {
    t = createTestApp()
    const client = await setUpOwner()
    const id = await openViaForm(client)
    await client.get(`/console/incidents/${id}`)
    await client.post(`/console/incidents/${id}/updates`, {
      body: 'Posted to the wrong incident.',
      status: 'resolved',
    })
    const [wrong, first] = (await getIncident(t.deps, id)).events

    const view = await client.get(`/console/incidents/${id}`)
    expect(view.text).toContain(`hx-post="/console/incidents/${id}/events/${wrong!.id}/delete"`)
    expect(view.text).toContain('hx-confirm=')

    const res = await client.post(`/console/incidents/${id}/events/${wrong!.id}/delete`, {}, HTMX)
    expect(res.status).toBe(200)
    // Only one event is left, so the list is re-rendered (its Delete button goes away).
    expect(res.headers.get('HX-Retarget')).toBe('#timeline')
    expect(eventIds(res.text)).toEqual([first!.id])
    expect(res.text).not.toContain(`/events/${first!.id}/delete`)
    expect(around(res.text, '<section id="incident-header"', 1200)).toContain('Investigating')

    const [entry] = await t.deps.store.listAudit({ limit: 1 })
    expect(entry).toMatchObject({ action: 'incident.update.delete', entityId: wrong!.id })
    expect(entry?.before).toMatchObject({ body: 'Posted to the wrong incident.' })

    const last = await client.post(`/console/incidents/${id}/events/${first!.id}/delete`, {}, HTMX)
    expect(last.status).toBe(409)
    expect(last.headers.get('HX-Retarget')).toBe('#flash')
    expect((await getIncident(t.deps, id)).events).toHaveLength(1)
  })
})

describe('resolving, renaming and deleting an incident', () => {
  it('resolves with the default message and returns components to operational', async () => {
    t = createTestApp()
    const client = await setUpOwner()
    const api = await createComponent(t.deps, CLI_ACTOR, { name: 'API' })
    const id = await openViaForm(client, { [`components.${api.id}`]: 'major_outage' })
    const view = await client.get(`/console/incidents/${id}`)
    expect(view.text).toContain('This incident has been resolved.</textarea>')
    t.clock.advance(45 * 60_000)
    const res = await client.post(`/console/incidents/${id}/resolve`, {
      body: 'This incident has been resolved.',
      notify: 'on',
    })
    expect(res.status).toBe(303)
    const detail = await getIncident(t.deps, id)
    expect(detail.incident).toMatchObject({
      status: 'resolved',
      resolvedAt: TEST_NOW + 45 * 60_000,
    })
    expect(detail.events[0]?.body).toBe('This incident has been resolved.')
    expect(detail.components[0]?.status).toBe('operational')
    const after = await client.get(`/console/incidents/${id}`)
    expect(after.text).toContain('45m')
    expect(after.text).not.toContain('Resolve incident</button>')
  })

  it('renames an incident and changes its impact from the header, with htmx', async () => {
    t = createTestApp()
    const client = await setUpOwner()
    const id = await openViaForm(client)
    await client.get(`/console/incidents/${id}`)
    const res = await client.post(
      `/console/incidents/${id}`,
      { name: 'Payments down', impact: 'critical', startedAt: '2026-11-22T12:00' },
      HTMX,
    )
    expect(res.status).toBe(200)
    expect(res.text.trimStart()).toMatch(/^<section id="incident-header"/)
    expect(res.text).toContain('Payments down')
    expect(res.text).toContain('Critical impact')
    expect(await t.deps.store.getIncident(id)).toMatchObject({
      name: 'Payments down',
      impact: 'critical',
      startedAt: TEST_NOW,
    })
    const [entry] = await t.deps.store.listAudit({ limit: 1 })
    expect(entry).toMatchObject({ action: 'incident.edit', entityId: id })

    const bad = await client.post(
      `/console/incidents/${id}`,
      { name: '', impact: 'critical' },
      HTMX,
    )
    expect(bad.status).toBe(422)
    expect(bad.text).toContain('Name is required')
  })

  it('lets the owner delete an incident and sends htmx back to the board', async () => {
    t = createTestApp()
    const client = await setUpOwner()
    const id = await openViaForm(client)
    await client.get(`/console/incidents/${id}`)
    const res = await client.post(`/console/incidents/${id}/delete`, {}, HTMX)
    expect(res.status).toBe(204)
    expect(res.headers.get('HX-Redirect')).toBe('/console')
    expect(await t.deps.store.getIncident(id)).toBeNull()
    expect((await t.deps.store.listAudit({ limit: 1 }))[0]).toMatchObject({
      action: 'incident.delete',
      entityId: id,
    })
  })
})
