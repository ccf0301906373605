import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLI_ACTOR } from '../../src/app/actor.ts'
import { createComponent } from '../../src/app/components.ts'
import { openIncident } from '../../src/app/open-incident.ts'
import { createFixedClock } from '../../src/adapters/system.ts'
import { TEST_NOW } from '../support/app.ts'
import { launchBrowser, NO_PROBLEMS, type TestBrowser } from '../support/browser.ts'
import { useTestServer } from '../support/server.ts'

// The day bars' hover tooltip is CSS only (no JS): a bar with its own aria-label shows that
// label; quiet days and days without data are named by reference (aria-labelledby) and show
// their shared text. Checked in Chromium, on the pseudo-element the tooltip is drawn with.

const DAY = 86_400_000
const clock = createFixedClock(TEST_NOW - 3 * DAY)

describe('uptime bar tooltips in Chromium', () => {
  const server = useTestServer({ overrides: { clock } })
  let chrome: TestBrowser

  beforeAll(async () => {
    chrome = await launchBrowser()
    const api = await createComponent(server.deps, CLI_ACTOR, { name: 'API' })
    clock.set(TEST_NOW)
    await openIncident(server.deps, CLI_ACTOR, {
      name: 'Login errors',
      impact: 'major',
      status: 'investigating',
      body: 'Looking into it.',
      components: { [api.id]: 'major_outage' },
    })
  })
  afterAll(async () => {
    await chrome?.close()
  })

  it('shows the label of an incident day, and the shared text of quiet and empty days', async () => {
    const p = await chrome.newPage()
    await p.page.setViewportSize({ width: 1280, height: 900 })
    await p.page.goto(`${server.url}/`)
    const bars = p.page.locator('.bars[aria-label^="API:"] .bar')
    expect(await bars.count()).toBe(90)
    /** The tooltip text while the pointer is on the bar `back` days before today. */
    const tooltip = async (back: number) => {
      const bar = bars.nth(89 - back)
      await bar.hover()
      return bar.evaluate((el) => getComputedStyle(el, '::after').content)
    }
    const today = await tooltip(0)
    expect(today).toMatch(/^"Nov 22, 2026: [\d.]+% uptime, 1 incident: Login errors"$/)
    expect(await tooltip(1)).toBe('"100% uptime, no incidents"')
    expect(await tooltip(10)).toBe('"No data"')
    // Away from the bars, no tooltip is drawn at all.
    await p.page.mouse.move(5, 5)
    expect(await bars.nth(88).evaluate((el) => getComputedStyle(el, '::after').content)).toBe(
      'none',
    )
    expect(p.problems()).toEqual(NO_PROBLEMS)
  })
})
