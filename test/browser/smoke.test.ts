import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, NO_PROBLEMS, type TestBrowser } from '../support/browser.ts'
import { useTestServer } from '../support/server.ts'

// Proves the browser harness itself: a real server on a loopback port, Debian Chromium, and the
// problem recorders that the end-to-end and XSS tests rely on.

describe('headless Chromium against a real Herald server', () => {
  const server = useTestServer()
  let chrome: TestBrowser

  beforeAll(async () => {
    chrome = await launchBrowser()
  })
  afterAll(async () => {
    await chrome?.close()
  })

  it('loads the vendored htmx build without console errors or CSP violations', async () => {
    const p = await chrome.newPage()
    const res = await p.page.goto(`${server.url}/vendor/htmx-2.0.11.min.js`)
    expect(res?.status()).toBe(200)
    expect(res?.headers()['content-type']).toMatch(/javascript/)
    expect(await res?.text()).toContain('htmx')
    expect(p.problems()).toEqual(NO_PROBLEMS)
  })

  it('shows the not-found page with status 404 and nothing else going wrong', async () => {
    const p = await chrome.newPage()
    const url = `${server.url}/no-such-page`
    const res = await p.page.goto(url)
    expect(res?.status()).toBe(404)
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self'")
    expect(await p.page.locator('h1').first().textContent()).toBeTruthy()
    // Only the document itself failed; its stylesheets and scripts loaded and ran cleanly.
    expect(p.problems()).toEqual({ ...NO_PROBLEMS, httpErrors: [`404 ${url}`] })
  })

  it('records a CSP violation, a console error and a dialog when a page misbehaves', async () => {
    const p = await chrome.newPage()
    await p.page.goto(`${server.url}/no-such-page`)
    // An inline script injected into a Herald page must be refused by the CSP...
    await p.page.evaluate(() => {
      const s = document.createElement('script')
      s.textContent = 'alert("inline")'
      document.body.append(s)
    })
    // ...while script run through the DevTools protocol is not subject to it.
    await p.page.evaluate(() => {
      console.error('something broke')
      alert('hello')
    })
    await expect.poll(() => p.cspViolations.length).toBeGreaterThan(0)
    expect(p.consoleErrors).toEqual(['something broke'])
    expect(p.dialogs).toEqual(['alert: hello'])
  })
})
