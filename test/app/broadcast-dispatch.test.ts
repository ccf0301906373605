import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { Webhook } from 'standardwebhooks'
import { afterEach, describe, expect, it } from 'vitest'
import { CLI_ACTOR } from '../../src/app/actor.ts'
import { backoffMs, createDispatcher, retryAfterMs } from '../../src/app/broadcast/dispatch.ts'
import { createComponentGroup } from '../../src/app/component-groups.ts'
import { createComponent, updateComponent } from '../../src/app/components.ts'
import { openIncident } from '../../src/app/open-incident.ts'
import { postIncidentUpdate } from '../../src/app/post-incident-update.ts'
import { resolveIncident } from '../../src/app/resolve-incident.ts'
import {
  addSubscriber,
  confirmSubscription,
  rotateWebhookSecret,
  subscribe,
  unsubscribe,
} from '../../src/app/subscriptions.ts'
import { updateSettings } from '../../src/app/update-settings.ts'
import { createTestApp, type TestApp } from '../support/app.ts'
import { startReceiver } from '../adapters/outbound/receiver.ts'
import { startHookReceiver, type Hook } from '../support/hook-receiver.ts'
import { startMailSink, type MailSink } from '../support/mail-sink.ts'

// The whole broadcast path on Node with real parts: a real SMTP server receiving real mail, real
// HTTP endpoints, signatures checked by the independent standardwebhooks package.

let t: TestApp
let sink: MailSink
const hooks: Hook[] = []
afterEach(async () => {
  t?.close()
  await sink?.close()
  for (const h of hooks.splice(0)) await h.close()
})

async function setUp(env: Record<string, string> = {}, now = Date.now()) {
  sink = await startMailSink()
  // Signatures carry a timestamp that receivers compare with their own clock: start at real time.
  t = createTestApp({
    now,
    env: {
      SMTP_URL: sink.url,
      WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
      BASE_URL: 'https://status.acme.test',
      ...env,
    },
  })
  const api = await createComponent(t.deps, CLI_ACTOR, { name: 'API' })
  const web = await createComponent(t.deps, CLI_ACTOR, { name: 'Website' })
  const dispatcher = createDispatcher(t.deps, { concurrency: 4 })
  return { api, web, dispatcher }
}

async function hook(script?: Hook['script']) {
  const h = await startHookReceiver(script)
  hooks.push(h)
  return h
}

const email = (target: string, componentIds: string[] = []) =>
  addSubscriber(t.deps, CLI_ACTOR, { channel: 'email', target, componentIds, confirmed: true })
const webhook = (target: string, componentIds: string[] = []) =>
  addSubscriber(t.deps, CLI_ACTOR, { channel: 'webhook', target, componentIds })

/** The Standard Webhooks headers of a received request, for the independent verifier. */
const signed = (req: Hook['requests'][number]) => ({
  'webhook-id': String(req.headers['webhook-id']),
  'webhook-timestamp': String(req.headers['webhook-timestamp']),
  'webhook-signature': String(req.headers['webhook-signature']),
})

describe('broadcast on Node', () => {
  it('mails and posts an opened incident once, signed and threaded, with unsubscribe headers', async () => {
    const { api, dispatcher } = await setUp()
    const ada = await email('ada@example.test')
    const h = await hook()
    const endpoint = await webhook(h.url)
    t.clock.advance(1000)
    const { incident } = await openIncident(t.deps, CLI_ACTOR, {
      name: 'Elevated API errors',
      impact: 'major',
      body: 'We are investigating **errors**.',
      components: { [api.id]: 'partial_outage' },
    })
    await dispatcher.drain()

    expect(sink.messages).toHaveLength(1)
    const mail = sink.messages[0]!
    expect(mail.to).toEqual(['ada@example.test'])
    expect(mail.subject).toContain('Elevated API errors')
    expect(mail.headers['message-id']).toBe(`<incident-${incident.id}@status.acme.test>`)
    expect(mail.headers['list-unsubscribe']).toBe(
      `<https://status.acme.test/subscriptions/${ada.manageToken}/unsubscribe>`,
    )
    expect(mail.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click')
    expect(mail.headers['list-id']).toContain('status.acme.test')
    expect(mail.text).toContain(`https://status.acme.test/subscriptions/${ada.manageToken}`)

    expect(h.requests).toHaveLength(1)
    const req = h.requests[0]!
    const payload = new Webhook(endpoint.secret!).verify(req.body, {
      'webhook-id': String(req.headers['webhook-id']),
      'webhook-timestamp': String(req.headers['webhook-timestamp']),
      'webhook-signature': String(req.headers['webhook-signature']),
    }) as {
      incident: { id: string; name: string; incident_updates: unknown[] }
      page: { status_indicator: string }
    }
    expect(payload.incident.id).toBe(incident.id)
    expect(payload.incident.incident_updates).toHaveLength(1)
    expect(payload.page.status_indicator).toBe('major')

    // Nothing left to send: a second drain sends nothing again.
    await dispatcher.drain()
    expect(sink.messages).toHaveLength(1)
    expect(h.requests).toHaveLength(1)
  })

  it('keeps one mail thread per incident across updates and resolution', async () => {
    const { dispatcher } = await setUp()
    await email('ada@example.test')
    const { incident } = await openIncident(t.deps, CLI_ACTOR, {
      name: 'Slow pages',
      impact: 'minor',
      body: 'Looking.',
    })
    t.clock.advance(60_000)
    await postIncidentUpdate(t.deps, CLI_ACTOR, incident.id, {
      body: 'Found it.',
      status: 'identified',
    })
    t.clock.advance(60_000)
    await resolveIncident(t.deps, CLI_ACTOR, incident.id, { body: 'Fixed.' })
    await dispatcher.drain()
    expect(sink.messages.map((m) => m.text.includes('Fixed.'))).toEqual([false, false, true])
    const [first, second, third] = sink.messages
    const root = first!.headers['message-id']
    expect(second!.headers['in-reply-to']).toBe(root)
    expect(third!.headers['references']).toBe(root)
    expect(new Set(sink.messages.map((m) => m.subject)).size).toBe(1)
    expect(second!.headers['message-id']).not.toBe(third!.headers['message-id'])
  })

  it('sends scoped subscribers only what touches their components; an event without components goes to all', async () => {
    const { api, web, dispatcher } = await setUp()
    await email('all@example.test')
    await email('api@example.test', [api.id])
    await email('web@example.test', [web.id])
    await openIncident(t.deps, CLI_ACTOR, {
      name: 'API down',
      impact: 'major',
      body: 'API is down.',
      components: { [api.id]: 'major_outage' },
    })
    await dispatcher.drain()
    expect(sink.messages.flatMap((m) => m.to).sort()).toEqual([
      'all@example.test',
      'api@example.test',
    ])

    sink.messages.length = 0
    await openIncident(t.deps, CLI_ACTOR, {
      name: 'Billing delays',
      impact: 'minor',
      body: 'Invoices are late.',
    })
    await dispatcher.drain()
    expect(sink.messages.flatMap((m) => m.to).sort()).toEqual([
      'all@example.test',
      'api@example.test',
      'web@example.test',
    ])
  })

  it('never sends internal notes or updates posted without notify', async () => {
    const { dispatcher } = await setUp()
    await email('ada@example.test')
    const h = await hook()
    await webhook(h.url)
    const { incident } = await openIncident(t.deps, CLI_ACTOR, {
      name: 'Quiet',
      impact: 'minor',
      body: 'Opened.',
      notify: false,
    })
    await postIncidentUpdate(t.deps, CLI_ACTOR, incident.id, {
      body: 'secret root cause',
      visibility: 'internal',
    })
    await postIncidentUpdate(t.deps, CLI_ACTOR, incident.id, { body: 'silent fix', notify: false })
    await dispatcher.drain()
    expect(sink.messages).toHaveLength(0)
    expect(h.requests).toHaveLength(0)
    await postIncidentUpdate(t.deps, CLI_ACTOR, incident.id, { body: 'Public news.' })
    await dispatcher.drain()
    expect(sink.messages).toHaveLength(1)
    expect(sink.messages[0]!.raw).not.toContain('secret root cause')
    // The webhook's incident carries the public timeline only.
    expect(h.requests).toHaveLength(1)
    const bodies = (
      JSON.parse(h.requests[0]!.body) as { incident: { incident_updates: { body: string }[] } }
    ).incident.incident_updates.map((u) => u.body)
    expect(bodies).toEqual(['Public news.', 'silent fix', 'Opened.'])
  })

  it('retries a webhook after 503, 503 and delivers on 200 with the same webhook-id every time', async () => {
    const { dispatcher } = await setUp()
    const h = await hook([{ status: 503 }, { status: 503 }, { status: 200 }])
    await webhook(h.url)
    await openIncident(t.deps, CLI_ACTOR, { name: 'Flaky', impact: 'minor', body: 'Hm.' })
    await dispatcher.drain()
    expect(h.requests).toHaveLength(1)
    const [delivery] = await t.deps.store.listDeliveries({})
    expect(delivery).toMatchObject({ state: 'retrying', attempts: 1, lastStatus: 503 })
    // Not due yet: nothing is sent before the backoff has passed.
    await dispatcher.drain()
    expect(h.requests).toHaveLength(1)
    for (let i = 0; i < 2; i++) {
      t.clock.advance(10 * 60_000)
      await dispatcher.drain()
    }
    expect(h.requests).toHaveLength(3)
    expect(new Set(h.requests.map((r) => r.headers['webhook-id'])).size).toBe(1)
    expect(await t.deps.store.getDelivery(delivery!.id)).toMatchObject({
      state: 'delivered',
      attempts: 3,
    })
  })

  it('honours Retry-After on 429', async () => {
    const { dispatcher } = await setUp()
    const h = await hook([{ status: 429, headers: { 'retry-after': '3600' } }, { status: 200 }])
    await webhook(h.url)
    await openIncident(t.deps, CLI_ACTOR, { name: 'Busy', impact: 'minor', body: 'x' })
    await dispatcher.drain()
    const [d] = await t.deps.store.listDeliveries({})
    expect(d!.nextAttemptAt - t.clock.now()).toBe(3_600_000)
    t.clock.advance(3_599_000)
    await dispatcher.drain()
    expect(h.requests).toHaveLength(1)
    t.clock.advance(1_000)
    await dispatcher.drain()
    expect(h.requests).toHaveLength(2)
  })

  it('gives up at once on a 400 and records why', async () => {
    const { dispatcher } = await setUp()
    const h = await hook([{ status: 400 }])
    await webhook(h.url)
    await openIncident(t.deps, CLI_ACTOR, { name: 'Bad endpoint', impact: 'minor', body: 'x' })
    await dispatcher.drain()
    t.clock.advance(24 * 3_600_000)
    await dispatcher.drain()
    expect(h.requests).toHaveLength(1)
    const [d] = await t.deps.store.listDeliveries({})
    expect(d).toMatchObject({ state: 'dead', lastStatus: 400, lastError: 'HTTP 400' })
  })

  it('refuses a webhook to a private address unless the host is allowed, and never retries it', async () => {
    const { dispatcher } = await setUp({ WEBHOOK_ALLOWED_HOSTS: '' })
    const h = await hook()
    // Stored while allowed (e.g. before the allowlist was tightened): the sender still refuses it.
    await t.deps.store.commit([
      {
        type: 'subscriber.insert',
        subscriber: {
          ...(await (async () => {
            const t2 = createTestApp({ env: { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' } })
            const s = await addSubscriber(t2.deps, CLI_ACTOR, { channel: 'webhook', target: h.url })
            t2.close()
            return s
          })()),
          id: 'sub-private',
          confirmedAt: t.clock.now() - 1,
        },
      },
    ])
    await openIncident(t.deps, CLI_ACTOR, { name: 'x', impact: 'minor', body: 'x' })
    await dispatcher.drain()
    expect(h.requests).toHaveLength(0)
    const [d] = await t.deps.store.listDeliveries({})
    expect(d!.state).toBe('dead')
    expect(d!.lastError).toMatch(/https is required|not allowed|loopback|private/i)
  })

  it('holds mail while the SMTP server is down and delivers everything once it is back', async () => {
    const { dispatcher } = await setUp()
    for (let i = 0; i < 5; i++) await email(`user${i}@example.test`)
    await sink.stop()
    await openIncident(t.deps, CLI_ACTOR, { name: 'Mail outage test', impact: 'minor', body: 'x' })
    await dispatcher.drain()
    const held = await t.deps.store.listDeliveries({})
    expect(held.map((d) => d.state)).toEqual(Array(5).fill('retrying'))
    await sink.start()
    t.clock.advance(60 * 60_000)
    await dispatcher.drain()
    expect(sink.messages.flatMap((m) => m.to).sort()).toEqual(
      [0, 1, 2, 3, 4].map((i) => `user${i}@example.test`),
    )
    expect((await t.deps.store.listDeliveries({})).every((d) => d.state === 'delivered')).toBe(true)
  })

  it('marks a refused address dead without retrying it', async () => {
    const { dispatcher } = await setUp()
    await email('gone@example.test')
    await email('here@example.test')
    sink.reject.add('gone@example.test')
    await openIncident(t.deps, CLI_ACTOR, { name: 'x', impact: 'minor', body: 'x' })
    await dispatcher.drain()
    const states = Object.fromEntries(
      await Promise.all(
        (await t.deps.store.listDeliveries({})).map(async (d) => [
          (await t.deps.store.getSubscriber(d.subscriberId))!.target,
          d.state,
        ]),
      ),
    )
    expect(states).toEqual({ 'gone@example.test': 'dead', 'here@example.test': 'delivered' })
  })

  it("delivers one incident's updates to a subscriber in timeline order, even when the first one has to be retried", async () => {
    const { dispatcher } = await setUp()
    const h = await hook([{ status: 503 }, { status: 200 }])
    await webhook(h.url)
    const { incident } = await openIncident(t.deps, CLI_ACTOR, {
      name: 'Ordered',
      impact: 'minor',
      body: 'first',
    })
    t.clock.advance(1000)
    await postIncidentUpdate(t.deps, CLI_ACTOR, incident.id, { body: 'second' })
    t.clock.advance(1000)
    await postIncidentUpdate(t.deps, CLI_ACTOR, incident.id, { body: 'third' })
    await dispatcher.drain()
    // The first failed, so the later ones wait behind it.
    expect(h.requests).toHaveLength(1)
    t.clock.advance(60 * 60_000)
    await dispatcher.drain()
    const bodies = h.requests.map((r) => {
      const p = JSON.parse(r.body) as { incident: { incident_updates: { body: string }[] } }
      return p.incident.incident_updates[0]!.body
    })
    expect(bodies).toEqual(['first', 'first', 'second', 'third'])
  })

  it('expands a big broadcast only as far as it sends, writing each delivery leased, and finishes it later', async () => {
    await setUp()
    const dispatcher = createDispatcher(t.deps, { concurrency: 2, claimBatch: 3 })
    const h = await hook()
    for (let i = 0; i < 7; i++) await webhook(`${h.url}?n=${i}`)
    const { incident } = await openIncident(t.deps, CLI_ACTOR, {
      name: 'x',
      impact: 'minor',
      body: 'x',
    })
    const [b] = await t.deps.store.listBroadcastsFor({ incidentId: incident.id })
    expect(await dispatcher.drain({ maxRounds: 1 })).toBe(3)
    // One claim: three subscribers were turned into deliveries, the other four not yet.
    const written = await t.deps.store.listDeliveries({ broadcastId: b!.id })
    expect(written.map((d) => [d.state, d.attempts])).toEqual(Array(3).fill(['delivered', 1]))
    const now = (await t.deps.store.getBroadcast(b!.id))!
    expect([now.recipients, now.expandedAt]).toEqual([7, null])
    expect(h.requests).toHaveLength(3)
    expect(await dispatcher.drain()).toBe(4)
    expect(new Set(h.requests.map((r) => r.path)).size).toBe(7)
    expect((await t.deps.store.getBroadcast(b!.id))!.expandedAt).not.toBeNull()
  })

  it('sends nothing to someone who unsubscribed after the update was posted', async () => {
    const { dispatcher } = await setUp()
    const ada = await email('ada@example.test')
    await openIncident(t.deps, CLI_ACTOR, { name: 'x', impact: 'minor', body: 'x' })
    await dispatcher.expand()
    await unsubscribe(t.deps, ada.manageToken)
    await dispatcher.drain()
    expect(sink.messages).toHaveLength(0)
    const [d] = await t.deps.store.listDeliveries({})
    expect(d).toMatchObject({ state: 'dead', lastError: 'subscriber unsubscribed' })
  })

  it('does not send an earlier update to someone who subscribed after it', async () => {
    const { dispatcher } = await setUp()
    await openIncident(t.deps, CLI_ACTOR, { name: 'Before you came', impact: 'minor', body: 'x' })
    t.clock.advance(1000)
    await email('late@example.test')
    await dispatcher.drain()
    expect(sink.messages).toHaveLength(0)
  })

  it('resends, with the same id, a delivery whose sender died before recording the outcome', async () => {
    const { dispatcher } = await setUp()
    const h = await hook()
    await webhook(h.url)
    await openIncident(t.deps, CLI_ACTOR, { name: 'Crash', impact: 'minor', body: 'x' })
    await dispatcher.expand()
    // A sender claims the delivery and dies: the lease is all that is left of it.
    const [claimed] = await t.deps.store.claimDeliveries(t.clock.now(), t.clock.now() + 120_000, 10)
    expect(claimed).toBeDefined()
    await dispatcher.drain()
    expect(h.requests).toHaveLength(0)
    t.clock.advance(121_000)
    await dispatcher.drain()
    expect(h.requests).toHaveLength(1)
    expect(h.requests[0]!.headers['webhook-id']).toBe(claimed!.id)
    expect(await t.deps.store.getDelivery(claimed!.id)).toMatchObject({
      state: 'delivered',
      attempts: 2,
    })
  })

  it('quarantines an endpoint that keeps failing and tells the owner', async () => {
    const { dispatcher } = await setUp()
    await t.deps.store.commit([])
    const h = await hook([{ status: 410 }])
    const sub = await webhook(h.url)
    const { createUser } = await import('../../src/app/create-user.ts')
    await createUser(t.deps, CLI_ACTOR, {
      email: 'owner@acme.test',
      name: 'Owner',
      password: 'correct horse battery',
      role: 'owner',
    })
    for (let i = 0; i < 5; i++) {
      await openIncident(t.deps, CLI_ACTOR, { name: `Incident ${i}`, impact: 'minor', body: 'x' })
      await dispatcher.drain()
    }
    expect((await t.deps.store.getSubscriber(sub.id))!.state).toBe('quarantined')
    expect(
      sink.messages.some((m) => m.to.includes('owner@acme.test') && /quarantined/i.test(m.subject)),
    ).toBe(true)
    // Quarantined endpoints get no new deliveries.
    await openIncident(t.deps, CLI_ACTOR, { name: 'After', impact: 'minor', body: 'x' })
    await dispatcher.drain()
    expect(h.requests).toHaveLength(5)
  })

  it('announces component changes outside incidents only when the page says so', async () => {
    const { api, dispatcher } = await setUp()
    await email('ada@example.test')
    await updateComponent(t.deps, CLI_ACTOR, api.id, { status: 'degraded_performance' })
    await dispatcher.drain()
    expect(sink.messages).toHaveLength(0)
    await updateSettings(t.deps, CLI_ACTOR, {
      pageName: 'Acme',
      timeZone: 'UTC',
      notifyComponentChanges: true,
    })
    await updateComponent(t.deps, CLI_ACTOR, api.id, { status: 'major_outage' })
    await dispatcher.drain()
    expect(sink.messages).toHaveLength(1)
    expect(sink.messages[0]!.subject).toContain('API')
  })
  it('sends an address nothing but the confirmation until it confirms, then the next update', async () => {
    const { dispatcher } = await setUp()
    const { sending } = await subscribe(
      t.deps,
      { channel: 'email', target: 'new@example.test' },
      '203.0.113.7',
    )
    await sending
    const [confirmation] = await sink.waitFor(1)
    expect(confirmation!.to).toEqual(['new@example.test'])
    const token = /\/subscriptions\/confirm\/([\w-]+)/.exec(confirmation!.text)?.[1]
    expect(token).toBeDefined()

    t.clock.advance(1000)
    const { incident } = await openIncident(t.deps, CLI_ACTOR, {
      name: 'While pending',
      impact: 'minor',
      body: 'Not for unconfirmed addresses.',
    })
    await dispatcher.drain()
    expect(sink.messages).toHaveLength(1)
    expect(await t.deps.store.listDeliveries({})).toEqual([])

    t.clock.advance(1000)
    await confirmSubscription(t.deps, token!)
    t.clock.advance(1000)
    await postIncidentUpdate(t.deps, CLI_ACTOR, incident.id, { body: 'After confirming.' })
    await dispatcher.drain()
    expect(sink.messages).toHaveLength(2)
    expect(sink.messages[1]!.to).toEqual(['new@example.test'])
    expect(sink.messages[1]!.text).toContain('After confirming.')
  })

  it('lets a subscriber choose a group and hear about every component in it, and nothing else', async () => {
    const { web, dispatcher } = await setUp()
    const backend = await createComponentGroup(t.deps, CLI_ACTOR, { name: 'Backend' })
    const db = await createComponent(t.deps, CLI_ACTOR, { name: 'Database', groupId: backend.id })
    await addSubscriber(t.deps, CLI_ACTOR, {
      channel: 'email',
      target: 'backend@example.test',
      groupIds: [backend.id],
    })
    await openIncident(t.deps, CLI_ACTOR, {
      name: 'Website slow',
      impact: 'minor',
      body: 'x',
      components: { [web.id]: 'degraded_performance' },
    })
    await dispatcher.drain()
    expect(sink.messages).toHaveLength(0)
    await openIncident(t.deps, CLI_ACTOR, {
      name: 'Database failover',
      impact: 'major',
      body: 'x',
      components: { [db.id]: 'major_outage' },
    })
    await dispatcher.drain()
    expect(sink.messages.map((m) => [m.to, m.subject])).toEqual([
      [['backend@example.test'], '[Status] Database failover'],
    ])
  })

  it('sends mail from, and with the reply-to of, the page settings', async () => {
    const { dispatcher } = await setUp({ MAIL_FROM: 'Fallback <fallback@acme.test>' })
    await email('ada@example.test')
    await openIncident(t.deps, CLI_ACTOR, { name: 'Before', impact: 'minor', body: 'x' })
    await dispatcher.drain()
    expect(sink.messages[0]!.headers['from']).toBe('Fallback <fallback@acme.test>')
    expect(sink.messages[0]!.headers['reply-to']).toBeUndefined()

    await updateSettings(t.deps, CLI_ACTOR, {
      pageName: 'Acme',
      timeZone: 'UTC',
      mailFrom: 'Acme Status <status@acme.test>',
      mailReplyTo: 'support@acme.test',
    })
    await openIncident(t.deps, CLI_ACTOR, { name: 'After', impact: 'minor', body: 'x' })
    await dispatcher.drain()
    const mail = sink.messages[1]!
    expect(mail.headers['from']).toBe('Acme Status <status@acme.test>')
    expect(mail.headers['reply-to']).toBe('support@acme.test')
    expect(mail.from).toBe('status@acme.test')
    expect(mail.subject).toBe('[Acme] After')
  })

  it('posts Slack, Discord and Teams their own formats, unsigned, with pings disabled on Discord', async () => {
    const { api, dispatcher } = await setUp()
    const slack = await hook()
    const discord = await hook()
    const teams = await hook()
    for (const [channel, h] of [
      ['slack', slack],
      ['discord', discord],
      ['teams', teams],
    ] as const)
      await addSubscriber(t.deps, CLI_ACTOR, { channel, target: h.url })
    await openIncident(t.deps, CLI_ACTOR, {
      name: 'API errors @everyone',
      impact: 'major',
      body: 'Investigating <@123>.',
      components: { [api.id]: 'major_outage' },
    })
    await dispatcher.drain()
    for (const h of [slack, discord, teams]) {
      expect(h.requests).toHaveLength(1)
      expect(h.requests[0]!.headers['content-type']).toBe('application/json')
      expect(h.requests[0]!.headers['webhook-signature']).toBeUndefined()
    }
    const slackBody = JSON.parse(slack.requests[0]!.body)
    expect(slackBody.text).toContain('API errors')
    expect(slackBody.blocks[0].type).toBe('header')
    const discordBody = JSON.parse(discord.requests[0]!.body)
    expect(discordBody.allowed_mentions).toEqual({ parse: [] })
    expect(discordBody.embeds).toHaveLength(1)
    expect(discordBody.embeds[0].title).toContain('API errors')
    expect(discord.requests[0]!.body).not.toContain('@everyone')
    const teamsBody = JSON.parse(teams.requests[0]!.body)
    expect(teamsBody.type).toBe('message')
    expect(teamsBody.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive')
    expect(teamsBody.attachments[0].content.type).toBe('AdaptiveCard')
    expect(
      (await t.deps.store.listDeliveries({})).map((d) => [d.state, d.lastStatus]).sort(),
    ).toEqual([
      ['delivered', 204],
      ['delivered', 204],
      ['delivered', 204],
    ])
  })

  it('stops signing with the old secret once the rotation window is over', async () => {
    // Rotate a day and a minute ago; the broadcast below is signed at the real present, so the
    // standardwebhooks verifier accepts its timestamp.
    const { dispatcher } = await setUp({}, Date.now() - 24 * 3_600_000 - 60_000)
    const h = await hook()
    const before = await webhook(h.url)
    const after = await rotateWebhookSecret(t.deps, CLI_ACTOR, before.id)
    t.clock.advance(24 * 3_600_000 + 60_000)
    await openIncident(t.deps, CLI_ACTOR, { name: 'After rotation', impact: 'minor', body: 'x' })
    await dispatcher.drain()
    expect(h.requests).toHaveLength(1)
    const req = h.requests[0]!
    expect(String(req.headers['webhook-signature']).split(' ')).toHaveLength(1)
    expect(() => new Webhook(after.secret!).verify(req.body, signed(req))).not.toThrow()
    expect(() => new Webhook(before.secret!).verify(req.body, signed(req))).toThrow()
  })

  it('stops at once after a one-click POST to the link a mail or a webhook carried; a GET of it changes nothing', async () => {
    const { dispatcher } = await setUp()
    await email('ada@example.test')
    const h = await hook()
    await webhook(h.url)
    const { incident } = await openIncident(t.deps, CLI_ACTOR, {
      name: 'Unsubscribing',
      impact: 'minor',
      body: 'first',
    })
    await dispatcher.drain()
    const fromMail = /^<(https:[^>]+)>$/.exec(sink.messages[0]!.headers['list-unsubscribe']!)?.[1]
    const fromHook = (JSON.parse(h.requests[0]!.body) as { meta: { unsubscribe: string } }).meta
      .unsubscribe
    for (const link of [fromMail!, fromHook]) {
      expect(link).toMatch(/^https:\/\/status\.acme\.test\/subscriptions\/[\w-]+\/unsubscribe$/)
      // A mail scanner's or a browser's GET only shows the button.
      expect((await t.app.request(link)).status).toBe(200)
    }
    expect((await t.deps.store.listSubscribers({ state: 'active' })).length).toBe(2)
    for (const link of [fromMail!, fromHook]) {
      // What a mail provider sends: no cookie, no session, another origin.
      const res = await t.app.request(link, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          origin: 'https://mail.example.net',
        },
        body: 'List-Unsubscribe=One-Click',
      })
      expect(res.status).toBe(200)
    }
    expect((await t.deps.store.listSubscribers({ state: 'unsubscribed' })).length).toBe(2)
    await postIncidentUpdate(t.deps, CLI_ACTOR, incident.id, { body: 'second' })
    await dispatcher.drain()
    expect(sink.messages).toHaveLength(1)
    expect(h.requests).toHaveLength(1)
  })

  it('retries timeouts and refused connections with growing waits, then gives up as dead', async () => {
    await setUp()
    const dispatcher = createDispatcher(t.deps, { webhookTimeoutMs: 100, maxAttempts: 3 })
    const silent = await startReceiver({ reply: 'hang' })
    const closed = await hook()
    await closed.close()
    await webhook(`${silent.origin}/hook`)
    await webhook(closed.url)
    await openIncident(t.deps, CLI_ACTOR, { name: 'Unreachable', impact: 'minor', body: 'x' })
    const waits: number[][] = []
    try {
      for (let attempt = 1; attempt <= 3; attempt++) {
        await dispatcher.drain()
        const deliveries = await t.deps.store.listDeliveries({})
        expect(deliveries.map((d) => d.attempts)).toEqual([attempt, attempt])
        if (attempt < 3) {
          expect(deliveries.map((d) => d.state)).toEqual(['retrying', 'retrying'])
          waits.push(deliveries.map((d) => d.nextAttemptAt - t.clock.now()))
          t.clock.advance(Math.max(...waits.at(-1)!))
        }
      }
    } finally {
      await silent.close()
    }
    // 30 s then 60 s, each ±20 %.
    for (const w of waits[0]!) expect(w).toBeGreaterThanOrEqual(24_000)
    for (const w of waits[0]!) expect(w).toBeLessThanOrEqual(36_000)
    for (const w of waits[1]!) expect(w).toBeGreaterThanOrEqual(48_000)
    for (const w of waits[1]!) expect(w).toBeLessThanOrEqual(72_000)
    const dead = await t.deps.store.listDeliveries({ state: 'dead' })
    expect(dead.map((d) => d.lastError).sort()).toEqual([
      expect.stringMatching(/^gave up after 3 attempts: .*ECONNREFUSED/),
      'gave up after 3 attempts: timeout after 0.1s',
    ])
    expect(silent.requests).toHaveLength(3)
  })

  it('keeps the other sends going while one endpoint is slow to answer', async () => {
    await setUp()
    // A real endpoint that holds its answer until the test lets it go.
    const held: http.ServerResponse[] = []
    const slow = http.createServer((req, res) => {
      req.resume()
      req.on('end', () => held.push(res))
    })
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve))
    try {
      const fast = await hook()
      await webhook(`http://127.0.0.1:${(slow.address() as AddressInfo).port}/slow`)
      for (let i = 0; i < 20; i++) await webhook(`${fast.url}/${i}`)
      // Four sends in flight, eight deliveries claimed at a time: the slow one is in the first batch.
      const dispatcher = createDispatcher(t.deps, { concurrency: 4, claimBatch: 8 })
      await openIncident(t.deps, CLI_ACTOR, { name: 'Slow', impact: 'minor', body: 'x' })
      const draining = dispatcher.drain()
      const deadline = Date.now() + 5_000
      while (fast.requests.length < 20 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 10))
      // Every other subscriber has the update while the slow endpoint still holds its answer.
      expect(fast.requests).toHaveLength(20)
      expect(held).toHaveLength(1)
      for (const res of held) res.writeHead(204).end()
      expect(await draining).toBe(21)
      const states = (await t.deps.store.listDeliveries({})).map((d) => d.state)
      expect(states.filter((s) => s === 'delivered')).toHaveLength(21)
    } finally {
      slow.closeAllConnections()
      await new Promise((resolve) => slow.close(resolve))
    }
  })

  it('spreads retries with jitter rather than sending every failed delivery back at once', async () => {
    const { dispatcher } = await setUp()
    const h = await hook([{ status: 503 }])
    for (let i = 0; i < 6; i++) await webhook(`${h.url}?n=${i}`)
    await openIncident(t.deps, CLI_ACTOR, { name: 'Herd', impact: 'minor', body: 'x' })
    await dispatcher.drain()
    const waits = (await t.deps.store.listDeliveries({})).map(
      (d) => d.nextAttemptAt - t.clock.now(),
    )
    expect(waits).toHaveLength(6)
    // The first retry is 30 s ± 20 %; six draws landing on one millisecond is not jitter.
    for (const w of waits) expect(w).toBeGreaterThanOrEqual(24_000)
    for (const w of waits) expect(w).toBeLessThanOrEqual(36_000)
    expect(new Set(waits).size).toBeGreaterThan(1)
  })
})

describe('the retry schedule', () => {
  it('doubles from 30 s up to a 6 h cap, with ±20 % jitter', () => {
    const low = () => 0
    const high = () => 0.999999
    expect([1, 2, 3, 4].map((n) => backoffMs(n, low))).toEqual([24_000, 48_000, 96_000, 192_000])
    expect([1, 2, 3, 4].map((n) => backoffMs(n, high))).toEqual([36_000, 72_000, 144_000, 288_000])
    expect(backoffMs(30, low)).toBe(17_280_000)
    expect(backoffMs(30, high)).toBe(25_919_991)
  })

  it('reads Retry-After as seconds or as an HTTP date, capped at a day', () => {
    const now = Date.UTC(2026, 0, 1, 12, 0, 0)
    expect(retryAfterMs('120', now)).toBe(120_000)
    expect(retryAfterMs(new Date(now + 90_000).toUTCString(), now)).toBe(90_000)
    expect(retryAfterMs(new Date(now - 90_000).toUTCString(), now)).toBe(0)
    expect(retryAfterMs('999999', now)).toBe(86_400_000)
    expect(retryAfterMs('soon', now)).toBeNull()
    expect(retryAfterMs(null, now)).toBeNull()
  })
})
