import { Webhook } from 'standardwebhooks'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startHookReceiver, type Hook } from '../support/hook-receiver.ts'
import { startTestWorker, type TestWorker } from '../support/worker.ts'
import { setUpOwner, until, type Owner } from './owner.ts'
import { startSmtpRecorder, type RecordedMail, type SmtpRecorder } from './smtp-recorder.ts'

// Issue 4's subscriber features on Workers, under workerd with local D1 and local Queues: double
// opt-in through the public form with the confirmation mail sent by worker-mailer to a real
// smtp-server, component scopes, the manage page and RFC 8058 one-click unsubscribe, Slack,
// Discord and Teams subscriptions in their native formats, the console's webhook secret and its
// rotation, a dead delivery replayed from the console, and CSV import. Every delivery goes out
// through the JOBS queue consumer; nothing here triggers delivery by hand.

const BASE_URL = 'https://status.subscribers.test'
const PAGE = 'Subscribers Status'
const TEST_MS = 60_000

/** The mail as its text part reads, quoted-printable soft breaks and escapes undone. */
function textOf(mail: RecordedMail): string {
  return mail.raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
}

function linkIn(mail: RecordedMail, re: RegExp): string {
  const path = re.exec(textOf(mail))?.[1]
  if (!path) throw new Error(`no link matching ${re} in:\n${textOf(mail).slice(0, 2000)}`)
  return path
}

const CONFIRM = /https:\/\/status\.subscribers\.test(\/subscriptions\/confirm\/[A-Za-z0-9_-]+)/
const MANAGE =
  /https:\/\/status\.subscribers\.test(\/subscriptions\/(?!confirm\/)[A-Za-z0-9_-]{16,})(?![\w/-])/

/** Verifies with an independent Standard Webhooks implementation; throws if no signature fits. */
function verify(request: Hook['requests'][number], secret: string) {
  const headers: Record<string, string> = {}
  for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature'])
    headers[name] = String(request.headers[name] ?? '')
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return new Webhook(secret).verify(request.body, headers) as any
}

describe('subscribers on Workers (public form, manage page, chat formats, console)', () => {
  let worker: TestWorker
  let smtp: SmtpRecorder
  let hook: Hook
  let owner: Owner
  const ids: Record<string, string> = {}

  const form = async (path: string, fields: Record<string, string>) => {
    const res = await worker.fetch(path, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    })
    return { status: res.status, text: await res.text() }
  }
  const subscriberByTarget = async (target: string) => {
    const res = await owner.api('GET', `/subscribers?search=${encodeURIComponent(target)}`)
    expect(res.status).toBe(200)
    return (res.json.subscribers as { id: string; target: string; state: string }[]).find(
      (s) => s.target === target,
    )
  }
  const mailsTo = (address: string) => smtp.messages.filter((m) => m.rcptTo.includes(address))
  // startHookReceiver's URL ends in /hook; each subscriber here has a path of its own below it.
  const requestsTo = (path: string) => hook.requests.filter((r) => r.path === `/hook${path}`)

  beforeAll(async () => {
    smtp = await startSmtpRecorder()
    hook = await startHookReceiver([{ status: 204 }])
    worker = await startTestWorker({
      vars: {
        BASE_URL,
        SMTP_URL: smtp.url(),
        MAIL_FROM: 'Status <status@subscribers.test>',
        WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
      },
    })
    owner = await setUpOwner(worker, { pageName: PAGE })
    for (const name of ['API', 'Website']) {
      const res = await owner.api('POST', '/components', { name })
      expect(res.status).toBe(201)
      ids[name] = res.json.id
    }
  }, 90_000)
  afterAll(async () => {
    await worker?.close()
    await hook?.close()
    await smtp?.close()
  })

  it(
    'subscribes an address with double opt-in, sending nothing but the confirmation before it is confirmed',
    async () => {
      // A sentinel that gets everything, so a broadcast is known to have gone out.
      const sentinel = await owner.api('POST', '/subscribers', {
        channel: 'webhook',
        target: `${hook.url}/sentinel`,
      })
      expect(sentinel.status).toBe(201)

      const sent = await form('/subscribe', {
        channel: 'email',
        target: 'reader@example.com',
        scope: 'chosen',
        componentIds: ids.API!,
      })
      expect(sent.status).toBe(200)
      await until('the confirmation mail', () => mailsTo('reader@example.com')[0])
      expect(mailsTo('reader@example.com')[0]!.headers.subject).toMatch(/confirm/i)
      expect((await subscriberByTarget('reader@example.com'))?.state).toBe('pending')

      // Asking again while pending answers the same and sends a fresh link (the old one lapses).
      const again = await form('/subscribe', {
        channel: 'email',
        target: 'reader@example.com',
        scope: 'chosen',
        componentIds: ids.API!,
      })
      expect(again.status).toBe(200)
      expect(again.text).toBe(sent.text)
      const [stale, confirmation] = await until('the second confirmation mail', () =>
        mailsTo('reader@example.com').length >= 2 ? mailsTo('reader@example.com') : undefined,
      )
      expect(linkIn(confirmation!, CONFIRM)).not.toBe(linkIn(stale!, CONFIRM))
      expect((await form(linkIn(stale!, CONFIRM), {})).status).toBe(404)

      const before = await owner.api('POST', '/incidents', {
        name: 'Before confirmation',
        impact: 'minor',
        body: 'Nobody pending hears of this.',
        components: { [ids.API!]: 'degraded_performance' },
      })
      expect(before.status).toBe(201)
      await until('the sentinel webhook', () => requestsTo('/sentinel')[0])
      expect(mailsTo('reader@example.com').filter((m) => m.raw.includes('Nobody pending'))).toEqual(
        [],
      )

      // Opening the link only asks; the POST confirms.
      const confirm = linkIn(confirmation!, CONFIRM)
      const prompt = await worker.fetch(confirm)
      expect(prompt.status).toBe(200)
      expect(await prompt.text()).toContain(`action="${confirm}"`)
      expect((await subscriberByTarget('reader@example.com'))?.state).toBe('pending')
      expect((await form(confirm, {})).status).toBe(200)
      expect((await subscriberByTarget('reader@example.com'))?.state).toBe('active')
      // Known and confirmed: the same answer again, and no mail (the next test checks that none
      // arrived later: the answer does not wait for a confirmation mail).
      const known = await form('/subscribe', {
        channel: 'email',
        target: 'reader@example.com',
        scope: 'chosen',
        componentIds: ids.API!,
      })
      expect(known.text).toBe(sent.text)
      expect(
        (await owner.api('POST', `/incidents/${before.json.id}/resolve`, { body: 'Fixed.' }))
          .status,
      ).toBe(200)
    },
    TEST_MS,
  )

  it(
    'mails a confirmed subscriber only what touches the components chosen, in one thread',
    async () => {
      const sentinelSeen = requestsTo('/sentinel').length
      const website = await owner.api('POST', '/incidents', {
        name: 'Website only',
        impact: 'minor',
        body: 'The website is slow.',
        components: { [ids.Website!]: 'degraded_performance' },
      })
      expect(website.status).toBe(201)
      const api = await owner.api('POST', '/incidents', {
        name: 'API errors',
        impact: 'major',
        body: 'Some API requests fail.',
        components: { [ids.API!]: 'partial_outage' },
      })
      expect(api.status).toBe(201)
      expect(
        (
          await owner.api('POST', `/incidents/${api.json.id}/updates`, {
            body: 'The cause is found.',
            status: 'identified',
          })
        ).status,
      ).toBe(201)
      const mails = await until('two incident mails', () => {
        const got = mailsTo('reader@example.com').filter((m) => m.raw.includes('API errors'))
        return got.length >= 2 ? got : undefined
      })
      // Both broadcasts of the sentinel too, so the Website incident was fanned out by now.
      await until('the sentinel to have all three', () =>
        requestsTo('/sentinel').length >= sentinelSeen + 3 ? true : undefined,
      )
      expect(mailsTo('reader@example.com').some((m) => m.raw.includes('Website only'))).toBe(false)
      // Still only the two confirmations of the first test: none for the subscribe request of an
      // address already confirmed.
      const subjects = mailsTo('reader@example.com').map((m) => m.headers.subject ?? '')
      expect(
        subjects.filter((s) => s.endsWith('Confirm your subscription')),
        subjects.join(' | '),
      ).toHaveLength(2)
      const [opening, update] = mails.sort((a, b) =>
        a.raw.includes('The cause is found') ? 1 : b.raw.includes('The cause is found') ? -1 : 0,
      )
      const root = `<incident-${api.json.id}@status.subscribers.test>`
      expect(opening!.headers['message-id']).toBe(root)
      expect(update!.headers['in-reply-to']).toBe(root)
      expect(update!.headers.references).toContain(root)
      expect(update!.headers.subject).toBe(opening!.headers.subject)
      ids.manage = linkIn(update!, MANAGE)
      expect(update!.headers['list-unsubscribe']).toBe(`<${BASE_URL}${ids.manage}/unsubscribe>`)
    },
    TEST_MS,
  )

  it(
    'changes the components on the manage page, and unsubscribes by one-click POST, never by GET',
    async () => {
      const manage = ids.manage!
      const page = await worker.fetch(manage)
      expect(page.status).toBe(200)
      expect(page.headers.get('cache-control')).toBe('no-store')
      expect(await page.text()).toContain('reader@example.com')
      const saved = await form(manage, { scope: 'all' })
      expect(saved.status).toBe(200)
      expect(saved.text).toContain('Saved: your component choice is updated.')

      const prompt = await worker.fetch(`${manage}/unsubscribe`)
      expect(prompt.status).toBe(200)
      await prompt.text()
      expect((await subscriberByTarget('reader@example.com'))?.state).toBe('active')
      // What a mail provider sends (RFC 8058): no cookies, no CSRF token.
      const oneClick = await form(`${manage}/unsubscribe`, {
        'List-Unsubscribe': 'One-Click',
      })
      expect(oneClick.status).toBe(200)
      expect((await subscriberByTarget('reader@example.com'))?.state).toBe('unsubscribed')
    },
    TEST_MS,
  )

  it(
    'sends Slack, Discord and Teams subscribers their own message formats',
    async () => {
      for (const channel of ['slack', 'discord', 'teams']) {
        const res = await form('/subscribe', { channel, target: `${hook.url}/${channel}` })
        expect(res.status, res.text.slice(0, 300)).toBe(200)
        expect(res.text).toMatch(/\/subscriptions\/[A-Za-z0-9_-]{16,}/)
      }
      const opened = await owner.api('POST', '/incidents', {
        name: 'Chat check',
        impact: 'major',
        body: 'Chat apps hear of this.',
      })
      expect(opened.status).toBe(201)
      const body = async (path: string) =>
        JSON.parse((await until(path, () => requestsTo(path)[0])).body)

      const slack = await body('/slack')
      expect(slack.text).toContain('Chat check')
      expect(slack.blocks[0]).toEqual({
        type: 'header',
        text: { type: 'plain_text', text: 'Chat check' },
      })
      const discord = await body('/discord')
      expect(discord.allowed_mentions).toEqual({ parse: [] })
      expect(discord.embeds[0]).toMatchObject({
        title: 'Chat check',
        url: `${BASE_URL}/incidents/${opened.json.id}`,
      })
      const teams = await body('/teams')
      expect(teams.type).toBe('message')
      expect(teams.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive')
      expect(teams.attachments[0].content.type).toBe('AdaptiveCard')
    },
    TEST_MS,
  )

  it(
    'shows a console-made webhook its secret once, and signs with both keys after a rotation',
    async () => {
      const { browser } = owner
      await browser.get('/console/subscribers')
      const added = await browser.post('/console/subscribers', {
        channel: 'webhook',
        target: `${hook.url}/rotated`,
      })
      expect(added.status).toBe(201)
      const oldSecret = /id="new-secret-value"[^>]*value="(whsec_[^"]+)"/.exec(added.text)?.[1]
      expect(oldSecret).toBeDefined()
      const sub = await subscriberByTarget(`${hook.url}/rotated`)
      expect(sub?.state).toBe('active')
      // Not shown again.
      const detail = await browser.get(`/console/subscribers/${sub!.id}`)
      expect(detail.text).not.toContain(oldSecret!)

      const rotated = await browser.post(`/console/subscribers/${sub!.id}/rotate-secret`)
      expect(rotated.status).toBe(200)
      const newSecret = /id="new-secret-value"[^>]*value="(whsec_[^"]+)"/.exec(rotated.text)?.[1]
      expect(newSecret).toBeDefined()
      expect(newSecret).not.toBe(oldSecret)

      const opened = await owner.api('POST', '/incidents', {
        name: 'Rotation check',
        impact: 'minor',
        body: 'Signed twice.',
      })
      expect(opened.status).toBe(201)
      const request = await until('the rotated webhook', () => requestsTo('/rotated')[0])
      expect(String(request.headers['webhook-signature']).split(' ')).toHaveLength(2)
      expect(verify(request, oldSecret!).incident.name).toBe('Rotation check')
      expect(verify(request, newSecret!).incident.name).toBe('Rotation check')
    },
    TEST_MS,
  )

  it(
    'replays a dead delivery from the console with its original id',
    async () => {
      const gone = await startHookReceiver([{ status: 410 }, { status: 204 }])
      try {
        const sub = await owner.api('POST', '/subscribers', {
          channel: 'webhook',
          target: gone.url,
        })
        expect(sub.status).toBe(201)
        const opened = await owner.api('POST', '/incidents', {
          name: 'Replay check',
          impact: 'minor',
          body: 'Refused once.',
        })
        expect(opened.status).toBe(201)
        const dead = await until('the dead delivery', async () => {
          const res = await owner.api('GET', `/subscribers/${sub.json.id}/deliveries`)
          const d = res.json.deliveries?.[0]
          return d?.state === 'dead' ? d : undefined
        })
        expect(dead).toMatchObject({ attempts: 1, last_status: 410 })

        const { browser } = owner
        await browser.get(`/console/subscribers/${sub.json.id}`)
        const replayed = await browser.post(`/console/subscribers/${sub.json.id}/replay`)
        expect(replayed.status).toBe(303)
        const second = await until('the replayed request', () => gone.requests[1])
        expect(second.headers['webhook-id']).toBe(gone.requests[0]!.headers['webhook-id'])
        expect(second.headers['webhook-id']).toBe(dead.id)
        expect(verify(second, sub.json.secret).incident.name).toBe('Replay check')
        const delivered = await until('the delivery to be recorded', async () => {
          const res = await owner.api('GET', `/subscribers/${sub.json.id}/deliveries`)
          const d = res.json.deliveries?.[0]
          return d?.state === 'delivered' ? d : undefined
        })
        // A replay starts the attempts over (and keeps the id).
        expect(delivered).toMatchObject({ id: dead.id, attempts: 1, last_status: 204 })
      } finally {
        await gone.close()
      }
    },
    TEST_MS,
  )

  it(
    'imports subscribers from CSV in the console, reporting each rejected row',
    async () => {
      const { browser } = owner
      await browser.get('/console/subscribers/import')
      const res = await browser.post('/console/subscribers/import', {
        csv: 'email\nimported@example.com\nnot an address\n',
      })
      expect(res.status).toBe(200)
      expect(res.text).toMatch(/id="import-added">\s*1 subscriber added\./)
      expect(res.text).toContain('1 row was rejected.')
      expect(res.text).toMatch(
        /<td>3<\/td><td><code>not an address<\/code><\/td><td>Enter a valid email/,
      )
      expect((await subscriberByTarget('imported@example.com'))?.state).toBe('active')
    },
    TEST_MS,
  )
})
