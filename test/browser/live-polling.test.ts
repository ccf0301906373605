import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLI_ACTOR } from '../../src/app/actor.ts'
import { createComponent } from '../../src/app/components.ts'
import { openIncident } from '../../src/app/open-incident.ts'
import { launchBrowser, NO_PROBLEMS, type TestBrowser } from '../support/browser.ts'
import { useTestServer } from '../support/server.ts'

// The polling fallback of public/js/live.js, as pages run it on Workers (and on a full Node
// server): /live answers 204, so the page polls itself with If-None-Match, which costs a 304
// while nothing changed and swaps the content when something did. The page's timers run on
// Playwright's clock, so fifteen seconds pass in an instant; the requests are real.

describe('live pages without a stream (polling)', () => {
  const server = useTestServer({ env: { LIVE_MAX_CONNECTIONS: '0' } })
  let chrome: TestBrowser
  beforeAll(async () => {
    chrome = await launchBrowser()
  })
  afterAll(async () => {
    await chrome?.close()
  })

  it('polls with If-None-Match, gets 304s while nothing changes, and shows a new incident', async () => {
    await createComponent(server.deps, CLI_ACTOR, { name: 'Search' })
    const p = await chrome.newPage()
    await p.page.clock.install()
    const polls: { inm: string | null; status: number }[] = []
    p.page.on('response', (res) => {
      const req = res.request()
      if (req.resourceType() === 'fetch' && new URL(req.url()).pathname === '/')
        polls.push({ inm: req.headers()['if-none-match'] ?? null, status: res.status() })
    })
    const refused = p.page.waitForResponse((res) => new URL(res.url()).pathname === '/live')
    await p.page.goto(server.url)
    expect((await refused).status()).toBe(204)
    await p.page.evaluate(() => {
      ;(window as unknown as { stayed: boolean }).stayed = true
    })

    const poll = async (count: number) => {
      await p.page.clock.runFor(15_000)
      const until = Date.now() + 3000
      while (polls.length < count && Date.now() < until) await new Promise((r) => setTimeout(r, 20))
      expect(polls).toHaveLength(count)
    }
    // The first poll learns the page's ETag; from then on an unchanged page costs a 304.
    await poll(1)
    expect(polls[0]!.status).toBe(200)
    await poll(2)
    expect(polls[1]).toEqual({ inm: expect.stringMatching(/"/), status: 304 })
    await poll(3)
    expect(polls[2]!.status).toBe(304)

    await openIncident(server.deps, CLI_ACTOR, {
      name: 'Search results are stale',
      impact: 'minor',
      body: 'Indexing is behind.',
    })
    await poll(4)
    expect(polls[3]).toEqual({ inm: polls[1]!.inm, status: 200 })
    await p.page.getByText('Search results are stale').first().waitFor({ timeout: 2000 })
    await expect(p.page.locator('#status-banner').innerText()).resolves.not.toContain(
      'All Systems Operational',
    )
    expect(await p.page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(
      true,
    )
    expect(p.problems()).toEqual(NO_PROBLEMS)
  })
})
