import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLI_ACTOR } from '../../src/app/actor.ts'
import { createComponent } from '../../src/app/components.ts'
import { scheduleMaintenance } from '../../src/app/maintenance.ts'
import { openIncident } from '../../src/app/open-incident.ts'
import { parseConfig } from '../../src/config.ts'
import { createNodeDeps, startNodeServer, type RunningServer } from '../../src/runtime/node.ts'
import { TEST_SCRYPT } from '../support/app.ts'
import { launchBrowser, type TestBrowser } from '../support/browser.ts'

// Issue 5: "the full current state on every reconnect". A viewer's page is open when the server
// goes down; while it is down a responder opens an incident and a maintenance window's start
// passes. When the server is back, the page's stream reconnects and the page catches up on both,
// banner, components and maintenance, without a reload.

describe('a live page after the server restarts', () => {
  let chrome: TestBrowser
  let dir: string
  let server: RunningServer | undefined
  beforeAll(async () => {
    chrome = await launchBrowser()
    dir = mkdtempSync(join(tmpdir(), 'herald-reconnect-'))
  })
  afterAll(async () => {
    await server?.close()
    await chrome?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const configOn = (port: number) =>
    parseConfig({
      LOG_LEVEL: 'silent',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_PATH: join(dir, 'herald.db'),
    })

  it('shows what changed while it was disconnected once the stream is back', async () => {
    server = await startNodeServer(configOn(0), { scrypt: TEST_SCRYPT })
    const url = server.url
    const port = Number(new URL(url).port)
    const api = await createComponent(server.deps, CLI_ACTOR, { name: 'Payments API' })
    const db = await createComponent(server.deps, CLI_ACTOR, { name: 'Primary database' })

    const p = await chrome.newPage()
    await p.page.goto(url)
    const deadline = Date.now() + 5000
    while (server.deps.live!.connections < 1 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20))
    expect(server.deps.live!.connections).toBe(1)
    await p.page.evaluate(() => {
      ;(window as unknown as { stayed: boolean }).stayed = true
    })
    const banner = p.page.locator('#status-banner')
    await expect(banner.innerText()).resolves.toContain('All Systems Operational')

    // Down: the stream breaks. Meanwhile a responder works on the same database (the CLI, say).
    await server.close()
    server = undefined
    const offline = createNodeDeps(configOn(0), { scrypt: TEST_SCRYPT })
    await openIncident(offline.deps, CLI_ACTOR, {
      name: 'Card payments failing',
      impact: 'major',
      body: 'Card payments fail for some customers.',
      components: { [api.id]: 'major_outage' },
    })
    await scheduleMaintenance(offline.deps, CLI_ACTOR, {
      name: 'Database failover drill',
      body: 'Failing over.',
      scheduledFor: Date.now() - 1000,
      scheduledUntil: Date.now() + 3_600_000,
      componentIds: [db.id],
      notify: false,
    })
    offline.database.close()
    // Nothing reached the open page while the server was down.
    await expect(p.page.locator('main').innerText()).resolves.not.toContain('Card payments failing')

    // Back on the same address; the scheduler starts the due window at start-up.
    server = await startNodeServer(configOn(port), { scrypt: TEST_SCRYPT })
    expect(server.url).toBe(url)
    // EventSource retries after 2 s (the stream's `retry:`), then the hello makes the page refetch.
    await p.page.getByText('Card payments failing').first().waitFor({ timeout: 8000 })
    await p.page
      .locator('article.maintenance', { hasText: 'Database failover drill' })
      .locator('.badge', { hasText: 'In progress' })
      .waitFor({ timeout: 2000 })
    await expect(banner.innerText()).resolves.toContain('Partial System Outage')
    const components = await p.page.locator('#component-list').innerText()
    expect(components).toMatch(/Payments API\s+Major Outage/)
    expect(components).toMatch(/Primary database\s+Under Maintenance/)
    expect(await p.page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(
      true,
    )
    // Only the broken stream itself may have complained while the server was away.
    const unexpected = p.problems().consoleErrors.filter((e) => !/\/live|ERR_CONNECTION/.test(e))
    expect(unexpected).toEqual([])
    expect(p.problems().cspViolations).toEqual([])
    await p.context.close()
  })
})
