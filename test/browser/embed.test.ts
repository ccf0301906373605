import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLI_ACTOR } from '../../src/app/actor.ts'
import { createComponent } from '../../src/app/components.ts'
import { scheduleMaintenance } from '../../src/app/maintenance.ts'
import { openIncident } from '../../src/app/open-incident.ts'
import { launchBrowser, NO_PROBLEMS, type TestBrowser } from '../support/browser.ts'
import { useTestServer } from '../support/server.ts'

// The status widget as another site uses it: a host page on another origin, with its own strict
// CSP, frames /embed in an <iframe> as the README shows. Framing the status page itself must fail.

const XSS = '<img src=x onerror=alert(1)>'

describe('the embeddable status widget in Chromium', () => {
  const herald = useTestServer()
  let chrome: TestBrowser
  let host: http.Server
  let hostUrl = ''

  beforeAll(async () => {
    chrome = await launchBrowser()
    host = http.createServer((req, res) => {
      const src = req.url === '/page' ? `${herald.url}/` : `${herald.url}/embed`
      res.writeHead(200, {
        'Content-Type': 'text/html; charset=utf-8',
        // A careful host: nothing of its own runs, only Herald may be framed.
        'Content-Security-Policy': `default-src 'none'; frame-src ${herald.url}`,
      })
      res.end(
        `<!doctype html><html lang="en"><head><title>Acme docs</title></head><body>` +
          `<h1>Acme docs</h1>` +
          `<iframe src="${src}" title="Acme status" width="360" height="140"></iframe>` +
          `</body></html>`,
      )
    })
    await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve))
    // localhost vs 127.0.0.1: another origin, as another site would be.
    hostUrl = `http://localhost:${(host.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    await chrome?.close()
    await new Promise<void>((resolve) => (host ? host.close(() => resolve()) : resolve()))
  })

  it('shows the status, open incidents and running maintenance inside another site, and opens links in a new tab', async () => {
    const db = await createComponent(herald.deps, CLI_ACTOR, { name: 'Primary database' })
    const { incident } = await openIncident(herald.deps, CLI_ACTOR, {
      name: `Card payments failing ${XSS}`,
      impact: 'major',
      body: 'Investigating.',
    })
    await scheduleMaintenance(herald.deps, CLI_ACTOR, {
      name: 'Database failover drill',
      body: 'Failing over.',
      scheduledFor: Date.now() - 60_000,
      scheduledUntil: Date.now() + 3_600_000,
      componentIds: [db.id],
      notify: false,
    })
    // The scheduler starts it within a quarter of a second.
    const until = Date.now() + 3000
    while (Date.now() < until) {
      const [m] = await herald.deps.store.listMaintenances({ state: 'active' })
      if (m) break
      await new Promise((r) => setTimeout(r, 50))
    }

    const p = await chrome.newPage()
    await p.page.goto(hostUrl)
    const widget = p.page.frameLocator('iframe')
    const status = widget.locator('a.embed-status')
    await status.waitFor({ timeout: 3000 })
    await expect(status.innerText()).resolves.toMatch(/Status\s+Partial System Outage/)
    // It was styled by its own stylesheet: the indicator colour stripe is there.
    const stripe = await status.evaluate((el) => getComputedStyle(el).borderLeftWidth)
    expect(parseFloat(stripe)).toBeGreaterThan(2)
    const items = await widget.locator('.embed-incidents li').allInnerTexts()
    expect(items).toEqual([
      `Card payments failing ${XSS} Investigating`,
      'Database failover drill In progress',
    ])
    // The payload is text, not an element.
    expect(await widget.locator('.embed-incidents img').count()).toBe(0)

    const [opened] = await Promise.all([
      p.context.waitForEvent('page'),
      widget.getByText('Card payments failing').click(),
    ])
    await opened.waitForLoadState('domcontentloaded')
    expect(opened.url()).toBe(`${herald.url}/incidents/${incident.id}`)
    // The host page stayed where it was.
    expect(p.page.url()).toBe(`${hostUrl}/`)
    expect(p.problems()).toEqual(NO_PROBLEMS)
    await p.context.close()
  })

  it('is the only page another site may frame: the status page itself is refused', async () => {
    const p = await chrome.newPage()
    await p.page.goto(`${hostUrl}/page`)
    await p.page.waitForLoadState('load')
    const framed = p.page.frames().find((f) => f !== p.page.mainFrame())!
    expect(framed).toBeDefined()
    // Refused by frame-ancestors 'self': the frame never shows the page.
    await expect(framed.locator('main').count()).resolves.toBe(0)
    expect(p.problems().cspViolations.join('\n')).toMatch(/frame-ancestors 'self'/)
    await p.context.close()
  })
})
