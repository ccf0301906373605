import { afterEach, describe, expect, it } from 'vitest'
import { subscribe } from '../../src/app/subscriptions.ts'
import { CSP } from '../../src/http/middleware/security.ts'
import { createTestApp, type TestApp } from '../support/app.ts'
import { signedIn } from './console-auth-support.ts'

// The console's development mailbox: with no SMTP_URL, subscriber mail is captured and read here.

let t: TestApp
afterEach(() => t?.close())

const mailLinks = (html: string) =>
  [...html.matchAll(/<a href="\/console\/mailbox\/([^"]+)">([^<]*)<\/a>/g)].map((m) => ({
    id: m[1]!,
    subject: m[2]!,
  }))

/** Subscribes through the use case and waits for the confirmation mail it sends. */
async function subscribed(target: string) {
  const { sending } = await subscribe(t.deps, { channel: 'email', target }, 'client-1')
  await sending
}

describe('the dev mailbox', () => {
  it('lists captured mail newest first under a banner saying nothing is sent', async () => {
    t = createTestApp()
    await subscribed('first@example.com')
    t.clock.advance(60_000)
    await subscribed('second@example.com')
    const { client } = await signedIn(t, 'responder')

    const res = await client.get('/console/mailbox')
    expect(res.status).toBe(200)
    expect(res.text).toContain('No SMTP server configured: mail is captured here')
    const tos = [...res.text.matchAll(/<td>([a-z]+@example\.com)<\/td>/g)].map((m) => m[1])
    expect(tos).toEqual(['second@example.com', 'first@example.com'])
    expect(mailLinks(res.text)).toHaveLength(2)
  })

  it('shows one mail: headers, text, and the HTML in an empty sandbox, its source escaped', async () => {
    t = createTestApp()
    await subscribed('reader@example.com')
    const [mail] = await t.deps.store.listCapturedMail(1)
    expect(mail).toBeDefined()
    const { client } = await signedIn(t, 'owner')

    const res = await client.get(`/console/mailbox/${mail!.id}`)
    expect(res.status).toBe(200)
    const iframe = /<iframe[^>]*>/.exec(res.text)?.[0] ?? ''
    // No allow-* tokens: no scripts, no forms, no same-origin access for the mail's HTML.
    expect(iframe).toContain('sandbox=""')
    expect(iframe).toMatch(/srcdoc="&lt;!doctype html&gt;/i)
    expect(iframe).not.toMatch(/srcdoc="[^"]*<[a-z]/i)
    // The frame inherits the page's CSP: scripts stay off even if the sandbox were lifted.
    expect(res.headers.get('Content-Security-Policy')).toBe(CSP)
    expect(CSP).toContain("script-src 'self'")
    expect(res.text).toContain('<summary>HTML source</summary>')
    expect(res.text).toContain('<dd>reader@example.com</dd>')
    expect(res.text).toContain(mail!.subject)
    const text = /<pre class="mail-text">([\s\S]*?)<\/pre>/.exec(res.text)?.[1] ?? ''
    expect(text).toContain('/subscriptions/confirm/')
    // Received at TEST_NOW, 2026-11-22 12:00 UTC (the page's zone).
    expect(res.text).toMatch(/<time datetime="2026-11-22T12:00:00(Z|\+00:00)">/)
  })

  it('says mail goes out through SMTP when a server is configured', async () => {
    t = createTestApp({ env: { SMTP_URL: 'smtp://127.0.0.1:2' } })
    const { client } = await signedIn(t, 'owner')
    const res = await client.get('/console/mailbox')
    expect(res.status).toBe(200)
    expect(res.text).toContain('Mail goes out through the configured SMTP server')
    expect(res.text).not.toContain('No SMTP server configured')
    await t.deps.mailer.close?.()
  })

  it('is for owners and responders only, and answers 404 for unknown mail', async () => {
    t = createTestApp()
    await subscribed('secret-link@example.com')
    const [mail] = await t.deps.store.listCapturedMail(1)
    const viewer = await signedIn(t, 'viewer')
    expect((await viewer.client.get('/console/mailbox')).status).toBe(403)
    expect((await viewer.client.get(`/console/mailbox/${mail!.id}`)).status).toBe(403)
    // Nor is it in a viewer's navigation.
    expect((await viewer.client.get('/console/subscribers')).text).not.toContain(
      'href="/console/mailbox"',
    )

    const owner = await signedIn(t, 'owner')
    expect((await owner.client.get('/console/subscribers')).text).toContain(
      'href="/console/mailbox"',
    )
    expect((await owner.client.get('/console/mailbox/missing')).status).toBe(404)
  })
})
