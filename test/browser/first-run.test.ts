import type { Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DOM } from '../../views/ids.ts'
import {
  launchBrowser,
  NO_PROBLEMS,
  type TestBrowser,
  type WatchedPage,
} from '../support/browser.ts'
import { useTestServer } from '../support/server.ts'

// A new user's first incident, driven through the real UI in headless Chromium: set up the owner,
// sign out and in, create components, open an incident, post a public update and an internal note
// with the htmx composer, then read the public page as a visitor (with and without JavaScript).
// Names and bodies carry HTML/script payloads that must show as text and never run.

const XSS_NAME = '<img src=x onerror=alert(1)>'
const SCRIPT_PAYLOAD = '<script>alert(2)</script>'
const IMG_PAYLOAD = '<img src=x onerror=alert(3)>'

const OWNER = { name: 'Ada Owner', email: 'ada@example.com', password: 'correct horse battery' }
const PAGE_NAME = 'Acme Status'
const INCIDENT_NAME = `Checkout errors ${XSS_NAME} for some users`
const FIRST_MESSAGE = `We are investigating failed checkouts. ${SCRIPT_PAYLOAD} and ${IMG_PAYLOAD} too.`
const PUBLIC_UPDATE = 'Public update: we found it'
const INTERNAL_NOTE = 'Internal: suspect the db failover'

const STEP_TIMEOUT = 20_000

/** What an XSS payload leaves behind in the DOM if it was parsed as markup instead of text. */
async function injectedMarkup(page: Page) {
  return page.evaluate(() => ({
    images: document.querySelectorAll('img[src="x"]').length,
    inlineScripts: [...document.querySelectorAll('script:not([src])')].map((s) => s.textContent),
    onerrorAttributes: document.querySelectorAll('[onerror]').length,
  }))
}

const NOTHING_INJECTED = { images: 0, inlineScripts: [], onerrorAttributes: 0 }

const consoleNav = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name, exact: true })

const text = async (locator: Locator) => (await locator.textContent()) ?? ''

describe('a new user sets Herald up and tells customers about an outage', () => {
  const server = useTestServer()
  let chrome: TestBrowser
  let consolePage: WatchedPage
  let incidentPath = ''

  const url = (path: string) => `${server.url}${path}`

  beforeAll(async () => {
    chrome = await launchBrowser()
    consolePage = await chrome.newPage()
    consolePage.page.setDefaultTimeout(10_000)
  })
  afterAll(async () => {
    await chrome?.close()
  })

  it(
    'sends the first visitor of /console to setup, which creates the owner and signs them in',
    async () => {
      const { page } = consolePage
      await page.goto(url('/console'))
      await page.waitForURL(url('/console/setup'))
      await expect(text(page.getByRole('heading', { level: 1 }))).resolves.toBe('Welcome to Herald')

      await page.getByLabel('Name', { exact: true }).fill(OWNER.name)
      await page.getByLabel('Email').fill(OWNER.email)
      await page.getByLabel('Password', { exact: true }).fill(OWNER.password)
      await page.getByLabel('Repeat the password').fill(OWNER.password)
      await page.getByLabel('Page name').fill(PAGE_NAME)
      await page.getByLabel('Time zone').selectOption('UTC')
      await page.getByRole('button', { name: 'Create owner and sign in' }).click()

      await page.waitForURL(url('/console'))
      await expect(text(page.getByRole('heading', { level: 1 }))).resolves.toBe('Incidents')
      await expect(text(page.locator('.console-header'))).resolves.toContain(
        `${OWNER.name} (owner)`,
      )
      expect(consolePage.problems()).toEqual(NO_PROBLEMS)
    },
    STEP_TIMEOUT,
  )

  it(
    'signs out, refuses a wrong password, and signs back in through the login form',
    async () => {
      const { page } = consolePage
      await page.getByRole('button', { name: 'Sign out' }).click()
      await page.waitForURL(url('/console/login'))

      // Signed out for real: the console sends us back to the login page.
      await page.goto(url('/console'))
      await page.waitForURL((u) => u.pathname === '/console/login')

      await page.getByLabel('Email').fill(OWNER.email)
      await page.getByLabel('Password').fill('not the password')
      await page.getByRole('button', { name: 'Sign in' }).click()
      await page.getByRole('alert').waitFor()
      expect(new URL(page.url()).pathname).toBe('/console/login')

      await page.getByLabel('Email').fill(OWNER.email)
      await page.getByLabel('Password').fill(OWNER.password)
      await page.getByRole('button', { name: 'Sign in' }).click()
      await page.waitForURL(url('/console'))
      await expect(text(page.getByRole('heading', { level: 1 }))).resolves.toBe('Incidents')

      // The only failure was the rejected password.
      expect(consolePage.problems()).toEqual({
        ...NO_PROBLEMS,
        httpErrors: [`401 ${url('/console/login')}`],
      })
      consolePage.httpErrors.length = 0
    },
    STEP_TIMEOUT,
  )

  it(
    'creates a group with an "API" component and a component named like an XSS payload',
    async () => {
      const { page } = consolePage
      await consoleNav(page, 'Components').click()
      await page.waitForURL(url('/console/components'))

      const newGroup = page.getByRole('form', { name: 'New group' })
      await newGroup.getByLabel('Name').fill('Core services')
      await newGroup.getByRole('button', { name: 'Create group' }).click()
      await page.getByRole('heading', { name: 'Core services', level: 2 }).waitFor()

      const newComponent = page.getByRole('form', { name: 'New component' })
      await newComponent.getByLabel('Name').fill('API')
      await newComponent.getByLabel('Description').fill('The public REST API')
      await newComponent.getByLabel('Group').selectOption({ label: 'Core services' })
      await newComponent.getByRole('button', { name: 'Create component' }).click()
      await page.getByText('Component “API” created.').waitFor()

      await newComponent.getByLabel('Name').fill(XSS_NAME)
      await newComponent.getByRole('button', { name: 'Create component' }).click()
      await page.getByText(`Component “${XSS_NAME}” created.`).waitFor()

      const group = page.getByRole('region', { name: 'Core services' })
      await expect(text(group.locator('tbody strong'))).resolves.toBe('API')
      const ungrouped = page.getByRole('region', { name: 'Without a group' })
      await expect(text(ungrouped.locator('tbody strong'))).resolves.toBe(XSS_NAME)

      expect(await injectedMarkup(page)).toEqual(NOTHING_INJECTED)
      expect(consolePage.problems()).toEqual(NO_PROBLEMS)
    },
    STEP_TIMEOUT,
  )

  it(
    'opens a major incident with API in major outage and a first message full of markup',
    async () => {
      const { page } = consolePage
      await consoleNav(page, 'Incidents').click()
      await page.waitForURL(url('/console'))
      await page.getByRole('link', { name: 'New incident' }).click()
      await page.waitForURL(url('/console/incidents/new'))

      await page.getByLabel('Name').fill(INCIDENT_NAME)
      await page.getByLabel('Impact').selectOption({ label: 'Major' })
      await page.getByLabel('Status', { exact: true }).selectOption({ label: 'Investigating' })
      const affected = page.getByRole('group', { name: 'Affected components' })
      await affected.getByLabel('API', { exact: true }).selectOption({ label: 'Major Outage' })
      await page.getByLabel('First message').fill(FIRST_MESSAGE)
      await page.getByRole('button', { name: 'Open incident' }).click()

      await page.waitForURL((u) => /^\/console\/incidents\/[^/]+$/.test(u.pathname))
      incidentPath = new URL(page.url()).pathname.replace(/^\/console/, '')

      const header = page.locator(`#${DOM.incidentHeader}`)
      await expect(text(header.getByRole('heading', { level: 1 }))).resolves.toBe(INCIDENT_NAME)
      await expect(text(header.locator('.badges'))).resolves.toMatch(/Investigating\s+Major impact/)
      const components = page.locator(`#${DOM.incidentComponents}`)
      await expect(text(components)).resolves.toMatch(/API\s+Major Outage/)
      const timeline = page.locator(`#${DOM.timeline}`)
      await expect(text(timeline)).resolves.toContain(FIRST_MESSAGE)

      expect(await injectedMarkup(page)).toEqual(NOTHING_INJECTED)
      expect(consolePage.problems()).toEqual(NO_PROBLEMS)

      // A visitor already looks at the page now, so it is rendered and cached before the updates
      // below; the visitor steps then prove those writes invalidated it.
      const early = await fetch(url('/'))
      expect(early.status).toBe(200)
      const earlyHtml = await early.text()
      expect(earlyHtml).toContain('We are investigating failed checkouts.')
      expect(earlyHtml).not.toContain(PUBLIC_UPDATE)
    },
    STEP_TIMEOUT,
  )

  it(
    'posts a public update and an internal note with the composer, without reloading the page',
    async () => {
      const { page } = consolePage
      expect(incidentPath).not.toBe('')
      // Survives only if the page is never reloaded.
      await page.evaluate(() => {
        ;(window as unknown as { __marker?: number }).__marker = 1
      })
      const marker = () =>
        page.evaluate(() => (window as unknown as { __marker?: number }).__marker)

      const header = page.locator(`#${DOM.incidentHeader}`)
      const timeline = page.locator(`#${DOM.timeline}`)
      const composer = () => page.getByRole('form', { name: 'Post an update' })

      await composer().getByLabel('Message').fill(PUBLIC_UPDATE)
      await composer().getByLabel('Status', { exact: true }).selectOption({ label: 'Identified' })
      await composer()
        .getByRole('radio', { name: /^Public update/ })
        .check()
      await composer().getByRole('button', { name: 'Post update' }).click()

      await timeline.getByText(PUBLIC_UPDATE).waitFor()
      await header.locator('.incident-status', { hasText: 'Identified' }).waitFor()
      await expect(text(header.locator('.badges'))).resolves.toMatch(/Identified\s+Major impact/)
      await expect(text(page.locator(`#${DOM.flash}`))).resolves.toContain('Update posted.')
      // The composer came back empty, ready for the next update.
      await expect(composer().getByLabel('Message').inputValue()).resolves.toBe('')
      expect(await marker()).toBe(1)

      await composer().getByLabel('Message').fill(INTERNAL_NOTE)
      await composer()
        .getByRole('radio', { name: /^Internal note/ })
        .check()
      await composer().getByRole('button', { name: 'Post update' }).click()

      const note = timeline.locator('li.event', { hasText: INTERNAL_NOTE })
      await note.waitFor()
      await expect(text(note)).resolves.toContain('Internal note')
      await expect(text(page.locator(`#${DOM.flash}`))).resolves.toContain('Internal note added.')
      expect(await marker()).toBe(1)

      // Newest first: the note, the public update, then the first message.
      const bodies = await timeline.locator('li.event .event-body').allTextContents()
      expect(bodies.map((b) => b.trim())).toEqual([INTERNAL_NOTE, PUBLIC_UPDATE, FIRST_MESSAGE])
      // An internal note changes no status.
      await expect(text(header.locator('.badges'))).resolves.toMatch(/Identified\s+Major impact/)

      expect(await injectedMarkup(page)).toEqual(NOTHING_INJECTED)
      expect(consolePage.problems()).toEqual(NO_PROBLEMS)
    },
    STEP_TIMEOUT,
  )

  /** The assertions every public page must pass once everything above has been posted. */
  async function expectPublicIncident(page: Page, scope: Locator) {
    const content = await text(scope)
    expect(content).toContain(INCIDENT_NAME)
    expect(content).toContain(FIRST_MESSAGE)
    expect(content).toContain(PUBLIC_UPDATE)
    expect(content).toContain('Identified')
    expect(content).not.toContain(INTERNAL_NOTE)
    expect(await text(page.locator('body'))).not.toContain(INTERNAL_NOTE)
    // Exactly the two public entries, newest first.
    const updates = await scope.locator('li.update .markdown').allTextContents()
    expect(updates.map((u) => u.trim())).toEqual([PUBLIC_UPDATE, FIRST_MESSAGE])
  }

  it(
    'shows visitors the incident with its public updates only, payloads as inert text',
    async () => {
      expect(incidentPath).not.toBe('')
      const visitor = await chrome.newPage()
      const { page } = visitor
      page.setDefaultTimeout(10_000)
      expect(await visitor.context.cookies()).toEqual([])

      await page.goto(url('/'))
      await expect(page.title()).resolves.toBe(PAGE_NAME)
      await expect(text(page.locator(`#${DOM.statusBanner}`))).resolves.not.toMatch(
        /All Systems Operational/i,
      )
      const open = page.locator(`#${DOM.openIncidents}`)
      await expectPublicIncident(page, open)

      const components = page.locator(`#${DOM.componentList}`)
      const api = components.locator('.component', {
        has: page.locator('.component-name', { hasText: /^API$/ }),
      })
      await expect(text(api.locator('.component-head .component-status'))).resolves.toBe(
        'Major Outage',
      )
      await expect(text(components.locator('.group-name'))).resolves.toBe('Core services')
      const names = await components.locator('.component-name').allTextContents()
      expect(names).toContain(XSS_NAME)

      expect(await injectedMarkup(page)).toEqual(NOTHING_INJECTED)
      expect(visitor.problems()).toEqual(NO_PROBLEMS)

      // On to the incident's own page, as a visitor would.
      await open.getByRole('link', { name: INCIDENT_NAME }).click()
      await page.waitForURL(url(incidentPath))
      const article = page.locator('article.incident-page')
      await expect(text(article.getByRole('heading', { level: 1 }))).resolves.toBe(INCIDENT_NAME)
      await expectPublicIncident(page, article)
      await expect(text(article.locator('.affected-list'))).resolves.toMatch(/API\s+Major Outage/)

      expect(await injectedMarkup(page)).toEqual(NOTHING_INJECTED)
      expect(visitor.problems()).toEqual(NO_PROBLEMS)
      await visitor.context.close()
    },
    STEP_TIMEOUT,
  )

  it(
    'serves the public page and incident page complete to a browser without JavaScript',
    async () => {
      expect(incidentPath).not.toBe('')
      const context = await chrome.browser.newContext({ javaScriptEnabled: false })
      const dialogs: string[] = []
      try {
        const page = await context.newPage()
        page.setDefaultTimeout(10_000)
        page.on('dialog', (d) => {
          dialogs.push(d.message())
          void d.dismiss().catch(() => {})
        })

        const home = await page.goto(url('/'))
        expect(home?.status()).toBe(200)
        await expectPublicIncident(page, page.locator(`#${DOM.openIncidents}`))

        const incident = await page.goto(url(incidentPath))
        expect(incident?.status()).toBe(200)
        await expectPublicIncident(page, page.locator('article.incident-page'))
        expect(dialogs).toEqual([])
      } finally {
        await context.close()
      }
    },
    STEP_TIMEOUT,
  )

  it('never fired a dialog in the console', () => {
    expect(consolePage.dialogs).toEqual([])
  })
})
