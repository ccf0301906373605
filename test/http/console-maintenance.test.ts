import { afterEach, describe, expect, it } from 'vitest'
import { CLI_ACTOR } from '../../src/app/actor.ts'
import { createComponent } from '../../src/app/components.ts'
import { runMaintenanceTransitions, scheduleMaintenance } from '../../src/app/maintenance.ts'
import { createTestApp, TEST_NOW, type TestApp } from '../support/app.ts'
import type { createClient } from '../support/client.ts'
import { sessionCsrf, setUpOwner, signedIn } from './console-auth-support.ts'

// The console's maintenance screens through the real app and real forms. The page's zone is
// America/New_York: TEST_NOW (2026-11-22T12:00:00Z) is 07:00 EST there, offset -05:00.

let t: TestApp
afterEach(() => t?.close())

type Client = ReturnType<typeof createClient>
const HOUR = 3_600_000
const TZ = 'America/New_York'
const XSS = '<img src=x onerror=alert(1)>'

/** The text from a marker on, to assert that a message sits next to its field. */
function around(html: string, marker: string, length = 800): string {
  const i = html.indexOf(marker)
  expect(i, `missing ${marker}`).toBeGreaterThanOrEqual(0)
  return html.slice(i, i + length)
}

async function setUp() {
  t = createTestApp()
  const owner = await setUpOwner(t, { timeZone: TZ, landing: '/console/maintenance' })
  const db = await createComponent(t.deps, CLI_ACTOR, { name: 'Database' })
  const api = await createComponent(t.deps, CLI_ACTOR, { name: 'API' })
  return { owner, db, api }
}

async function scheduleViaForm(client: Client, fields: Record<string, string | string[]> = {}) {
  await client.get('/console/maintenance/new')
  return client.post('/console/maintenance', {
    name: 'Database upgrade',
    scheduledFor: '2026-11-23T10:00',
    scheduledUntil: '2026-11-23T12:30',
    body: 'We will upgrade the primary database.',
    autoStart: 'on',
    autoComplete: 'on',
    notify: 'on',
    ...fields,
  })
}

const idFrom = (res: Response) =>
  /\/console\/maintenance\/([^/?#]+)$/.exec(res.headers.get('Location') ?? '')?.[1] ?? ''

describe('scheduling maintenance in the console', () => {
  it('schedules from the form, reading the window in the page zone, and lists it as upcoming', async () => {
    const { owner, db, api } = await setUp()
    const form = await owner.get('/console/maintenance/new')
    expect(form.status).toBe(200)
    // Offered: tomorrow's next full hour, for an hour, in the page's zone.
    expect(form.text).toContain('value="2026-11-23T07:00"')
    expect(form.text).toContain('value="2026-11-23T08:00"')
    expect(form.text).toContain(`Starts (${TZ})`)

    const res = await scheduleViaForm(owner, { componentIds: [db.id, api.id], autoComplete: '' })
    expect(res.status, res.text).toBe(303)
    const id = idFrom(res)
    const stored = await t.deps.store.getMaintenance(id)
    expect(stored).toMatchObject({
      name: 'Database upgrade',
      status: 'scheduled',
      // 10:00 and 12:30 EST are 15:00 and 17:30 UTC.
      scheduledFor: Date.UTC(2026, 10, 23, 15, 0),
      scheduledUntil: Date.UTC(2026, 10, 23, 17, 30),
      autoStart: true,
      autoComplete: false,
      notify: true,
    })
    expect([...stored!.componentIds].sort()).toEqual([db.id, api.id].sort())

    const list = await owner.get('/console/maintenance')
    const upcoming = around(list.text, 'id="maintenance-upcoming"', 3000)
    expect(upcoming).toContain(`href="/console/maintenance/${id}">Database upgrade</a>`)
    expect(upcoming).toContain('<time datetime="2026-11-23T10:00:00-05:00">')
    expect(upcoming).toContain('Scheduled')
    expect(list.text).toContain('href="/console/maintenance"')

    const view = await owner.get(`/console/maintenance/${id}`)
    expect(view.text).toContain('We will upgrade the primary database.')
    expect(view.text).toContain('Nov 23, 2026, 10:00 EST')
  })

  it('re-renders the form with 422 and the message next to the field', async () => {
    const { owner, db } = await setUp()
    const backwards = await scheduleViaForm(owner, {
      scheduledFor: '2026-11-23T12:00',
      scheduledUntil: '2026-11-23T11:00',
      componentIds: [db.id],
    })
    expect(backwards.status).toBe(422)
    expect(around(backwards.text, 'id="new-maintenance-scheduledUntil"')).toContain(
      'End must be after the start',
    )
    // What was typed comes back, ticks included.
    expect(backwards.text).toContain('value="Database upgrade"')
    expect(backwards.text).toMatch(new RegExp(`value="${db.id}" checked`))

    const blank = await scheduleViaForm(owner, { scheduledFor: '', name: '  ' })
    expect(blank.status).toBe(422)
    expect(around(blank.text, 'id="new-maintenance-scheduledFor"')).toContain('Start is required')
    expect(around(blank.text, 'id="new-maintenance-name"')).toContain('Name is required')

    const garbage = await scheduleViaForm(owner, { scheduledUntil: '2026-02-30T10:00' })
    expect(garbage.status).toBe(422)
    expect(around(garbage.text, 'id="new-maintenance-scheduledUntil"')).toContain(
      'End must be a date and time',
    )

    const unknown = await scheduleViaForm(owner, { componentIds: ['nope'] })
    expect(unknown.status).toBe(422)
    expect(unknown.text).toContain('unknown component nope')
    expect(await t.deps.store.listMaintenances({ state: 'all' })).toEqual([])
  })

  it('shows names as text', async () => {
    const { owner } = await setUp()
    const res = await scheduleViaForm(owner, { name: XSS })
    const id = idFrom(res)
    for (const path of ['/console/maintenance', `/console/maintenance/${id}`]) {
      const page = await owner.get(path)
      expect(page.text, path).not.toContain('<img src=x')
      expect(page.text, path).toContain('&lt;img src=x onerror=alert(1)&gt;')
    }
  })
})

describe('one maintenance in the console', () => {
  it('posts updates that move the status forward only, marking components under maintenance', async () => {
    const { owner, db } = await setUp()
    const id = idFrom(await scheduleViaForm(owner, { componentIds: [db.id], autoStart: '' }))
    const view = await owner.get(`/console/maintenance/${id}`)
    // The composer offers the statuses after the current one.
    const composer = around(view.text, 'id="maintenance-composer-title"', 3000)
    expect(composer).toContain('No change (Scheduled)')
    expect(composer).toContain('value="in_progress"')
    expect(composer).not.toContain('value="scheduled"')

    const started = await owner.post(`/console/maintenance/${id}/updates`, {
      body: 'Starting early.',
      status: 'in_progress',
      notify: 'on',
    })
    expect(started.status).toBe(303)
    expect((await t.deps.store.getComponent(db.id))!.status).toBe('under_maintenance')
    const during = await owner.get(`/console/maintenance/${id}`)
    expect(during.text).toContain('Starting early.')
    expect(around(during.text, 'id="maintenance-composer-title"', 3000)).not.toContain(
      'value="in_progress"',
    )

    const back = await owner.post(`/console/maintenance/${id}/updates`, {
      body: 'Oops',
      status: 'scheduled',
    })
    expect(back.status).toBe(422)
    expect(around(back.text, 'id="maintenance-composer-status"')).toContain(
      'cannot go back from in_progress to scheduled',
    )
    expect(back.text).toContain('Oops')

    const empty = await owner.post(`/console/maintenance/${id}/updates`, { body: ' ' })
    expect(empty.status).toBe(422)
    expect(around(empty.text, 'id="maintenance-composer-body"')).toContain('Message is required')

    await owner.get(`/console/maintenance/${id}`)
    const done = await owner.post(`/console/maintenance/${id}/updates`, {
      body: 'All done.',
      status: 'completed',
    })
    expect(done.status).toBe(303)
    expect((await t.deps.store.getComponent(db.id))!.status).toBe('operational')
    const after = await owner.get(`/console/maintenance/${id}`)
    // Over: no composer, no edit, no cancel.
    expect(after.text).not.toContain('id="maintenance-composer-title"')
    expect(after.text).not.toContain('Edit or')
    const list = await owner.get('/console/maintenance')
    expect(around(list.text, 'id="maintenance-past"', 3000)).toContain('Completed')
  })

  it('reschedules: a moved window bumps the sequence and posts the message; an unchanged form moves nothing', async () => {
    const { owner, db } = await setUp()
    const id = idFrom(await scheduleViaForm(owner, { componentIds: [db.id] }))
    const before = (await t.deps.store.getMaintenance(id))!

    await owner.get(`/console/maintenance/${id}`)
    const same = await owner.post(`/console/maintenance/${id}`, {
      name: 'Database upgrade',
      scheduledFor: '2026-11-23T10:00',
      scheduledUntil: '2026-11-23T12:30',
      componentIds: [db.id],
      autoStart: 'on',
      autoComplete: 'on',
      notify: 'on',
      body: '',
    })
    expect(same.status).toBe(303)
    expect((await t.deps.store.getMaintenance(id))!.sequence).toBe(before.sequence)

    await owner.get(`/console/maintenance/${id}`)
    const moved = await owner.post(`/console/maintenance/${id}`, {
      name: 'Database upgrade (moved)',
      scheduledFor: '2026-11-24T10:00',
      scheduledUntil: '2026-11-24T11:00',
      componentIds: [db.id],
      autoStart: 'on',
      autoComplete: 'on',
      notify: 'on',
      body: 'Moved to Tuesday.',
    })
    expect(moved.status).toBe(303)
    expect(await t.deps.store.getMaintenance(id)).toMatchObject({
      name: 'Database upgrade (moved)',
      scheduledFor: Date.UTC(2026, 10, 24, 15, 0),
      scheduledUntil: Date.UTC(2026, 10, 24, 16, 0),
      sequence: 1,
    })
    const view = await owner.get(`/console/maintenance/${id}`)
    expect(view.text).toContain('Moved to Tuesday.')

    const bad = await owner.post(`/console/maintenance/${id}`, {
      name: 'Database upgrade (moved)',
      scheduledFor: '2026-11-24T10:00',
      scheduledUntil: '2026-11-24T09:00',
      componentIds: [db.id],
    })
    expect(bad.status).toBe(422)
    expect(around(bad.text, 'id="maintenance-edit-scheduledUntil"')).toContain(
      'End must be after the start',
    )
    // The edit form is open to show it.
    expect(bad.text).toMatch(/<details class="card inline-edit" open/)
  })

  it('once started, offers only the end to move', async () => {
    const { owner, db } = await setUp()
    const start = TEST_NOW + HOUR
    const m = await scheduleMaintenance(t.deps, CLI_ACTOR, {
      name: 'Running',
      body: 'x',
      scheduledFor: start,
      scheduledUntil: start + HOUR,
      componentIds: [db.id],
    })
    t.clock.set(start)
    await runMaintenanceTransitions(t.deps)
    const view = await owner.get(`/console/maintenance/${m.id}`)
    expect(view.text).not.toContain('id="maintenance-edit-scheduledFor"')
    expect(view.text).toContain('id="maintenance-edit-scheduledUntil"')
    expect(view.text).not.toContain('Cancel maintenance')
    // Not deletable while it runs.
    expect(view.text).not.toContain('Delete maintenance')
    const res = await owner.post(`/console/maintenance/${m.id}`, {
      name: 'Running',
      scheduledUntil: '2026-11-22T10:00',
      autoStart: 'on',
      autoComplete: 'on',
      notify: 'on',
    })
    expect(res.status).toBe(303)
    expect(await t.deps.store.getMaintenance(m.id)).toMatchObject({
      scheduledFor: start,
      scheduledUntil: Date.UTC(2026, 10, 22, 15, 0),
      componentIds: [db.id],
      sequence: 1,
    })
  })

  it('cancels after confirming, and the owner may delete it', async () => {
    const { owner } = await setUp()
    const id = idFrom(await scheduleViaForm(owner))
    const view = await owner.get(`/console/maintenance/${id}`)
    // The cancel and delete buttons sit behind disclosures: nothing happens on one click.
    expect(around(view.text, 'Cancel maintenance</summary>', 2000)).toContain(
      `action="/console/maintenance/${id}/cancel"`,
    )
    const cancelled = await owner.post(`/console/maintenance/${id}/cancel`, {
      body: 'Vendor postponed.',
      notify: 'on',
    })
    expect(cancelled.status).toBe(303)
    expect((await t.deps.store.getMaintenance(id))!.cancelledAt).toBe(TEST_NOW)
    const after = await owner.get(`/console/maintenance/${id}`)
    expect(after.text).toContain('Cancelled')
    expect(after.text).toContain('Vendor postponed.')
    expect(after.text).not.toContain('id="maintenance-composer-title"')
    // Cancelling twice is a conflict, not a crash.
    const again = await owner.post(`/console/maintenance/${id}/cancel`, {})
    expect(again.status).toBe(409)

    await owner.get(`/console/maintenance/${id}`)
    const deleted = await owner.post(`/console/maintenance/${id}/delete`)
    expect(deleted.status).toBe(303)
    expect(deleted.headers.get('Location')).toBe('/console/maintenance')
    expect(await t.deps.store.getMaintenance(id)).toBeNull()
    expect((await owner.get(`/console/maintenance/${id}`)).status).toBe(404)
  })
})

describe('maintenance roles and CSRF', () => {
  it('lets a viewer read but not change anything', async () => {
    const { owner } = await setUp()
    const id = idFrom(await scheduleViaForm(owner))
    const { client: viewer } = await signedIn(t, 'viewer')
    const list = await viewer.get('/console/maintenance')
    expect(list.status).toBe(200)
    expect(list.text).toContain('Database upgrade')
    expect(list.text).not.toContain('href="/console/maintenance/new"')
    const view = await viewer.get(`/console/maintenance/${id}`)
    expect(view.status).toBe(200)
    expect(view.text).not.toContain('id="maintenance-composer-title"')
    expect(view.text).not.toContain('Cancel maintenance')
    expect(view.text).not.toContain('Delete maintenance')
    expect((await viewer.get('/console/maintenance/new')).status).toBe(403)

    const csrf = await sessionCsrf(t, viewer)
    for (const path of [
      '/console/maintenance',
      `/console/maintenance/${id}`,
      `/console/maintenance/${id}/updates`,
      `/console/maintenance/${id}/cancel`,
      `/console/maintenance/${id}/delete`,
    ]) {
      const res = await viewer.post(path, { _csrf: csrf, name: 'x', body: 'x' })
      expect(res.status, path).toBe(403)
    }
    expect((await t.deps.store.getMaintenance(id))!.cancelledAt).toBeNull()
  })

  it('lets a responder change maintenance but only an owner delete it', async () => {
    const { owner } = await setUp()
    const id = idFrom(await scheduleViaForm(owner))
    const { client: responder } = await signedIn(t, 'responder')
    const view = await responder.get(`/console/maintenance/${id}`)
    expect(view.text).toContain('id="maintenance-composer-title"')
    expect(view.text).not.toContain('Delete maintenance')
    const posted = await responder.post(`/console/maintenance/${id}/updates`, { body: 'On track.' })
    expect(posted.status).toBe(303)
    expect((await responder.post(`/console/maintenance/${id}/delete`)).status).toBe(403)
    expect(await t.deps.store.getMaintenance(id)).not.toBeNull()
  })

  it('refuses a form without the CSRF token', async () => {
    const { owner } = await setUp()
    const res = await owner.post('/console/maintenance', {
      _csrf: 'forged',
      name: 'x',
      body: 'x',
      scheduledFor: '2026-11-23T10:00',
      scheduledUntil: '2026-11-23T11:00',
    })
    expect(res.status).toBe(403)
    expect(await t.deps.store.listMaintenances({ state: 'all' })).toEqual([])
  })

  it('sends a visitor who is not signed in to the login page, and 404s an unknown id', async () => {
    const { owner } = await setUp()
    const anonymous = await t.app.request('/console/maintenance')
    expect(anonymous.status).toBe(302)
    expect(anonymous.headers.get('Location')).toContain('/console/login')
    expect((await owner.get('/console/maintenance/nope')).status).toBe(404)
    expect((await owner.post('/console/maintenance/nope/updates', { body: 'x' })).status).toBe(404)
  })
})
