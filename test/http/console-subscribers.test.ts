import { Webhook } from 'standardwebhooks'
import { afterEach, describe, expect, it } from 'vitest'
import { CLI_ACTOR } from '../../src/app/actor.ts'
import { createDispatcher } from '../../src/app/broadcast/dispatch.ts'
import { createComponent } from '../../src/app/components.ts'
import { openIncident } from '../../src/app/open-incident.ts'
import { addSubscriber, importSubscribers } from '../../src/app/subscriptions.ts'
import { updateSettings } from '../../src/app/update-settings.ts'
import { createTestApp, type TestApp } from '../support/app.ts'
import { startHookReceiver, type Hook } from '../support/hook-receiver.ts'
import { sessionCsrf, signedIn } from './console-auth-support.ts'

// The console's subscriber screens through the real app: real forms with the page's CSRF token,
// real SQLite, real webhook receivers on 127.0.0.1 for the delivery side.

let t: TestApp
const hooks: Hook[] = []
afterEach(async () => {
  t?.close()
  for (const h of hooks.splice(0)) await h.close()
})

async function hook(script?: Hook['script']) {
  const h = await startHookReceiver(script)
  hooks.push(h)
  return h
}

const email = (target: string, componentIds: string[] = [], confirmed = true) =>
  addSubscriber(t.deps, CLI_ACTOR, { channel: 'email', target, componentIds, confirmed })

/** The rows of the subscribers table: each row's text, tags stripped. */
function rows(html: string): string[] {
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? ''
  return [...body.matchAll(/<tr[\s\S]*?<\/tr>/g)].map((m) => m[0].replace(/<[^>]+>/g, ' '))
}

const targets = (html: string) =>
  [...html.matchAll(/<td class="target"><a href="[^"]+">([^<]+)<\/a>/g)].map((m) => m[1])

const secretIn = (html: string) => /whsec_[A-Za-z0-9+/=]+/.exec(html)?.[0] ?? null

describe('the subscribers list', () => {
  it('searches targets, filters by channel, state and component, and counts by state', async () => {
    t = createTestApp()
    const api = await createComponent(t.deps, CLI_ACTOR, { name: 'API' })
    const web = await createComponent(t.deps, CLI_ACTOR, { name: 'Website' })
    await email('alice@example.com')
    await email('bob@corp.example', [api.id])
    await email('carol@example.com', [], false)
    await addSubscriber(t.deps, CLI_ACTOR, {
      channel: 'webhook',
      target: 'https://hooks.example.net/in',
    })
    const { client } = await signedIn(t, 'viewer')

    const all = await client.get('/console/subscribers')
    expect(all.status).toBe(200)
    expect(targets(all.text).sort()).toEqual([
      'alice@example.com',
      'bob@corp.example',
      'carol@example.com',
      'https://hooks.example.net/…',
    ])
    expect(all.text).toMatch(/Active <span class="count">3<\/span>/)
    expect(all.text).toMatch(/Pending confirmation <span class="count">1<\/span>/)
    expect(all.text).toMatch(/All <span class="count">4<\/span>/)

    const search = await client.get('/console/subscribers?q=CORP')
    expect(targets(search.text)).toEqual(['bob@corp.example'])

    const webhooks = await client.get('/console/subscribers?channel=webhook')
    // A viewer sees an endpoint's origin only.
    expect(targets(webhooks.text)).toEqual(['https://hooks.example.net/…'])

    const pending = await client.get('/console/subscribers?state=pending')
    expect(targets(pending.text)).toEqual(['carol@example.com'])

    // Scoped to the website: everyone on "all components", not Bob (API only).
    const website = await client.get(`/console/subscribers?component=${web.id}`)
    expect(targets(website.text).sort()).toEqual([
      'alice@example.com',
      'carol@example.com',
      'https://hooks.example.net/…',
    ])
    const apiOnly = rows((await client.get(`/console/subscribers?q=bob`)).text)
    expect(apiOnly[0]).toContain('API')
  })

  it('pages through a long list, 50 at a time, keeping the filters in the links', async () => {
    t = createTestApp()
    const csv = ['email', ...Array.from({ length: 60 }, (_, i) => `user${i}@example.com`)].join(
      '\n',
    )
    await importSubscribers(t.deps, CLI_ACTOR, csv)
    const { client } = await signedIn(t, 'owner')

    const first = await client.get('/console/subscribers?q=user')
    expect(targets(first.text)).toHaveLength(50)
    expect(first.text).toContain('Page 1 of 2')
    expect(first.text).toContain('href="/console/subscribers?q=user&amp;page=2"')
    const second = await client.get('/console/subscribers?q=user&page=2')
    expect(targets(second.text)).toHaveLength(10)
    const seen = new Set([...targets(first.text), ...targets(second.text)])
    expect(seen.size).toBe(60)
  })

  it('answers a filter value that is not a channel with 422, not a 500', async () => {
    t = createTestApp()
    const { client } = await signedIn(t, 'owner')
    const res = await client.get('/console/subscribers?channel=pigeon')
    expect(res.status).toBe(422)
    expect(res.text).toContain('channel')
  })
})

describe('adding subscribers', () => {
  it('adds a pre-confirmed address that is active at once, and sends it nothing yet', async () => {
    t = createTestApp()
    const api = await createComponent(t.deps, CLI_ACTOR, { name: 'API' })
    const { client } = await signedIn(t, 'responder')
    await client.get('/console/subscribers')
    const res = await client.post('/console/subscribers', {
      channel: 'email',
      target: 'ops@example.com',
      componentIds: [api.id],
      confirmed: 'on',
    })
    expect(res.status, res.text).toBe(303)
    const location = res.headers.get('Location') ?? ''
    expect(location).toMatch(/^\/console\/subscribers\/[^/?]+\?done=added$/)

    const [sub] = await t.deps.store.listSubscribers({ search: 'ops@' })
    expect(sub).toMatchObject({ state: 'active', allComponents: false, componentIds: [api.id] })
    expect(await t.deps.store.listCapturedMail(10)).toEqual([])

    const page = await client.get(location)
    expect(page.text).toContain('Subscriber added.')
    expect(page.text).toContain('Active')
  })

  it('sends a confirmation mail first when "pre-confirmed" is unticked', async () => {
    t = createTestApp()
    const { client } = await signedIn(t, 'owner')
    await client.get('/console/subscribers')
    const res = await client.post('/console/subscribers', {
      channel: 'email',
      target: 'new@example.com',
    })
    expect(res.status).toBe(303)
    expect(res.headers.get('Location')).toContain('done=added-pending')
    const [sub] = await t.deps.store.listSubscribers({ search: 'new@' })
    expect(sub?.state).toBe('pending')
    const mail = await t.deps.store.listCapturedMail(10)
    expect(mail.map((m) => m.to)).toEqual(['new@example.com'])
  })

  it('re-renders the form with 422 and the reason next to the address', async () => {
    t = createTestApp()
    await email('taken@example.com')
    const { client } = await signedIn(t, 'owner')
    await client.get('/console/subscribers')

    const bad = await client.post('/console/subscribers', {
      channel: 'email',
      target: 'not an address',
    })
    expect(bad.status).toBe(422)
    expect(bad.text).toMatch(/id="add-target-error">[^<]*valid email/i)
    expect(bad.text).toContain('value="not an address"')

    const taken = await client.post('/console/subscribers', {
      channel: 'email',
      target: 'taken@example.com',
      confirmed: 'on',
    })
    expect(taken.status).toBe(422)
    expect(taken.text).toMatch(/id="add-target-error">[^<]*already subscribed/)

    const http = await client.post('/console/subscribers', {
      channel: 'webhook',
      target: 'http://hooks.example.net/plain',
    })
    expect(http.status).toBe(422)
    expect(http.text).toMatch(/id="add-target-error">[^<]*https:\/\//)
    expect(await t.deps.store.countSubscribers()).toBe(1)
  })

  it('shows a new webhook subscriber its signing secret once, never on a later visit', async () => {
    t = createTestApp()
    const { client } = await signedIn(t, 'owner')
    await client.get('/console/subscribers')
    const res = await client.post('/console/subscribers', {
      channel: 'webhook',
      target: 'https://hooks.example.net/herald',
    })
    expect(res.status).toBe(201)
    expect(res.headers.get('Cache-Control')).toBe('no-store')
    const secret = secretIn(res.text)
    expect(secret).toMatch(/^whsec_/)
    const [sub] = await t.deps.store.listSubscribers({ channel: 'webhook' })
    expect(sub?.secret).toBe(secret)

    const later = await client.get(`/console/subscribers/${sub!.id}`)
    expect(later.status).toBe(200)
    expect(secretIn(later.text)).toBeNull()
    const list = await client.get('/console/subscribers')
    expect(secretIn(list.text)).toBeNull()
  })
})

describe('importing a CSV', () => {
  it('adds the good rows and reports each bad row with its line and reason', async () => {
    t = createTestApp()
    await createComponent(t.deps, CLI_ACTOR, { name: 'API' })
    const { client } = await signedIn(t, 'owner')
    await client.get('/console/subscribers')
    const csv = [
      'channel,target,components',
      'email,one@example.com,API',
      'email,not-an-address,',
      'webhook,https://hooks.example.net/a,',
      'fax,+1 555 0100,',
      'email,two@example.com,',
    ].join('\n')
    const res = await client.post('/console/subscribers/import', { csv })
    expect(res.status, res.text).toBe(200)
    expect(res.text).toContain('3 subscribers added.')
    expect(res.text).toContain('2 rows were rejected.')
    const rejected = rows(res.text).map((r) => r.replace(/\s+/g, ' ').trim())
    expect(rejected).toHaveLength(2)
    expect(rejected[0]).toMatch(/^3 not-an-address .*email/i)
    expect(rejected[1]).toMatch(/^5 \+1 555 0100 unknown channel &quot;fax&quot;/)
    expect(await t.deps.store.countSubscribers()).toBe(3)
  })

  it('reads an uploaded file (multipart) as well as pasted text', async () => {
    t = createTestApp()
    const { user, client } = await signedIn(t, 'owner')
    expect(user.role).toBe('owner')
    const body = new FormData()
    body.set('_csrf', await sessionCsrf(t, client))
    body.set('csv', '')
    body.set(
      'file',
      new File(['email\nfile1@example.com\nfile2@example.com\n'], 'list.csv', { type: 'text/csv' }),
    )
    const res = await client.request('/console/subscribers/import', { method: 'POST', body })
    expect(res.status, res.text).toBe(200)
    expect(res.text).toContain('2 subscribers added.')
    expect(
      (await t.deps.store.listSubscribers({ search: 'file' })).map((s) => s.target).sort(),
    ).toEqual(['file1@example.com', 'file2@example.com'])
  })

  it('says what is wrong when nothing was given, or the header row is missing', async () => {
    t = createTestApp()
    const { client } = await signedIn(t, 'owner')
    await client.get('/console/subscribers')
    const empty = await client.post('/console/subscribers/import', { csv: '  ' })
    expect(empty.status).toBe(422)
    expect(empty.text).toContain('Paste CSV or choose a file')
    const headless = await client.post('/console/subscribers/import', {
      csv: 'a@example.com\nb@example.com',
    })
    expect(headless.status).toBe(422)
    expect(headless.text).toMatch(/id="import-csv-error">[^<]*first row/)
  })
})

describe('managing one subscriber', () => {
  it('removes a subscriber after the confirmation step', async () => {
    t = createTestApp()
    const sub = await email('leaving@example.com')
    const { client } = await signedIn(t, 'owner')
    const list = await client.get('/console/subscribers')
    // The remove button sits behind a disclosure (no JavaScript needed).
    expect(list.text).toContain(`action="/console/subscribers/${sub.id}/remove"`)
    expect(list.text).toMatch(/<details class="confirm"><summary class="button secondary">Remove…/)
    const res = await client.post(`/console/subscribers/${sub.id}/remove`)
    expect(res.status).toBe(303)
    expect(res.headers.get('Location')).toBe('/console/subscribers?done=removed')
    expect(await t.deps.store.getSubscriber(sub.id)).toBeNull()
    expect((await client.get('/console/subscribers?done=removed')).text).toContain(
      'Subscriber removed.',
    )
    expect((await client.get(`/console/subscribers/${sub.id}`)).status).toBe(404)
  })

  it('rotates a webhook secret: the new one is shown once and both sign for a day', async () => {
    t = createTestApp({ now: Date.now(), env: { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' } })
    const receiver = await hook()
    const { client } = await signedIn(t, 'owner')
    await client.get('/console/subscribers')
    const created = await client.post('/console/subscribers', {
      channel: 'webhook',
      target: receiver.url,
    })
    expect(created.status).toBe(201)
    const oldSecret = secretIn(created.text)!
    const [sub] = await t.deps.store.listSubscribers({ channel: 'webhook' })

    const rotated = await client.post(`/console/subscribers/${sub!.id}/rotate-secret`)
    expect(rotated.status).toBe(200)
    expect(rotated.headers.get('Cache-Control')).toBe('no-store')
    const newSecret = secretIn(rotated.text)!
    expect(newSecret).toMatch(/^whsec_/)
    expect(newSecret).not.toBe(oldSecret)
    expect(rotated.text).toContain('keeps signing alongside the new one for 24 hours')

    await openIncident(t.deps, CLI_ACTOR, { name: 'Outage', impact: 'major', body: 'Looking.' })
    await createDispatcher(t.deps).drain()
    expect(receiver.requests).toHaveLength(1)
    const { headers, body } = receiver.requests[0]!
    const signed = {
      'webhook-id': String(headers['webhook-id']),
      'webhook-timestamp': String(headers['webhook-timestamp']),
      'webhook-signature': String(headers['webhook-signature']),
    }
    // A receiver still on the old secret and one already on the new both accept the message.
    expect(() => new Webhook(oldSecret).verify(body, signed)).not.toThrow()
    expect(() => new Webhook(newSecret).verify(body, signed)).not.toThrow()
    expect(secretIn((await client.get(`/console/subscribers/${sub!.id}`)).text)).toBeNull()
  })

  it('lists a subscriber’s deliveries with the failure reason, and replays the dead ones', async () => {
    t = createTestApp({ env: { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' } })
    await updateSettings(t.deps, CLI_ACTOR, { pageName: 'Acme', timeZone: 'Europe/Paris' })
    const receiver = await hook([{ status: 410 }])
    const sub = await addSubscriber(t.deps, CLI_ACTOR, { channel: 'webhook', target: receiver.url })
    await openIncident(t.deps, CLI_ACTOR, { name: 'Outage', impact: 'major', body: 'Looking.' })
    await createDispatcher(t.deps).drain()
    const { client } = await signedIn(t, 'responder')

    const page = await client.get(`/console/subscribers/${sub.id}`)
    expect(page.status).toBe(200)
    const table =
      /<table class="table deliveries-table">[\s\S]*?<\/table>/.exec(page.text)?.[0] ?? ''
    expect(table).toContain('Failed')
    expect(table).toContain('<code>HTTP 410</code>')
    expect(table).toContain('<td>410</td>')
    // TEST_NOW is 12:00 UTC: 13:00 in Paris, with the offset in the machine-readable time.
    expect(table).toContain('datetime="2026-11-22T13:00:00+01:00"')
    expect(secretIn(page.text)).toBeNull()

    receiver.script = [{ status: 204 }]
    const replay = await client.post(`/console/subscribers/${sub.id}/replay`)
    expect(replay.status).toBe(303)
    expect(replay.headers.get('Location')).toBe(
      `/console/subscribers/${sub.id}?done=replayed&count=1`,
    )
    const [again] = await t.deps.store.listDeliveries({ subscriberId: sub.id })
    expect(again?.state).toBe('pending')
    await createDispatcher(t.deps).drain()
    const [after] = await t.deps.store.listDeliveries({ subscriberId: sub.id })
    expect(after?.state).toBe('delivered')
    // The replay reuses the delivery's id: the receiver sees the same webhook-id twice.
    expect(receiver.requests.map((r) => r.headers['webhook-id'])).toEqual([after!.id, after!.id])
  })

  it('reactivates a quarantined webhook from the list', async () => {
    t = createTestApp()
    const sub = await addSubscriber(t.deps, CLI_ACTOR, {
      channel: 'webhook',
      target: 'https://hooks.example.net/flaky',
    })
    await t.deps.store.commit([
      { type: 'subscriber.update', subscriber: { ...sub, state: 'quarantined', failureStreak: 5 } },
    ])
    const { client } = await signedIn(t, 'owner')
    const list = await client.get('/console/subscribers?state=quarantined')
    expect(list.text).toContain(`action="/console/subscribers/${sub.id}/reactivate"`)
    const res = await client.post(`/console/subscribers/${sub.id}/reactivate`, { back: 'list' })
    expect(res.status).toBe(303)
    expect(res.headers.get('Location')).toBe('/console/subscribers?done=reactivated')
    expect(await t.deps.store.getSubscriber(sub.id)).toMatchObject({
      state: 'active',
      failureStreak: 0,
    })
  })

  it('answers 404 for a subscriber that does not exist', async () => {
    t = createTestApp()
    const { client } = await signedIn(t, 'owner')
    expect((await client.get('/console/subscribers/nope')).status).toBe(404)
    await client.get('/console/subscribers')
    expect((await client.post('/console/subscribers/nope/remove')).status).toBe(404)
  })
})

describe('roles', () => {
  it('shows viewers only the origin of an endpoint URL, which is a credential', async () => {
    t = createTestApp()
    const slack = await addSubscriber(t.deps, CLI_ACTOR, {
      channel: 'slack',
      target: 'https://hooks.slack.com/services/T000/B000/XXXXSECRET',
    })
    await email('visible@example.com')
    const viewer = await signedIn(t, 'viewer')
    const list = await viewer.client.get('/console/subscribers')
    expect(list.text).not.toContain('XXXXSECRET')
    expect(targets(list.text).sort()).toEqual(['https://hooks.slack.com/…', 'visible@example.com'])
    expect((await viewer.client.get(`/console/subscribers/${slack.id}`)).text).not.toContain(
      'XXXXSECRET',
    )
    // Nor can a search probe the hidden part: a viewer's search covers e-mail addresses only.
    const search = async (query: string) =>
      targets((await viewer.client.get(`/console/subscribers?${query}`)).text)
    expect(await search('q=SECRET')).toEqual([])
    expect(await search('q=SECRET&channel=slack')).toEqual([])
    expect(await search('q=visible')).toEqual(['visible@example.com'])

    const responder = await signedIn(t, 'responder')
    expect((await responder.client.get('/console/subscribers')).text).toContain('XXXXSECRET')
    const found = await responder.client.get('/console/subscribers?q=SECRET')
    expect(targets(found.text)).toHaveLength(1)
  })

  it('lets a viewer read but not change: no forms, and 403 on every POST', async () => {
    t = createTestApp()
    const sub = await email('someone@example.com')
    const { client } = await signedIn(t, 'viewer')
    const page = await client.get('/console/subscribers')
    expect(page.status).toBe(200)
    expect(page.text).toContain('someone@example.com')
    expect(page.text).not.toContain('action="/console/subscribers/import"')
    expect(page.text).not.toContain(`/console/subscribers/${sub.id}/remove`)
    const csrf = await sessionCsrf(t, client)
    for (const path of [
      '/console/subscribers',
      '/console/subscribers/import',
      `/console/subscribers/${sub.id}/remove`,
      `/console/subscribers/${sub.id}/replay`,
    ]) {
      const res = await client.post(path, {
        _csrf: csrf,
        channel: 'email',
        target: 'x@example.com',
        csv: 'email\na@b.example',
      })
      expect(res.status, path).toBe(403)
    }
    expect(await t.deps.store.countSubscribers()).toBe(1)
  })

  it('refuses a POST without the CSRF token', async () => {
    t = createTestApp()
    const { client } = await signedIn(t, 'owner')
    const res = await client.post('/console/subscribers', {
      _csrf: 'wrong-token-wrong-token',
      channel: 'email',
      target: 'x@example.com',
    })
    expect(res.status).toBe(403)
    expect(await t.deps.store.countSubscribers()).toBe(0)
  })

  it('sends a visitor without a session to the login page', async () => {
    t = createTestApp()
    await signedIn(t, 'owner')
    const res = await t.app.request('http://localhost/console/subscribers')
    expect(res.status).toBe(302)
    expect(res.headers.get('Location')).toContain('/console/login')
  })
})
