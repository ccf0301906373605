import { Webhook } from 'standardwebhooks'
import { afterAll, beforeAll, describe, expect, it, onTestFinished as after } from 'vitest'
import { startHookReceiver, type Hook } from '../support/hook-receiver.ts'
import { startTestWorker, type TestWorker } from '../support/worker.ts'
import { startSmtpRecorder, type SmtpRecorder } from './smtp-recorder.ts'

// Broadcast on Workers, end to end under workerd with local D1 and local Queues: a real
// smtp-server and a real node:http receiver on 127.0.0.1; everything set up as a new user would,
// through the console forms and /api/v1. Opening an incident commits the broadcast and sends a
// JOBS message; the queue consumer delivers it (nothing here triggers delivery by hand).
//
// Cron triggers: wrangler 4.50 cannot trigger a cron locally while [assets] is configured, so the
// sweep test runs the same Worker from a copy of wrangler.toml without [assets] (and without a
// queue consumer, so the broadcast's queue message is as good as lost), through wrangler's
// /__scheduled route.

const BASE_URL = 'https://status.herald.test'
const PAGE = 'Acme Status'
const WAIT_MS = 20_000
// Setting up (scrypt hashing inside workerd) plus the waits, on a loaded 2-core machine.
const TEST_MS = 60_000

interface Console {
  /** An API token with write scope for a new owner made through /console/setup. */
  token: string
}

async function setUpOwner(worker: TestWorker): Promise<Console> {
  const jar = new Map<string, string>()
  const request = async (path: string, form?: Record<string, string>) => {
    const res = await worker.fetch(path, {
      method: form ? 'POST' : 'GET',
      redirect: 'manual',
      headers: {
        cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(form ? { body: new URLSearchParams(form).toString() } : {}),
    })
    for (const cookie of res.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';')
      const eq = pair.indexOf('=')
      jar.set(pair.slice(0, eq), pair.slice(eq + 1))
    }
    return { status: res.status, html: await res.text() }
  }
  const csrf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? ''

  const setup = await request('/console/setup')
  const done = await request('/console/setup', {
    _csrf: csrf(setup.html),
    name: 'Ada Owner',
    email: 'ada@herald.test',
    password: 'correct horse battery staple',
    confirm: 'correct horse battery staple',
    pageName: PAGE,
    timeZone: 'UTC',
  })
  expect(done.status).toBe(303)
  const tokens = await request('/console/tokens')
  const created = await request('/console/tokens', {
    _csrf: csrf(tokens.html),
    name: 'broadcast test',
    scope: 'write',
  })
  expect(created.status).toBe(201)
  const token = /value="(hrld_[^"]+)"/.exec(created.html)?.[1]
  expect(token).toBeDefined()
  return { token: token! }
}

function apiOf(worker: TestWorker, token: string) {
  return async (method: string, path: string, body?: unknown) => {
    const res = await worker.fetch(`/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    })
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return { status: res.status, json: (await res.json()) as any }
  }
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined) {
  const deadline = Date.now() + WAIT_MS
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline)
      throw new Error(`gave up after ${WAIT_MS / 1000}s waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

function verified(hook: Hook, secret: string) {
  const request = hook.requests[0]!
  const headers: Record<string, string> = {}
  for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature'])
    headers[name] = String(request.headers[name] ?? '')
  // An independent verifier: throws unless the signature is right and the timestamp is recent.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const payload = new Webhook(secret).verify(request.body, headers) as any
  return { id: headers['webhook-id']!, payload }
}

describe('broadcast on Workers (queue consumer, worker-mailer, fetch)', () => {
  let smtp: SmtpRecorder
  let hook: Hook
  let worker: TestWorker
  let ownerToken: string | undefined

  beforeAll(async () => {
    smtp = await startSmtpRecorder()
    hook = await startHookReceiver([{ status: 204 }])
    worker = await startTestWorker({
      vars: {
        SMTP_URL: smtp.url(),
        WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
        MAIL_FROM: 'Acme Status <status@herald.test>',
        BASE_URL,
      },
    })
  }, 90_000)
  afterAll(async () => {
    await worker?.close()
    await hook?.close()
    await smtp?.close()
  })

  it(
    'mails and posts an opened incident to every subscriber, driven by the JOBS queue',
    async () => {
      const { token } = await setUpOwner(worker)
      ownerToken = token
      const api = apiOf(worker, token)
      const people = ['ada@example.com', 'bo@example.com', 'cy@example.com']
      const emailSubs = []
      for (const target of people) {
        const res = await api('POST', '/subscribers', { channel: 'email', target, confirmed: true })
        expect(res.status).toBe(201)
        emailSubs.push(res.json)
      }
      const webhookSub = await api('POST', '/subscribers', { channel: 'webhook', target: hook.url })
      expect(webhookSub.status).toBe(201)
      expect(webhookSub.json.secret).toMatch(/^whsec_/)

      const opened = await api('POST', '/incidents', {
        name: 'Checkout is failing',
        impact: 'major',
        body: 'Card payments fail for some customers. We are looking into it.',
      })
      expect(opened.status).toBe(201)
      const incidentId: string = opened.json.id

      const mails = await until('three mails', () =>
        smtp.messages.length >= people.length ? smtp.messages : undefined,
      )
      await until('the webhook', () => hook.requests[0])

      expect(mails.flatMap((m) => m.rcptTo).sort()).toEqual(people)
      for (const mail of mails) {
        expect(mail.mailFrom).toBe('status@herald.test')
        // SMTP_URL's credentials, percent-decoded.
        expect(mail.user).toBe('herald')
        expect(mail.headers.subject).toBe(`[${PAGE}] Checkout is failing`)
        expect(mail.headers.from).toBe('"Acme Status" <status@herald.test>')
        // The opening mail is the root of the incident's thread.
        expect(mail.headers['message-id']).toBe(`<incident-${incidentId}@status.herald.test>`)
        expect(mail.headers['list-id']).toBe(`${PAGE} <status.status.herald.test>`)
        expect(mail.headers['list-unsubscribe']).toMatch(
          /^<https:\/\/status\.herald\.test\/subscriptions\/[^/>\s]+\/unsubscribe>$/,
        )
        expect(mail.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click')
        expect(mail.raw).toMatch(/Content-Type: text\/plain/)
        expect(mail.raw).toMatch(/Content-Type: text\/html/)
        expect(mail.raw).toContain('Card payments fail for some customers.')
      }
      // Each recipient has a link of their own.
      expect(new Set(mails.map((m) => m.headers['list-unsubscribe'])).size).toBe(people.length)
      // One invocation's sends share connections.
      expect(smtp.connections).toBeLessThan(people.length)

      expect(hook.requests).toHaveLength(1)
      const { id, payload } = verified(hook, webhookSub.json.secret)
      expect(payload.incident).toMatchObject({ id: incidentId, name: 'Checkout is failing' })
      expect(payload.incident.incident_updates[0].body).toBe(
        'Card payments fail for some customers. We are looking into it.',
      )

      // The outcome is recorded: the webhook's delivery is the one whose id it carried.
      const deliveries = await until('the webhook delivery to be recorded', async () => {
        const res = await api('GET', `/subscribers/${webhookSub.json.id}/deliveries`)
        return res.json.deliveries?.[0]?.state === 'delivered' ? res.json.deliveries : undefined
      })
      expect(deliveries).toEqual([
        expect.objectContaining({ id, state: 'delivered', attempts: 1, last_status: 204 }),
      ])
      for (const sub of emailSubs) {
        const res = await api('GET', `/subscribers/${sub.id}/deliveries`)
        expect(res.json.deliveries).toEqual([expect.objectContaining({ state: 'delivered' })])
      }
    },
    TEST_MS,
  )

  it(
    'subscribes on the page, sends nothing but the confirmation until confirmed, then the update',
    async () => {
      // The owner set up by the test above (setup runs once per database).
      const api = apiOf(worker, ownerToken ?? (await setUpOwner(worker)).token)
      const form = (path: string, fields: Record<string, string> = {}) =>
        worker.fetch(path, {
          method: 'POST',
          redirect: 'manual',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(fields).toString(),
        })
      const EVE = 'eve@example.com'
      const toEve = () => smtp.messages.filter((m) => m.rcptTo.includes(EVE))

      const sent = await form('/subscribe', { channel: 'email', target: EVE, scope: 'all' })
      expect(sent.status).toBe(200)
      expect(await sent.text()).toContain('Check your inbox to confirm')
      const [confirmation] = await until('the confirmation mail', () =>
        toEve().length ? toEve() : undefined,
      )
      // Quoted-printable may break the link across lines with a soft "=" break.
      const confirm = /\/subscriptions\/confirm\/[\w-]+/.exec(
        confirmation!.raw.replace(/=\r?\n/g, ''),
      )?.[0]
      expect(confirm).toBeDefined()

      // Posted while Eve is pending: it reaches the others (this webhook says when), not her.
      const witness = await startHookReceiver([{ status: 204 }])
      after(() => witness.close())
      expect(
        (await api('POST', '/subscribers', { channel: 'webhook', target: witness.url })).status,
      ).toBe(201)
      const opened = await api('POST', '/incidents', {
        name: 'Login is slow',
        impact: 'minor',
        body: 'Sign-in takes up to a minute.',
      })
      expect(opened.status).toBe(201)
      await until('the webhook of the pending-time update', () => witness.requests[0])
      expect(toEve()).toHaveLength(1)
      const [eve] = (await api('GET', `/subscribers?search=${EVE}`)).json.subscribers
      expect(eve).toMatchObject({ target: EVE, state: 'pending' })
      expect((await api('GET', `/subscribers/${eve.id}/deliveries`)).json.deliveries).toEqual([])

      // The link alone confirms nothing; its button (a POST) does.
      expect((await worker.fetch(confirm!)).status).toBe(200)
      const confirmed = await form(confirm!)
      expect(confirmed.status).toBe(200)
      expect(await confirmed.text()).toContain('You&#39;re subscribed')
      expect((await api('GET', `/subscribers/${eve.id}`)).json.state).toBe('active')

      const update = await api('POST', `/incidents/${opened.json.id}/updates`, {
        body: 'A cache node was replaced; sign-in is fast again.',
        status: 'monitoring',
      })
      expect(update.status).toBe(201)
      const mails = await until('the update mail', () => (toEve().length > 1 ? toEve() : undefined))
      expect(mails).toHaveLength(2)
      expect(mails[1]!.raw.replace(/=\r?\n/g, '')).toContain('A cache node was replaced')
      expect(mails[1]!.headers['in-reply-to']).toBe(
        `<incident-${opened.json.id}@status.herald.test>`,
      )
    },
    TEST_MS,
  )
})

describe('the cron sweep on Workers', () => {
  let sweepToken: string | undefined
  let smtp: SmtpRecorder
  let hook: Hook
  let worker: TestWorker

  beforeAll(async () => {
    smtp = await startSmtpRecorder()
    hook = await startHookReceiver([{ status: 200 }])
    worker = await startTestWorker({
      cron: true,
      queueConsumer: false,
      vars: { SMTP_URL: smtp.url(), WEBHOOK_ALLOWED_HOSTS: '127.0.0.1', BASE_URL },
    })
  }, 90_000)
  afterAll(async () => {
    await worker?.close()
    await hook?.close()
    await smtp?.close()
  })

  it(
    'delivers a broadcast whose queue message was lost',
    async () => {
      const { token } = await setUpOwner(worker)
      sweepToken = token
      const api = apiOf(worker, token)
      const email = await api('POST', '/subscribers', {
        channel: 'email',
        target: 'ada@example.com',
        confirmed: true,
      })
      expect(email.status).toBe(201)
      const webhook = await api('POST', '/subscribers', { channel: 'webhook', target: hook.url })
      expect(webhook.status).toBe(201)
      const opened = await api('POST', '/incidents', {
        name: 'Search is slow',
        impact: 'minor',
        body: 'Results take several seconds.',
      })
      expect(opened.status).toBe(201)
      // No consumer takes the JOBS message: nothing goes out until the sweep.
      expect(smtp.messages).toHaveLength(0)
      expect(hook.requests).toHaveLength(0)

      await worker.scheduled('*/1 * * * *')

      const [mail] = await until('the mail', () =>
        smtp.messages.length ? smtp.messages : undefined,
      )
      expect(mail!.rcptTo).toEqual(['ada@example.com'])
      expect(mail!.headers.subject).toBe(`[${PAGE}] Search is slow`)
      await until('the webhook', () => hook.requests[0])
      const { payload } = verified(hook, webhook.json.secret)
      expect(payload.incident).toMatchObject({ id: opened.json.id, name: 'Search is slow' })
    },
    TEST_MS,
  )

  it(
    'retries a webhook after 503, 503 on later sweeps and delivers on 200 under one webhook-id',
    async () => {
      const token = sweepToken ?? (await setUpOwner(worker)).token
      sweepToken = token
      const api = apiOf(worker, token)
      // Retry-After keeps the waits short; the backoff alone would be 30 s and more.
      const flaky = await startHookReceiver([
        { status: 503, headers: { 'retry-after': '1' } },
        { status: 503, headers: { 'retry-after': '1' } },
        { status: 200 },
      ])
      after(() => flaky.close())
      const sub = await api('POST', '/subscribers', { channel: 'webhook', target: flaky.url })
      expect(sub.status).toBe(201)
      const opened = await api('POST', '/incidents', {
        name: 'Uploads stall',
        impact: 'minor',
        body: 'Some uploads stop at 99 %.',
      })
      expect(opened.status).toBe(201)
      for (const attempt of [1, 2, 3]) {
        await worker.scheduled('*/1 * * * *')
        await until(`attempt ${attempt}`, () =>
          flaky.requests.length >= attempt ? true : undefined,
        )
        // Only a later sweep, once Retry-After has passed, tries again.
        if (attempt < 3) await new Promise((r) => setTimeout(r, 1_100))
      }
      expect(flaky.requests).toHaveLength(3)
      expect(new Set(flaky.requests.map((r) => r.headers['webhook-id'])).size).toBe(1)
      const { id, payload } = verified(
        { ...flaky, requests: flaky.requests.slice(2) },
        sub.json.secret,
      )
      expect(payload.incident.id).toBe(opened.json.id)
      const deliveries = await until('the outcome', async () => {
        const res = await api('GET', `/subscribers/${sub.json.id}/deliveries`)
        return res.json.deliveries?.[0]?.state === 'delivered' ? res.json.deliveries : undefined
      })
      expect(deliveries).toEqual([
        expect.objectContaining({ id, state: 'delivered', attempts: 3, last_status: 200 }),
      ])
    },
    TEST_MS,
  )

  it(
    'runs maintenance transitions on the cron, including a window missed while no cron ran',
    async () => {
      // The owner set up by the test above (setup runs once per database).
      const token = sweepToken ?? (await setUpOwner(worker)).token
      const api = apiOf(worker, token)
      const db = await api('POST', '/components', { name: 'Database' })
      const cache = await api('POST', '/components', { name: 'Cache' })
      expect(db.status).toBe(201)
      // Whole seconds: the API's timestamps carry no milliseconds.
      const now = Math.floor(Date.now() / 1000) * 1000
      const iso = (ms: number) => new Date(ms).toISOString()
      const running = await api('POST', '/maintenance', {
        name: 'Database upgrade',
        body: 'Upgrading the primary.',
        scheduled_for: iso(now - 60_000),
        scheduled_until: iso(now + 3_600_000),
        components: [db.json.id],
      })
      expect(running.status).toBe(201)
      const missed = await api('POST', '/maintenance', {
        name: 'Cache flush',
        body: 'Flushing caches overnight.',
        scheduled_for: iso(now - 3 * 3_600_000),
        scheduled_until: iso(now - 2 * 3_600_000),
        components: [cache.json.id],
      })
      expect(missed.status).toBe(201)
      // Nothing moves until the cron runs.
      expect((await api('GET', `/maintenance/${running.json.id}`)).json.status).toBe('scheduled')

      await worker.scheduled('*/1 * * * *')

      const started = await api('GET', `/maintenance/${running.json.id}`)
      expect(started.json.status).toBe('in_progress')
      const done = await api('GET', `/maintenance/${missed.json.id}`)
      expect(done.json.status).toBe('completed')
      // Recorded at the times they were due, not when the cron finally ran.
      expect(Date.parse(done.json.completed_at)).toBe(Date.parse(iso(now - 2 * 3_600_000)))
      const components = (await api('GET', '/components')).json.components as {
        id: string
        status: string
      }[]
      const statusOf = (id: string) => components.find((c) => c.id === id)?.status
      expect(statusOf(db.json.id)).toBe('under_maintenance')
      expect(statusOf(cache.json.id)).toBe('operational')
      const summary = await (await worker.fetch('/api/v2/summary.json')).json()
      expect(
        summary.scheduled_maintenances.map((m: { id: string; status: string }) => [m.id, m.status]),
      ).toEqual([[running.json.id, 'in_progress']])
    },
    TEST_MS,
  )
})
