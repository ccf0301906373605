import { createServer, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/app.ts'
import { seeder } from './public-seed.ts'
import {
  confirmedEmail,
  get,
  lastMailTo,
  linksIn,
  mailsTo,
  post,
  subscriberFor,
} from './public-subscribe-support.ts'

let t: TestApp
afterEach(() => t?.close())

const XSS = '<img src=x onerror=alert(1)>'
const XSS_ESCAPED = '&lt;img src=x onerror=alert(1)&gt;'

describe('the subscribe form', () => {
  it('offers every channel and the visible components, grouped as on the page', async () => {
    t = createTestApp()
    const s = seeder(t)
    const backend = await s.group('Backend')
    const api = await s.component('API', { groupId: backend.id })
    const db = await s.component('Database', { groupId: backend.id })
    const site = await s.component('Website')
    const hidden = await s.component('Internal batch', { visible: false })

    const { res, html } = await get(t, '/subscribe')
    expect(res.status).toBe(200)
    for (const label of ['E-mail', 'Webhook', 'Slack', 'Discord', 'Microsoft Teams'])
      expect(html).toContain(`<span>${label}</span>`)
    expect(html).toMatch(/<form method="post" action="\/subscribe"/)
    expect(html).toContain(`name="groupIds" value="${backend.id}"`)
    for (const c of [api, db, site]) expect(html).toContain(`name="componentIds" value="${c.id}"`)
    expect(html).not.toContain(hidden.id)
    expect(html).not.toContain('Internal batch')
    // The group's components are nested under the group's own box.
    const group = html.slice(
      html.indexOf(`value="${backend.id}"`),
      html.indexOf(`value="${site.id}"`),
    )
    expect(group).toContain(`value="${api.id}"`)
    expect(group).toContain(`value="${db.id}"`)
    expect(html).toContain('<link rel="stylesheet" href="/css/subscribe.css"/>')
  })

  it('is linked from the status page', async () => {
    t = createTestApp()
    const res = await t.app.request('/')
    expect(await res.text()).toContain('<a href="/subscribe">Subscribe to updates</a>')
  })

  it('is served with no-store, no-referrer and noindex, keeping the strict CSP', async () => {
    t = createTestApp()
    const { res } = await get(t, '/subscribe')
    expect(res.headers.get('Cache-Control')).toBe('no-store')
    expect(res.headers.get('Referrer-Policy')).toBe('no-referrer')
    expect(res.headers.get('X-Robots-Tag')).toBe('noindex')
    expect(res.headers.get('Content-Security-Policy')).toContain("script-src 'self'")
    expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff')
  })

  it('leaves the status page its own caching and referrer policy', async () => {
    t = createTestApp()
    const res = await t.app.request('/')
    expect(res.headers.get('Cache-Control')).not.toBe('no-store')
    expect(res.headers.get('Referrer-Policy')).toBe('strict-origin-when-cross-origin')
    expect(res.headers.get('X-Robots-Tag')).toBeNull()
  })
})

describe('subscribing by e-mail', () => {
  it('goes through double opt-in: the mail link shows a button, and only the POST confirms', async () => {
    t = createTestApp()
    const sent = await post(t, '/subscribe', {
      channel: 'email',
      target: 'ada@example.com',
      scope: 'all',
    })
    expect(sent.res.status).toBe(200)
    expect(sent.html).toContain('Check your inbox to confirm')
    expect((await subscriberFor(t, 'ada@example.com'))?.state).toBe('pending')

    const mail = await lastMailTo(t, 'ada@example.com')
    const { confirm, manage } = linksIn(mail.text)

    // A mail scanner's prefetch (GET) must not confirm.
    const prompt = await get(t, confirm)
    expect(prompt.res.status).toBe(200)
    expect(prompt.html).toContain(`<form method="post" action="${confirm}"`)
    expect(prompt.html).toContain('Confirm subscription</button>')
    expect(prompt.res.headers.get('Referrer-Policy')).toBe('no-referrer')
    expect((await subscriberFor(t, 'ada@example.com'))?.state).toBe('pending')

    const done = await post(t, confirm)
    expect(done.res.status).toBe(200)
    expect(done.html).toContain('You&#39;re subscribed')
    expect(done.html).toContain(`href="${manage}"`)
    const sub = await subscriberFor(t, 'ada@example.com')
    expect(sub?.state).toBe('active')
    expect(sub?.allComponents).toBe(true)
  })

  it('answers an already-subscribed address with exactly the same page and sends it no second mail', async () => {
    t = createTestApp()
    const first = await post(t, '/subscribe', { channel: 'email', target: 'ada@example.com' })
    await post(t, linksIn((await lastMailTo(t, 'ada@example.com')).text).confirm)
    expect((await subscriberFor(t, 'ada@example.com'))?.state).toBe('active')

    const again = await post(t, '/subscribe', { channel: 'email', target: 'ada@example.com' })
    expect(again.res.status).toBe(first.res.status)
    expect(again.html).toBe(first.html)
    expect(await mailsTo(t, 'ada@example.com')).toHaveLength(1)
    expect((await subscriberFor(t, 'ada@example.com'))?.state).toBe('active')
  })

  it('answers without waiting for the confirmation mail, whose SMTP time would tell addresses apart', async () => {
    // An SMTP server that accepts connections and never greets: a send to it takes the full 15 s
    // greeting timeout, longer than this test is given.
    const sockets: { socket: Socket; closed: boolean }[] = []
    const stalled = createServer((socket) => {
      const entry = { socket, closed: false }
      socket.on('close', () => (entry.closed = true))
      sockets.push(entry)
    })
    await new Promise<void>((r) => stalled.listen(0, '127.0.0.1', r))
    try {
      const { port } = stalled.address() as AddressInfo
      t = createTestApp({ env: { SMTP_URL: `smtp://127.0.0.1:${port}` } })
      const sent = await post(t, '/subscribe', { channel: 'email', target: 'ada@example.com' })
      expect(sent.res.status).toBe(200)
      expect(sent.html).toContain('Check your inbox to confirm')
      expect((await subscriberFor(t, 'ada@example.com'))?.state).toBe('pending')
      // The mail is on its way all the same, still waiting for the server's greeting.
      for (let i = 0; i < 200 && sockets.length === 0; i++)
        await new Promise((r) => setTimeout(r, 10))
      expect(sockets.map((s) => s.closed)).toEqual([false])
    } finally {
      t?.close()
      for (const { socket } of sockets) socket.destroy()
      await new Promise((r) => stalled.close(r))
    }
  }, 10_000)

  it('answers an address still waiting for confirmation with the same page as a new one', async () => {
    t = createTestApp()
    const fresh = await post(t, '/subscribe', { channel: 'email', target: 'bob@example.com' })
    const pending = await post(t, '/subscribe', { channel: 'email', target: 'bob@example.com' })
    expect(pending.res.status).toBe(fresh.res.status)
    expect(pending.html).toBe(fresh.html)
  })

  it('refuses a malformed address with 422 naming the field and keeping what was typed', async () => {
    t = createTestApp()
    const { res, html } = await post(t, '/subscribe', {
      channel: 'email',
      target: 'not-an-address',
    })
    expect(res.status).toBe(422)
    expect(html).toMatch(/<p class="field-error" id="target-error">[^<]*valid email address/)
    expect(html).toContain('value="not-an-address"')
    expect(html).toMatch(/<input[^>]*value="email"[^>]*checked=""/)
    expect(await t.deps.store.countSubscribers()).toBe(0)
  })

  it('refuses an empty address with 422, not 500', async () => {
    t = createTestApp()
    const { res, html } = await post(t, '/subscribe', { channel: 'email', target: '   ' })
    expect(res.status).toBe(422)
    expect(html).toContain('id="target-error"')
  })

  it('refuses an unknown channel with 422 naming the channel', async () => {
    t = createTestApp()
    const { res, html } = await post(t, '/subscribe', {
      channel: 'pager',
      target: 'ada@example.com',
    })
    expect(res.status).toBe(422)
    expect(html).toMatch(/id="channel-error">Choose email, webhook/)
  })

  it('answers 429 once an address has used up its subscribe requests for the hour', async () => {
    t = createTestApp({ env: { SUBSCRIBE_MAX_PER_HOUR: '2' } })
    for (const n of [1, 2]) {
      const ok = await post(t, '/subscribe', { channel: 'email', target: `user${n}@example.com` })
      expect(ok.res.status).toBe(200)
    }
    const third = await post(t, '/subscribe', { channel: 'email', target: 'user3@example.com' })
    expect(third.res.status).toBe(429)
    expect(third.html).toContain('Too many subscription requests')
    expect(await subscriberFor(t, 'user3@example.com')).toBeNull()
    expect(await mailsTo(t, 'user3@example.com')).toHaveLength(0)

    t.clock.advance(3_600_001)
    const later = await post(t, '/subscribe', { channel: 'email', target: 'user3@example.com' })
    expect(later.res.status).toBe(200)
  })

  it('counts subscribe requests per client address, so one busy address does not block another', async () => {
    t = createTestApp({ env: { SUBSCRIBE_MAX_PER_HOUR: '2', TRUST_PROXY: 'true' } })
    const from = (ip: string, target: string, channel = 'email') =>
      post(t, '/subscribe', { channel, target }, { 'X-Forwarded-For': ip })
    expect((await from('198.51.100.1', 'a1@example.com')).res.status).toBe(200)
    expect((await from('198.51.100.1', 'a2@example.com')).res.status).toBe(200)
    expect((await from('198.51.100.1', 'a3@example.com')).res.status).toBe(429)
    // Endpoint channels count against the same budget.
    expect((await from('198.51.100.1', 'https://hooks.example.com/x', 'webhook')).res.status).toBe(
      429,
    )
    expect((await from('198.51.100.2', 'b1@example.com')).res.status).toBe(200)
    expect(await subscriberFor(t, 'a3@example.com')).toBeNull()
    expect((await subscriberFor(t, 'b1@example.com'))?.state).toBe('pending')
  })
})

describe('choosing components', () => {
  it('saves a ticked group as the group, without repeating its components', async () => {
    t = createTestApp()
    const s = seeder(t)
    const backend = await s.group('Backend')
    const api = await s.component('API', { groupId: backend.id })
    const site = await s.component('Website')
    await post(t, '/subscribe', {
      channel: 'email',
      target: 'ada@example.com',
      scope: 'chosen',
      groupIds: backend.id,
      componentIds: [api.id, site.id],
    })
    const sub = await subscriberFor(t, 'ada@example.com')
    expect(sub?.allComponents).toBe(false)
    expect(sub?.groupIds).toEqual([backend.id])
    expect(sub?.componentIds).toEqual([site.id])
  })

  it('ignores ticks when All components is chosen', async () => {
    t = createTestApp()
    const api = await seeder(t).component('API')
    await post(t, '/subscribe', {
      channel: 'email',
      target: 'ada@example.com',
      scope: 'all',
      componentIds: api.id,
    })
    const sub = await subscriberFor(t, 'ada@example.com')
    expect(sub?.allComponents).toBe(true)
    expect(sub?.componentIds).toEqual([])
  })

  it('asks again (422) when "only these" is chosen with nothing ticked', async () => {
    t = createTestApp()
    await seeder(t).component('API')
    const { res, html } = await post(t, '/subscribe', {
      channel: 'email',
      target: 'ada@example.com',
      scope: 'chosen',
    })
    expect(res.status).toBe(422)
    expect(html).toContain('Tick at least one component or group')
    expect(html).toContain('value="ada@example.com"')
    expect(await subscriberFor(t, 'ada@example.com')).toBeNull()
  })

  it('refuses a hidden or unknown component id with 422 on the form', async () => {
    t = createTestApp()
    const s = seeder(t)
    await s.component('API')
    const hidden = await s.component('Internal', { visible: false })
    const { res, html } = await post(t, '/subscribe', {
      channel: 'email',
      target: 'ada@example.com',
      scope: 'chosen',
      componentIds: hidden.id,
    })
    expect(res.status).toBe(422)
    expect(html).toContain('id="scope-error"')
    expect(html).toContain(`unknown component ${hidden.id}`)
  })
})

describe('subscribing an endpoint', () => {
  it('shows a webhook its whsec_ signing secret once, with how to verify it, and never again', async () => {
    t = createTestApp()
    const { res, html } = await post(t, '/subscribe', {
      channel: 'webhook',
      target: 'https://hooks.example.com/herald/incoming',
    })
    expect(res.status).toBe(200)
    const sub = (await t.deps.store.listSubscribers({ channel: 'webhook' }))[0]!
    expect(sub.state).toBe('active')
    expect(sub.secret).toMatch(/^whsec_/)
    expect(html).toContain(`<code class="secret">${sub.secret}</code>`)
    for (const header of ['webhook-id', 'webhook-timestamp', 'webhook-signature'])
      expect(html).toContain(`<code>${header}</code>`)
    expect(res.headers.get('Cache-Control')).toBe('no-store')

    const manage = /href="http:\/\/localhost(\/subscriptions\/[A-Za-z0-9_-]+)"/.exec(html)?.[1]
    expect(manage).toBe(`/subscriptions/${sub.manageToken}`)
    const page = await get(t, manage!)
    expect(page.res.status).toBe(200)
    expect(page.html).not.toContain(sub.secret!)
    expect(page.html).not.toContain('whsec_')
  })

  it('refuses an http:// webhook on 127.0.0.1 with 422 naming the field', async () => {
    t = createTestApp()
    const { res, html } = await post(t, '/subscribe', {
      channel: 'webhook',
      target: 'http://127.0.0.1:9000/hook',
    })
    expect(res.status).toBe(422)
    expect(html).toMatch(/id="target-error">Use an https:\/\/ address/)
    expect(html).toContain('value="http://127.0.0.1:9000/hook"')
    expect(await t.deps.store.countSubscribers()).toBe(0)
  })

  it('accepts an http:// webhook on 127.0.0.1 when WEBHOOK_ALLOWED_HOSTS lists it', async () => {
    t = createTestApp({ env: { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' } })
    const { res, html } = await post(t, '/subscribe', {
      channel: 'webhook',
      target: 'http://127.0.0.1:9000/hook',
    })
    expect(res.status).toBe(200)
    expect(html).toMatch(/<code class="secret">whsec_[A-Za-z0-9+/=]+<\/code>/)
  })

  it('gives a Slack endpoint its manage link but no secret, and does not print the URL credential', async () => {
    t = createTestApp()
    const target = 'https://hooks.slack.com/services/T0000/B0000/SeCrEtPaRt1234'
    const { res, html } = await post(t, '/subscribe', { channel: 'slack', target })
    expect(res.status).toBe(200)
    expect(html).not.toContain('whsec_')
    expect(html).not.toContain('SeCrEtPaRt1234')
    expect(html).toContain('https://hooks.slack.com/services/…')
    const sub = (await t.deps.store.listSubscribers({ channel: 'slack' }))[0]!
    expect(sub.target).toBe(target)
    expect(html).toContain(`/subscriptions/${sub.manageToken}`)
  })
})

describe('cross-site form posts', () => {
  it('refuses a POST whose Origin is another site with 403 and creates nothing', async () => {
    t = createTestApp()
    const { res } = await post(
      t,
      '/subscribe',
      { channel: 'email', target: 'ada@example.com' },
      { Origin: 'https://spam.example' },
    )
    expect(res.status).toBe(403)
    expect(await subscriberFor(t, 'ada@example.com')).toBeNull()
    expect(await mailsTo(t, 'ada@example.com')).toHaveLength(0)
  })

  it('refuses a cross-site POST that hides its Origin as "null"', async () => {
    t = createTestApp()
    const { res } = await post(
      t,
      '/subscribe',
      { channel: 'email', target: 'ada@example.com' },
      { Origin: 'null', 'Sec-Fetch-Site': 'cross-site' },
    )
    expect(res.status).toBe(403)
  })

  it('accepts its own form, which arrives with Origin null under Referrer-Policy no-referrer', async () => {
    t = createTestApp()
    const sends: Record<string, string>[] = [
      { Origin: 'http://localhost' },
      { Origin: 'null', 'Sec-Fetch-Site': 'same-origin' },
    ]
    for (const headers of sends) {
      const { res } = await post(
        t,
        '/subscribe',
        { channel: 'email', target: 'ada@example.com' },
        headers,
      )
      expect(res.status).toBe(200)
    }
  })
})

describe('escaping', () => {
  it('escapes a component name in the checkbox tree', async () => {
    t = createTestApp()
    await seeder(t).component(XSS)
    const { html } = await get(t, '/subscribe')
    expect(html).toContain(XSS_ESCAPED)
    expect(html).not.toContain(XSS)
  })

  it('escapes a hostile target echoed back into the form', async () => {
    t = createTestApp()
    const target = `"><script>alert(1)</script>${XSS}`
    const { res, html } = await post(t, '/subscribe', { channel: 'email', target })
    expect(res.status).toBe(422)
    expect(html).not.toContain('<script>alert(1)')
    expect(html).not.toContain(XSS)
    expect(html).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;')
  })

  it('escapes a component name on the manage page', async () => {
    t = createTestApp()
    await seeder(t).component(XSS)
    const manage = await confirmedEmail(t, 'ada@example.com')
    const { html } = await get(t, manage)
    expect(html).toContain(XSS_ESCAPED)
    expect(html).not.toContain(XSS)
  })
})

describe('confirmation links', () => {
  it('answers an expired link with 404, the reason and a way back to the form', async () => {
    t = createTestApp()
    await post(t, '/subscribe', { channel: 'email', target: 'ada@example.com' })
    const { confirm } = linksIn((await lastMailTo(t, 'ada@example.com')).text)
    t.clock.advance(49 * 3_600_000) // CONFIRM_TTL_HOURS defaults to 48
    const { res, html } = await post(t, confirm)
    expect(res.status).toBe(404)
    expect(html).toContain('This confirmation link has expired')
    expect(html).toContain('href="/subscribe"')
    expect(res.headers.get('Cache-Control')).toBe('no-store')
    expect((await subscriberFor(t, 'ada@example.com'))?.state).toBe('pending')
  })

  it('answers a made-up link with 404 rather than confirming anything', async () => {
    t = createTestApp()
    const { res, html } = await post(t, '/subscriptions/confirm/made-up-token-0123456789')
    expect(res.status).toBe(404)
    expect(html).toContain('This confirmation link is not valid')
    expect(html).toContain('href="/subscribe"')
  })

  it('confirms only once: a second POST of the link still says subscribed and changes nothing', async () => {
    t = createTestApp()
    await post(t, '/subscribe', { channel: 'email', target: 'ada@example.com' })
    const { confirm } = linksIn((await lastMailTo(t, 'ada@example.com')).text)
    await post(t, confirm)
    const confirmedAt = (await subscriberFor(t, 'ada@example.com'))?.confirmedAt
    t.clock.advance(60_000)
    const again = await post(t, confirm)
    expect(again.res.status).toBe(200)
    expect((await subscriberFor(t, 'ada@example.com'))?.confirmedAt).toBe(confirmedAt)
  })
})
