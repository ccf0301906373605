import { Webhook } from 'standardwebhooks'
import { afterEach, describe, expect, it } from 'vitest'
import { CLI_ACTOR } from '../../src/app/actor.ts'
import { createDispatcher } from '../../src/app/broadcast/dispatch.ts'
import { createComponent } from '../../src/app/components.ts'
import { openIncident } from '../../src/app/open-incident.ts'
import { createTestApp, type TestApp } from '../support/app.ts'
import { startHookReceiver, type Hook } from '../support/hook-receiver.ts'
import { addUserWithToken, apiClient, json, type Api } from './api-v1-helpers.ts'

// /api/v1/subscribers through the real app with bearer tokens; deliveries come from a real
// dispatch to a real receiver on 127.0.0.1.

let t: TestApp
const hooks: Hook[] = []
afterEach(async () => {
  t?.close()
  for (const h of hooks.splice(0)) await h.close()
})

async function setUp(env: Record<string, string> = {}, now?: number) {
  t = createTestApp({ env, ...(now !== undefined ? { now } : {}) })
  const owner = await addUserWithToken(t, { role: 'owner' })
  return apiClient(t, owner.secret)
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?(Z|[+-]\d{2}:\d{2})$/

async function create(api: Api, body: unknown) {
  const res = await api('POST', '/subscribers', body)
  return { res, body: await json(res) }
}

describe('POST /api/v1/subscribers', () => {
  it('creates a webhook subscriber and returns its secret this once, never afterwards', async () => {
    const api = await setUp()
    const { res, body } = await create(api, {
      channel: 'webhook',
      target: 'https://hooks.example.net/in',
    })
    expect(res.status).toBe(201)
    expect(res.headers.get('Cache-Control')).toBe('no-store')
    expect(body).toMatchObject({
      channel: 'webhook',
      target: 'https://hooks.example.net/in',
      state: 'active',
      all_components: true,
      components: [],
    })
    expect(body.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{32,}$/)
    expect(body.created_at).toMatch(ISO)
    expect(res.headers.get('Location')).toBe(`/api/v1/subscribers/${body.id}`)

    const one = await json(await api('GET', `/subscribers/${body.id}`))
    expect(one.id).toBe(body.id)
    expect(one).not.toHaveProperty('secret')
    const list = await api('GET', '/subscribers')
    const text = await list.text()
    expect(text).not.toContain('whsec_')
    expect(text).not.toContain('manage')
    expect(JSON.parse(text).subscribers).toHaveLength(1)
  })

  it('makes an e-mail subscriber active when confirmed, pending (and mailed) when not', async () => {
    const api = await setUp()
    const component = await createComponent(t.deps, CLI_ACTOR, { name: 'API' })
    const yes = await create(api, {
      channel: 'email',
      target: 'Ops@Example.com',
      components: [component.id],
      confirmed: true,
    })
    expect(yes.res.status).toBe(201)
    expect(yes.body).toMatchObject({
      state: 'active',
      all_components: false,
      components: [component.id],
    })
    expect(yes.body).not.toHaveProperty('secret')
    expect(yes.body.confirmed_at).toMatch(ISO)

    const no = await create(api, {
      channel: 'email',
      target: 'later@example.com',
      confirmed: false,
    })
    expect(no.body).toMatchObject({ state: 'pending', confirmed_at: null })
    expect((await t.deps.store.listCapturedMail(5)).map((m) => m.to)).toEqual(['later@example.com'])
  })

  it('names the bad field with 422', async () => {
    const api = await setUp()
    const cases: [unknown, string][] = [
      [{ channel: 'pigeon', target: 'a@example.com' }, 'channel'],
      [{ channel: 'email' }, 'target'],
      [{ channel: 'email', target: 'not an address' }, 'target'],
      [{ channel: 'webhook', target: 'http://hooks.example.net/plain' }, 'target'],
      [{ channel: 'email', target: 'a@example.com', components: ['nope'] }, 'components'],
      [{ channel: 'email', target: 'a@example.com', components: 'all' }, 'components'],
      [{ channel: 'email', target: 'a@example.com', confirmed: 'yes' }, 'confirmed'],
      [{ channel: 'email', target: 'a@example.com', secret: 'mine' }, 'secret'],
      [[], 'body'],
    ]
    for (const [body, field] of cases) {
      const res = await api('POST', '/subscribers', body)
      expect(res.status, JSON.stringify(body)).toBe(422)
      const error = (await json(res)).error
      expect(error.code).toBe('VALIDATION')
      expect(
        error.fields.map((f: { field: string }) => f.field),
        JSON.stringify(body),
      ).toContain(field)
    }
    const broken = await api('POST', '/subscribers', '{"channel":')
    expect(broken.status).toBe(422)
    expect(await t.deps.store.countSubscribers()).toBe(0)
  })

  it('answers 409 for an address that is already subscribed', async () => {
    const api = await setUp()
    await create(api, { channel: 'email', target: 'dup@example.com' })
    const again = await api('POST', '/subscribers', { channel: 'email', target: 'DUP@example.com' })
    expect(again.status).toBe(409)
    expect((await json(again)).error.fields).toEqual([
      { field: 'target', message: 'is already subscribed' },
    ])
  })

  it('needs a write token from an owner or responder', async () => {
    t = createTestApp()
    const reader = await addUserWithToken(t, {
      role: 'owner',
      scope: 'read',
      email: 'r@example.com',
    })
    const viewer = await addUserWithToken(t, { role: 'viewer', email: 'v@example.com' })
    const body = { channel: 'email', target: 'x@example.com' }
    expect((await apiClient(t, reader.secret)('POST', '/subscribers', body)).status).toBe(403)
    expect((await apiClient(t, viewer.secret)('POST', '/subscribers', body)).status).toBe(403)
    expect((await apiClient(t, null)('POST', '/subscribers', body)).status).toBe(401)
    // Reading is fine with a read token.
    expect((await apiClient(t, reader.secret)('GET', '/subscribers')).status).toBe(200)
  })
})

describe('GET /api/v1/subscribers', () => {
  it('filters by channel, state and search, and pages with limit and offset', async () => {
    const api = await setUp()
    for (const target of ['a@example.com', 'b@example.com', 'c@corp.example'])
      await create(api, { channel: 'email', target })
    await create(api, { channel: 'email', target: 'pending@example.com', confirmed: false })
    await create(api, { channel: 'slack', target: 'https://hooks.slack.com/services/T/B/X' })

    const targets = async (query: string) => {
      const body = await json(await api('GET', `/subscribers${query}`))
      return {
        total: body.total,
        targets: body.subscribers.map((s: { target: string }) => s.target).sort(),
      }
    }
    expect((await targets('')).total).toBe(5)
    expect(await targets('?channel=slack')).toEqual({
      total: 1,
      targets: ['https://hooks.slack.com/services/T/B/X'],
    })
    expect(await targets('?state=pending')).toEqual({ total: 1, targets: ['pending@example.com'] })
    expect(await targets('?search=corp')).toEqual({ total: 1, targets: ['c@corp.example'] })

    const page1 = await json(await api('GET', '/subscribers?limit=2&offset=0'))
    const page2 = await json(await api('GET', '/subscribers?limit=2&offset=2'))
    const page3 = await json(await api('GET', '/subscribers?limit=2&offset=4'))
    expect([page1.limit, page1.offset, page2.offset]).toEqual([2, 0, 2])
    const ids = [...page1.subscribers, ...page2.subscribers, ...page3.subscribers].map(
      (s: { id: string }) => s.id,
    )
    expect(new Set(ids).size).toBe(5)

    for (const bad of ['?channel=fax', '?state=gone', '?limit=0', '?limit=abc', '?offset=-1']) {
      const res = await api('GET', `/subscribers${bad}`)
      expect(res.status, bad).toBe(422)
      expect((await json(res)).error.fields[0].field).toBe(bad.slice(1).split('=')[0])
    }
  })
})

describe('endpoint URLs are credentials', () => {
  it('gives a viewer’s token only the origin of a Slack, Discord or webhook URL', async () => {
    const api = await setUp()
    const { body } = await create(api, {
      channel: 'discord',
      target: 'https://discord.com/api/webhooks/123/XXXXSECRET',
    })
    const viewer = await addUserWithToken(t, { role: 'viewer', email: 'v@example.com' })
    const asViewer = apiClient(t, viewer.secret)
    const one = await json(await asViewer('GET', `/subscribers/${body.id}`))
    expect(one.target).toBe('https://discord.com/…')
    const list = await (await asViewer('GET', '/subscribers')).text()
    expect(list).not.toContain('XXXXSECRET')
    const probe = await json(await asViewer('GET', '/subscribers?search=XXXXSECRET'))
    expect(probe.total).toBe(0)
    expect((await json(await api('GET', `/subscribers/${body.id}`))).target).toContain('XXXXSECRET')
  })
})

describe('one subscriber', () => {
  it('answers 404 for an unknown id on every route', async () => {
    const api = await setUp()
    for (const [method, path] of [
      ['GET', '/subscribers/nope'],
      ['DELETE', '/subscribers/nope'],
      ['GET', '/subscribers/nope/deliveries'],
    ] as const) {
      const res = await api(method, path)
      expect(res.status, `${method} ${path}`).toBe(404)
      expect((await json(res)).error.code).toBe('NOT_FOUND')
    }
  })

  it('deletes a subscriber: 204, then 404', async () => {
    const api = await setUp()
    const { body } = await create(api, { channel: 'email', target: 'bye@example.com' })
    expect((await api('DELETE', `/subscribers/${body.id}`)).status).toBe(204)
    expect((await api('GET', `/subscribers/${body.id}`)).status).toBe(404)
  })

  it('lists the deliveries a dispatch made, with their outcome', async () => {
    // Real time: the receiver checks the signature's timestamp against its own clock.
    const api = await setUp({ WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' }, Date.now())
    const receiver = await startHookReceiver([{ status: 503 }, { status: 200 }])
    hooks.push(receiver)
    const { body: sub } = await create(api, { channel: 'webhook', target: receiver.url })
    const { incident } = await openIncident(t.deps, CLI_ACTOR, {
      name: 'Outage',
      impact: 'major',
      body: 'Looking.',
    })

    const dispatcher = createDispatcher(t.deps)
    await dispatcher.drain()
    const retrying = await json(await api('GET', `/subscribers/${sub.id}/deliveries`))
    expect(retrying.deliveries).toHaveLength(1)
    const first = retrying.deliveries[0]
    expect(first).toMatchObject({
      subscriber_id: sub.id,
      incident_id: incident.id,
      state: 'retrying',
      attempts: 1,
      last_error: 'HTTP 503',
      last_status: 503,
      delivered_at: null,
    })
    expect(first.next_attempt_at).toMatch(ISO)
    expect(first.created_at).toMatch(ISO)
    expect(first.broadcast_id).toBeTruthy()

    // The first retry is due within 36 s (30 s backoff, ±20 % jitter).
    t.clock.advance(40_000)
    await dispatcher.drain()
    const done = await json(await api('GET', `/subscribers/${sub.id}/deliveries`))
    expect(done.deliveries[0]).toMatchObject({
      id: first.id,
      state: 'delivered',
      attempts: 2,
      last_status: 200,
      next_attempt_at: null,
    })
    expect(done.deliveries[0].delivered_at).toMatch(ISO)
    // The delivery's id is the webhook-id the receiver saw, both times, signed with the secret.
    expect(receiver.requests.map((r) => r.headers['webhook-id'])).toEqual([first.id, first.id])
    const last = receiver.requests[1]!
    expect(() =>
      new Webhook(sub.secret).verify(last.body, {
        'webhook-id': String(last.headers['webhook-id']),
        'webhook-timestamp': String(last.headers['webhook-timestamp']),
        'webhook-signature': String(last.headers['webhook-signature']),
      }),
    ).not.toThrow()

    const filtered = await json(await api('GET', `/subscribers/${sub.id}/deliveries?state=dead`))
    expect(filtered.deliveries).toEqual([])
    expect((await api('GET', `/subscribers/${sub.id}/deliveries?state=lost`)).status).toBe(422)
  })
})
