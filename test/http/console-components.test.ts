import { afterEach, describe, expect, it } from 'vitest'
import { CLI_ACTOR } from '../../src/app/actor.ts'
import { createComponentGroup } from '../../src/app/component-groups.ts'
import { createComponent } from '../../src/app/components.ts'
import { createUser } from '../../src/app/create-user.ts'
import type { Role } from '../../src/domain/enums.ts'
import { createTestApp, TEST_NOW, type TestApp } from '../support/app.ts'
import { createClient } from '../support/client.ts'
import { setUpOwner as setUpOwnerThroughSetup } from './console-auth-support.ts'

// The components and groups screen through the real app (TEST_NOW is 2026-11-22T12:00:00Z).

const PASSWORD = 'correct horse battery staple'
const HTMX = { headers: { 'HX-Request': 'true' } }

let t: TestApp
afterEach(() => t?.close())

type Client = ReturnType<typeof createClient>

const setUpOwner = (): Promise<Client> =>
  setUpOwnerThroughSetup(t, { landing: '/console/components', password: PASSWORD })

async function signInAs(role: Role): Promise<Client> {
  const email = `${role}@example.com`
  await createUser(t.deps, CLI_ACTOR, { email, name: `Rae ${role}`, role, password: PASSWORD })
  const client = createClient(t.app)
  await client.get('/console/login')
  expect((await client.post('/console/login', { email, password: PASSWORD })).status).toBe(303)
  await client.get('/console/components')
  return client
}

function around(html: string, marker: string, length = 600): string {
  const i = html.indexOf(marker)
  expect(i, `missing ${marker}`).toBeGreaterThanOrEqual(0)
  return html.slice(i, i + length)
}

const order = async (groupId: string | null = null) =>
  (await t.deps.store.listComponents()).filter((c) => c.groupId === groupId).map((c) => c.name)

describe('components page', () => {
  it('creates a component from the form and lists it under its group', async () => {
    t = createTestApp()
    const client = await setUpOwner()
    const group = await createComponentGroup(t.deps, CLI_ACTOR, { name: 'Backend' })
    await client.get('/console/components')
    const res = await client.post('/console/components', {
      name: 'Payments API',
      description: 'Card payments',
      groupId: group.id,
      status: 'degraded_performance',
      visible: 'on',
    })
    expect(res.status).toBe(303)
    expect(res.headers.get('Location')).toBe('/console/components')
    const [component] = await t.deps.store.listComponents()
    expect(component).toMatchObject({
      name: 'Payments API',
      description: 'Card payments',
      groupId: group.id,
      status: 'degraded_performance',
      visible: true,
    })
    const page = await client.get('/console/components')
    const section = around(page.text, `id="group-title-${group.id}"`, 4000)
    expect(section).toContain('Backend')
    expect(section).toContain('Payments API')
  })

  it('re-renders the create form with 422 and the message next to `name`, keeping the input', async () => {
    t = createTestApp()
    const client = await setUpOwner()
    const res = await client.post('/console/components', {
      name: '',
      description: 'Kept',
      status: 'major_outage',
    })
    expect(res.status).toBe(422)
    const field = around(res.text, 'id="new-component-name"', 400)
    expect(field).toContain('aria-invalid="true"')
    expect(field).toContain('Name is required')
    expect(res.text).toContain('value="Kept"')
    expect(around(res.text, 'id="new-component-status"', 1200)).toMatch(
      /<option value="major_outage" selected="">/,
    )
    // An unticked "visible" stays unticked on the re-rendered form.
    expect(around(res.text, 'name="visible"', 100)).not.toContain('checked')
    expect(await t.deps.store.listComponents()).toEqual([])
  })

  it('answers htmx with the admin section only, ready to swap', async () => {
    t = createTestApp()
    const client = await setUpOwner()
    const res = await client.post(
      '/console/components',
      { name: 'Search', status: 'operational', visible: 'on' },
      HTMX,
    )
    expect(res.status).toBe(200)
    expect(res.text).not.toContain('<html')
    expect(res.text.trimStart()).toMatch(/^<section id="components-admin"/)
    expect(res.text).toContain('Component “Search” created.')
    const bad = await client.post('/console/components', { name: '' }, HTMX)
    expect(bad.status).toBe(422)
    expect(bad.text.trimStart()).toMatch(/^<section id="components-admin"/)
    expect(bad.text).toContain('Name is required')
  })

  it('sets a status directly and records it as a status change outside any incident', async () => {
    t = createTestApp()
    const client = await setUpOwner()
    const api = await createComponent(t.deps, CLI_ACTOR, { name: 'API' })
    t.clock.advance(60_000)
    const res = await client.post(
      `/console/components/${api.id}/status`,
      { status: 'partial_outage' },
      HTMX,
    )
    expect(res.status).toBe(200)
    expect(around(res.text, `id="component-row-${api.id}"`, 1500)).toMatch(
      /<option value="partial_outage" selected="">/,
    )
    expect((await t.deps.store.getComponent(api.id))?.status).toBe('partial_outage')
    const changes = (await t.deps.store.listStatusChanges(TEST_NOW + 1)).filter(
      (c) => c.at > TEST_NOW,
    )
    expect(changes).toMatchObject([
      {
        componentId: api.id,
        fromStatus: 'operational',
        toStatus: 'partial_outage',
        incidentId: null,
      },
    ])
    const [entry] = await t.deps.store.listAudit({ limit: 1 })
    expect(entry).toMatchObject({
      action: 'component.update',
      entityId: api.id,
      actorLabel: 'Olivia Owner',
    })

    const bad = await client.post(`/console/components/${api.id}/status`, { status: 'on_fire' })
    expect(bad.status).toBe(422)
    expect(bad.text).toContain('Status must be one of operational')
  })

  it('hides and shows a component on the public page', async () => {
    t = createTestApp()
    const client = await setUpOwner()
    const api = await createComponent(t.deps, CLI_ACTOR, { name: 'API' })
    expect(
      (await client.post(`/console/components/${api.id}/visibility`, { visible: 'false' })).status,
    ).toBe(303)
    expect((await t.deps.store.getComponent(api.id))?.visible).toBe(false)
    const page = await client.get('/console/components')
    expect(around(page.text, `id="component-row-${api.id}"`, 3000)).toContain('Hidden')
    expect(
      (await client.post(`/console/components/${api.id}/visibility`, { visible: 'true' })).status,
    ).toBe(303)
    expect((await t.deps.store.getComponent(api.id))?.visible).toBe(true)
    expect(
      (await client.post(`/console/components/${api.id}/visibility`, { visible: 'maybe' })).status,
    ).toBe(422)
  })

  it('moves components up and down', async () => {
    t = createTestApp()
    const client = await setUpOwner()
    for (const name of ['A', 'B', 'C']) await createComponent(t.deps, CLI_ACTOR, { name })
    const c = (await t.deps.store.listComponents()).find((x) => x.name === 'C')!
    expect(
      (await client.post(`/console/components/${c.id}/move`, { direction: 'up' })).status,
    ).toBe(303)
    expect(await order()).toEqual(['A', 'C', 'B'])
    const res = await client.post(`/console/components/${c.id}/move`, { direction: 'up' }, HTMX)
    expect(res.status).toBe(200)
    expect(await order()).toEqual(['C', 'A', 'B'])
    const html = res.text
    expect(html.indexOf('<strong>C</strong>')).toBeLessThan(html.indexOf('<strong>A</strong>'))
    expect(
      (await client.post(`/console/components/${c.id}/move`, { direction: 'sideways' })).status,
    ).toBe(422)
  })

  it('edits a component, moving it into a group', async () => {
    t = createTestApp()
    const client = await setUpOwner()
    const api = await createComponent(t.deps, CLI_ACTOR, { name: 'API' })
    const group = await createComponentGroup(t.deps, CLI_ACTOR, { name: 'Core' })
    const res = await client.post(`/console/components/${api.id}`, {
      name: 'Public API',
      description: '',
      groupId: group.id,
    })
    expect(res.status).toBe(303)
    expect(await t.deps.store.getComponent(api.id)).toMatchObject({
      name: 'Public API',
      groupId: group.id,
      description: null,
    })
    const bad = await client.post(`/console/components/${api.id}`, { name: '', groupId: '' })
    expect(bad.status).toBe(422)
    const row = around(bad.text, `id="component-row-${api.id}"`, 3000)
    expect(row).toContain('<details class="inline-edit" open="">')
    expect(row).toContain('Name is required')
  })

  it('creates, edits, moves and deletes groups; components of a deleted group stay', async () => {
    t = createTestApp()
    const client = await setUpOwner()
    expect((await client.post('/console/component-groups', { name: 'Edge' })).status).toBe(303)
    expect(
      (await client.post('/console/component-groups', { name: 'Core', collapsed: 'on' })).status,
    ).toBe(303)
    const [edge, core] = await t.deps.store.listGroups()
    expect(core).toMatchObject({ name: 'Core', collapsed: true })
    expect(
      (await client.post(`/console/component-groups/${core!.id}/move`, { direction: 'up' })).status,
    ).toBe(303)
    expect((await t.deps.store.listGroups()).map((g) => g.name)).toEqual(['Core', 'Edge'])
    expect(
      (await client.post(`/console/component-groups/${edge!.id}`, { name: 'CDN' })).status,
    ).toBe(303)
    expect(await t.deps.store.getGroup(edge!.id)).toMatchObject({ name: 'CDN', collapsed: false })

    const cdnNode = await createComponent(t.deps, CLI_ACTOR, {
      name: 'Frankfurt',
      groupId: edge!.id,
    })
    const del = await client.post(`/console/component-groups/${edge!.id}/delete`, {}, HTMX)
    expect(del.status).toBe(200)
    expect(del.text).toContain('its components are now without a group')
    expect(await t.deps.store.getGroup(edge!.id)).toBeNull()
    expect((await t.deps.store.getComponent(cdnNode.id))?.groupId).toBeNull()

    const bad = await client.post('/console/component-groups', { name: ' ' })
    expect(bad.status).toBe(422)
    expect(around(bad.text, 'id="new-group-name"', 400)).toContain('Name is required')
  })

  it('deletes a component behind a confirmation, and audits it', async () => {
    t = createTestApp()
    const client = await setUpOwner()
    const api = await createComponent(t.deps, CLI_ACTOR, { name: 'API' })
    const page = await client.get('/console/components')
    expect(around(page.text, `action="/console/components/${api.id}/delete"`, 300)).toContain(
      'hx-confirm=',
    )
    expect((await client.post(`/console/components/${api.id}/delete`, {})).status).toBe(303)
    expect(await t.deps.store.getComponent(api.id)).toBeNull()
    expect((await t.deps.store.listAudit({ limit: 1 }))[0]).toMatchObject({
      action: 'component.delete',
      entityId: api.id,
    })
  })

  it('answers 404 for an unknown component or group', async () => {
    t = createTestApp()
    const client = await setUpOwner()
    expect(
      (await client.post('/console/components/nope/status', { status: 'major_outage' })).status,
    ).toBe(404)
    expect((await client.post('/console/components/nope', { name: 'x' })).status).toBe(404)
    expect((await client.post('/console/components/nope/delete', {})).status).toBe(404)
    expect(
      (await client.post('/console/component-groups/nope/move', { direction: 'up' })).status,
    ).toBe(404)
    const htmx = await client.post('/console/components/nope/move', { direction: 'up' }, HTMX)
    expect(htmx.status).toBe(404)
    expect(htmx.headers.get('HX-Retarget')).toBe('#flash')
  })

  it('shows names containing HTML as text', async () => {
    t = createTestApp()
    const client = await setUpOwner()
    await client.post('/console/components', {
      name: '<img src=x onerror=alert(1)>',
      status: 'operational',
      visible: 'on',
    })
    await client.post('/console/component-groups', { name: '<script>alert(1)</script>' })
    const page = await client.get('/console/components')
    expect(page.text).not.toContain('<img src=x')
    expect(page.text).not.toContain('<script>alert(1)')
    expect(page.text).toContain('&lt;img src=x onerror=alert(1)&gt;')
  })
})

describe('viewers on the components page', () => {
  it('see groups and statuses without controls, and every mutation is 403', async () => {
    t = createTestApp()
    await setUpOwner()
    const group = await createComponentGroup(t.deps, CLI_ACTOR, { name: 'Core' })
    const api = await createComponent(t.deps, CLI_ACTOR, {
      name: 'API',
      groupId: group.id,
      status: 'major_outage',
    })
    const viewer = await signInAs('viewer')
    const page = await viewer.get('/console/components')
    expect(page.status).toBe(200)
    expect(page.text).toContain('API')
    expect(page.text).toContain('Major Outage')
    expect(page.text).not.toContain('New component')
    expect(page.text).not.toContain('hx-post=')
    const attempts = [
      ['/console/components', { name: 'x' }],
      [`/console/components/${api.id}`, { name: 'y' }],
      [`/console/components/${api.id}/status`, { status: 'operational' }],
      [`/console/components/${api.id}/visibility`, { visible: 'false' }],
      [`/console/components/${api.id}/move`, { direction: 'up' }],
      [`/console/components/${api.id}/delete`, {}],
      ['/console/component-groups', { name: 'x' }],
      [`/console/component-groups/${group.id}`, { name: 'x' }],
      [`/console/component-groups/${group.id}/move`, { direction: 'up' }],
      [`/console/component-groups/${group.id}/delete`, {}],
    ] as const
    for (const [path, form] of attempts)
      expect((await viewer.post(path, form)).status, path).toBe(403)
    expect(await t.deps.store.getComponent(api.id)).toMatchObject({
      name: 'API',
      status: 'major_outage',
    })
  })

  it('are asked to sign in when not signed in at all', async () => {
    t = createTestApp()
    await setUpOwner()
    const anonymous = createClient(t.app)
    const res = await anonymous.get('/console/components')
    expect(res.status).toBe(302)
    expect(res.headers.get('Location')).toContain('/console/login')
  })
})
