import { afterEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/app.ts'
import { seeder } from './public-seed.ts'
import { confirmedEmail, get, ORIGIN, post, subscriberFor } from './public-subscribe-support.ts'

let t: TestApp
afterEach(() => t?.close())

describe('one-click unsubscribe (RFC 8058)', () => {
  it('unsubscribes on a cookieless POST of List-Unsubscribe=One-Click and answers 200 without redirecting', async () => {
    t = createTestApp()
    const manage = await confirmedEmail(t, 'ada@example.com')
    const { res, html } = await post(t, `${manage}/unsubscribe`, {
      'List-Unsubscribe': 'One-Click',
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('Location')).toBeNull()
    expect(html).toContain('You are unsubscribed')
    expect(html).toContain(`<form method="post" action="${manage}/resubscribe"`)
    expect(res.headers.get('Cache-Control')).toBe('no-store')
    const sub = await subscriberFor(t, 'ada@example.com')
    expect(sub?.state).toBe('unsubscribed')
    expect(sub?.unsubscribedAt).toBe(t.clock.now())
  })

  it('accepts the one-click body as multipart/form-data too', async () => {
    t = createTestApp()
    const manage = await confirmedEmail(t, 'ada@example.com')
    const body = new FormData()
    body.set('List-Unsubscribe', 'One-Click')
    const res = await t.app.request(`${ORIGIN}${manage}/unsubscribe`, { method: 'POST', body })
    expect(res.status).toBe(200)
    expect((await subscriberFor(t, 'ada@example.com'))?.state).toBe('unsubscribed')
  })

  it('does not mind a POST from a mail provider on another origin', async () => {
    t = createTestApp()
    const manage = await confirmedEmail(t, 'ada@example.com')
    const { res } = await post(
      t,
      `${manage}/unsubscribe`,
      { 'List-Unsubscribe': 'One-Click' },
      { Origin: 'https://mail.example.net', 'Sec-Fetch-Site': 'cross-site' },
    )
    expect(res.status).toBe(200)
    expect((await subscriberFor(t, 'ada@example.com'))?.state).toBe('unsubscribed')
  })

  it('answers an unknown token with 404', async () => {
    t = createTestApp()
    const { res, html } = await post(t, '/subscriptions/no-such-token-0123456789/unsubscribe', {
      'List-Unsubscribe': 'One-Click',
    })
    expect(res.status).toBe(404)
    expect(html).toContain('This subscription link is not valid')
    expect(html).toContain('href="/subscribe"')
  })
})

describe('the unsubscribe link', () => {
  it('shows a button on GET and leaves the subscription active', async () => {
    t = createTestApp()
    const manage = await confirmedEmail(t, 'ada@example.com')
    const { res, html } = await get(t, `${manage}/unsubscribe`)
    expect(res.status).toBe(200)
    expect(html).toContain(`<form method="post" action="${manage}/unsubscribe"`)
    expect(html).toContain('Unsubscribe</button>')
    expect(res.headers.get('Referrer-Policy')).toBe('no-referrer')
    expect(res.headers.get('X-Robots-Tag')).toBe('noindex')
    expect((await subscriberFor(t, 'ada@example.com'))?.state).toBe('active')
  })
})

describe('the manage page', () => {
  it('shows the channel, the address and the state, with the scope form and an Unsubscribe button', async () => {
    t = createTestApp()
    const manage = await confirmedEmail(t, 'ada@example.com')
    const { res, html } = await get(t, manage)
    expect(res.status).toBe(200)
    expect(html).toContain('<dd>E-mail</dd>')
    expect(html).toContain('<code>ada@example.com</code>')
    expect(html).toContain('state-active')
    expect(html).toContain(`<form method="post" action="${manage}" class="subscribe-form">`)
    expect(html).toContain(`<form method="post" action="${manage}/unsubscribe"`)
    expect(html).not.toContain('/resubscribe')
    expect(res.headers.get('Cache-Control')).toBe('no-store')
  })

  it('saves a new component choice and shows it ticked', async () => {
    t = createTestApp()
    const s = seeder(t)
    const api = await s.component('API')
    const site = await s.component('Website')
    const manage = await confirmedEmail(t, 'ada@example.com')

    const saved = await post(t, manage, { scope: 'chosen', componentIds: api.id })
    expect(saved.res.status).toBe(200)
    expect(saved.html).toContain('Saved')
    const sub = await subscriberFor(t, 'ada@example.com')
    expect(sub?.allComponents).toBe(false)
    expect(sub?.componentIds).toEqual([api.id])

    const { html } = await get(t, manage)
    expect(html).toMatch(new RegExp(`value="${api.id}" checked=""`))
    expect(html).not.toMatch(new RegExp(`value="${site.id}" checked=""`))
    expect(html).toMatch(/value="chosen" checked=""/)
  })

  it('goes back to all components', async () => {
    t = createTestApp()
    const api = await seeder(t).component('API')
    const manage = await confirmedEmail(t, 'ada@example.com', {
      scope: 'chosen',
      componentIds: api.id,
    })
    expect((await subscriberFor(t, 'ada@example.com'))?.allComponents).toBe(false)
    await post(t, manage, { scope: 'all', componentIds: api.id })
    const sub = await subscriberFor(t, 'ada@example.com')
    expect(sub?.allComponents).toBe(true)
    expect(sub?.componentIds).toEqual([])
  })

  it('refuses an unknown component with 422 and keeps the saved choice', async () => {
    t = createTestApp()
    await seeder(t).component('API')
    const manage = await confirmedEmail(t, 'ada@example.com')
    const { res, html } = await post(t, manage, { scope: 'chosen', componentIds: 'nope' })
    expect(res.status).toBe(422)
    expect(html).toContain('unknown component nope')
    expect((await subscriberFor(t, 'ada@example.com'))?.allComponents).toBe(true)
  })

  it('offers Subscribe again once unsubscribed, and it reactivates', async () => {
    t = createTestApp()
    const manage = await confirmedEmail(t, 'ada@example.com')
    await post(t, `${manage}/unsubscribe`)
    const page = await get(t, manage)
    expect(page.html).toContain(`<form method="post" action="${manage}/resubscribe"`)
    expect(page.html).not.toContain(`action="${manage}/unsubscribe"`)

    const back = await post(t, `${manage}/resubscribe`)
    expect(back.res.status).toBe(200)
    expect(back.html).toContain('You are subscribed again.')
    expect((await subscriberFor(t, 'ada@example.com'))?.state).toBe('active')
  })

  it('shows an endpoint by its origin and the start of its path only', async () => {
    t = createTestApp()
    await post(t, '/subscribe', {
      channel: 'discord',
      target: 'https://discord.com/api/webhooks/123456/TopSecretTokenValue',
    })
    const sub = (await t.deps.store.listSubscribers({ channel: 'discord' }))[0]!
    const { html } = await get(t, `/subscriptions/${sub.manageToken}`)
    expect(html).toContain('<code>https://discord.com/api/…</code>')
    expect(html).not.toContain('TopSecretTokenValue')
    expect(html).toContain('<dd>Discord</dd>')
  })

  it('answers an unknown token with a 404 page that leads to the form', async () => {
    t = createTestApp()
    const { res, html } = await get(t, '/subscriptions/no-such-token-0123456789')
    expect(res.status).toBe(404)
    expect(html).toContain('href="/subscribe"')
    expect(res.headers.get('Referrer-Policy')).toBe('no-referrer')
  })
})
