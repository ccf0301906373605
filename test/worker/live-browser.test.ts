import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, NO_PROBLEMS, type TestBrowser } from '../support/browser.ts'
import { startTestWorker, type TestWorker } from '../support/worker.ts'
import { setUpOwner, type Owner } from './owner.ts'

// The live page on Workers, in Chromium against the Worker under workerd: /live answers 204 there,
// so public/js/live.js polls the page with If-None-Match (a 304 while nothing changed) and swaps
// the new content in when an update is posted, without a reload. The poll runs every 15 s, so this
// waits for the first poll (a full 200), the next (a 304), and then the next after the update.

const POLL_WAIT_MS = 25_000

describe('a live page on Workers in Chromium (polling with ETags)', () => {
  let worker: TestWorker
  let owner: Owner
  let chrome: TestBrowser

  beforeAll(async () => {
    worker = await startTestWorker()
    owner = await setUpOwner(worker)
    chrome = await launchBrowser()
  }, 90_000)
  afterAll(async () => {
    await chrome?.close()
    await worker?.close()
  })

  it('shows an incident posted while the page is open, after a 304 poll, without a reload', async () => {
    const component = await owner.api('POST', '/components', { name: 'Payments API' })
    expect(component.status).toBe(201)
    const p = await chrome.newPage()
    const polls: { status: number; ifNoneMatch: string | null }[] = []
    p.page.on('response', (res) => {
      if (new URL(res.url()).pathname !== '/' || res.request().resourceType() !== 'fetch') return
      polls.push({
        status: res.status(),
        ifNoneMatch: res.request().headers()['if-none-match'] ?? null,
      })
    })
    await p.page.goto(`${worker.url}/`)
    await p.page.evaluate(() => {
      ;(window as unknown as { stayed: boolean }).stayed = true
    })
    await expect(p.page.locator('#status-banner').innerText()).resolves.toContain(
      'All Systems Operational',
    )

    // The script cannot see the ETag the page came with, so its first poll fetches the page in
    // full; from then on nothing has changed and each poll is revalidated and told 304.
    await p.page.waitForResponse(
      (res) => new URL(res.url()).pathname === '/' && res.status() === 304,
      { timeout: 2 * POLL_WAIT_MS },
    )
    expect(polls.map((x) => x.status)).toEqual([200, 304])
    expect(polls[1]!.ifNoneMatch).toMatch(/^(W\/)?"[^"]+"$/)

    const opened = await owner.api('POST', '/incidents', {
      name: 'Card payments failing',
      impact: 'major',
      body: 'We are investigating failed card payments.',
      components: { [component.json.id]: 'major_outage' },
    })
    expect(opened.status).toBe(201)
    await p.page.getByText('Card payments failing').first().waitFor({ timeout: POLL_WAIT_MS })
    const main = await p.page.locator('main').innerText()
    expect(main).toContain('We are investigating failed card payments.')
    await expect(p.page.locator('#status-banner').innerText()).resolves.not.toContain(
      'All Systems Operational',
    )
    await expect(p.page.locator('#component-list').innerText()).resolves.toMatch(
      /Payments API\s+Major Outage/,
    )
    expect(polls.at(-1)?.status).toBe(200)
    // The same window: swapped in place, not reloaded.
    expect(await p.page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(
      true,
    )
    // 304s are not errors; nothing else went wrong either.
    expect(p.problems()).toEqual(NO_PROBLEMS)
  }, 120_000)
})
