import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLI_ACTOR } from '../../src/app/actor.ts'
import { createComponent } from '../../src/app/components.ts'
import { openIncident } from '../../src/app/open-incident.ts'
import { postIncidentUpdate } from '../../src/app/post-incident-update.ts'
import { launchBrowser, NO_PROBLEMS, type TestBrowser } from '../support/browser.ts'
import { useTestServer } from '../support/server.ts'

// Issue 5: a viewer keeps the page open, a responder posts, and the viewer's page shows it within a
// second without a reload; the same for the incident page.

describe('live public pages in Chromium', () => {
  const server = useTestServer()
  let chrome: TestBrowser
  beforeAll(async () => {
    chrome = await launchBrowser()
  })
  afterAll(async () => {
    await chrome?.close()
  })

  const waitForViewers = async (n: number) => {
    const until = Date.now() + 5000
    while ((server.deps.live?.connections ?? 0) !== n && Date.now() < until)
      await new Promise((r) => setTimeout(r, 20))
    expect(server.deps.live?.connections).toBe(n)
  }

  it('shows a new incident, its update and the component status on an open page within a second', async () => {
    const api = await createComponent(server.deps, CLI_ACTOR, { name: 'Payments API' })
    const p = await chrome.newPage()
    await p.page.goto(server.url)
    // The stream is open once the page has its hello.
    await waitForViewers(1)
    const marker = await p.page.evaluate(() => {
      ;(window as unknown as { stayed: boolean }).stayed = true
      return true
    })
    expect(marker).toBe(true)
    const banner = p.page.locator('#status-banner')
    await expect(banner.innerText()).resolves.toContain('All Systems Operational')

    const posted = Date.now()
    const { incident } = await openIncident(server.deps, CLI_ACTOR, {
      name: 'Card payments failing',
      impact: 'major',
      body: 'We are investigating failed card payments.',
      components: { [api.id]: 'major_outage' },
    })
    await p.page.getByText('Card payments failing').first().waitFor({ timeout: 1000 })
    expect(Date.now() - posted).toBeLessThan(1000)
    const main = await p.page.locator('main').innerText()
    expect(main).toContain('Major Outage')
    expect(main).toContain('We are investigating failed card payments.')
    // The banner, the component list and the incident's timeline: all three were swapped.
    await expect(banner.innerText()).resolves.not.toContain('All Systems Operational')
    await expect(banner.innerText()).resolves.toMatch(/Outage/)
    await expect(p.page.locator('#component-list').innerText()).resolves.toMatch(
      /Payments API\s+Major Outage/,
    )

    // The incident page updates the same way.
    await p.page.goto(`${server.url}/incidents/${incident.id}`)
    await waitForViewers(1)
    await p.page.evaluate(() => {
      ;(window as unknown as { stayed: boolean }).stayed = true
    })
    const second = Date.now()
    await postIncidentUpdate(server.deps, CLI_ACTOR, incident.id, {
      body: 'A fix is rolling out now.',
      status: 'identified',
    })
    await p.page.getByText('A fix is rolling out now.').waitFor({ timeout: 1000 })
    expect(Date.now() - second).toBeLessThan(1000)
    // No reload happened: the window kept its state.
    expect(await p.page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(
      true,
    )
    expect(p.problems()).toEqual(NO_PROBLEMS)
  })

  it('shows a maintenance starting on time on an open page, without a reload', async () => {
    const { scheduleMaintenance } = await import('../../src/app/maintenance.ts')
    const db = await createComponent(server.deps, CLI_ACTOR, { name: 'Primary database' })
    const startsAt = Date.now() + 1500
    await scheduleMaintenance(server.deps, CLI_ACTOR, {
      name: 'Database failover drill',
      body: 'We will fail over the primary database.',
      scheduledFor: startsAt,
      scheduledUntil: startsAt + 3_600_000,
      componentIds: [db.id],
      notify: false,
    })
    const before = server.deps.live?.connections ?? 0
    const p = await chrome.newPage()
    await p.page.goto(server.url)
    await waitForViewers(before + 1)
    await p.page.evaluate(() => {
      ;(window as unknown as { stayed: boolean }).stayed = true
    })
    const maintenance = p.page.locator('article.maintenance', {
      hasText: 'Database failover drill',
    })
    await expect(maintenance.locator('.badge').textContent()).resolves.toBe('Scheduled')
    await maintenance.locator('.badge', { hasText: 'In progress' }).waitFor({ timeout: 3000 })
    // The scheduler checks four times a second; the page follows within the second.
    expect(Date.now() - startsAt).toBeLessThan(1000)
    await expect(p.page.locator('main').innerText()).resolves.toContain('Under Maintenance')
    expect(await p.page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(
      true,
    )
    expect(p.problems()).toEqual(NO_PROBLEMS)
  })
})
