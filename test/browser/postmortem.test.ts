import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLI_ACTOR } from '../../src/app/actor.ts'
import { createComponent } from '../../src/app/components.ts'
import { createUser } from '../../src/app/create-user.ts'
import { openIncident } from '../../src/app/open-incident.ts'
import { postIncidentUpdate } from '../../src/app/post-incident-update.ts'
import { resolveIncident } from '../../src/app/resolve-incident.ts'
import { updateSettings } from '../../src/app/update-settings.ts'
import { DOM } from '../../views/ids.ts'
import {
  launchBrowser,
  NO_PROBLEMS,
  type TestBrowser,
  type WatchedPage,
} from '../support/browser.ts'
import { startTestServer, type TestServer } from '../support/server.ts'

// Issue 6, as a responder would do it in Chromium: draft the postmortem of a resolved incident,
// write the root cause (the live preview follows the typing), add and tick a TODO item, publish;
// then a visitor reads it on the public incident page. No console errors, no CSP violations.

const RESPONDER = { email: 'resp@example.com', password: 'correct horse battery', name: 'Rita' }
const ROOT_CAUSE = 'The failover script pointed at the old primary.'
const TODO = 'Test the failover script monthly'
const NOTE = 'Suspect the database failover.'
const STEP = 30_000
const MINUTE = 60_000

describe('a responder writes and publishes a postmortem', () => {
  let server: TestServer
  let chrome: TestBrowser
  let console_: WatchedPage
  let incidentId = ''

  beforeAll(async () => {
    server = await startTestServer()
    await updateSettings(server.deps, CLI_ACTOR, {
      pageName: 'Acme Status',
      timeZone: 'Europe/Berlin',
    })
    await createUser(server.deps, CLI_ACTOR, { ...RESPONDER, role: 'responder' })
    const api = await createComponent(server.deps, CLI_ACTOR, { name: 'API' })
    const now = server.deps.clock.now()
    const { incident } = await openIncident(server.deps, CLI_ACTOR, {
      name: 'Checkout errors',
      impact: 'major',
      body: 'Checkout requests fail.',
      startedAt: now - 180 * MINUTE,
      components: { [api.id]: 'major_outage' },
      notify: false,
    })
    incidentId = incident.id
    await postIncidentUpdate(server.deps, CLI_ACTOR, incident.id, {
      body: NOTE,
      visibility: 'internal',
      at: now - 150 * MINUTE,
    })
    await resolveIncident(server.deps, CLI_ACTOR, incident.id, {
      body: 'Checkout works again.',
      at: now - 30 * MINUTE,
      notify: false,
    })
    chrome = await launchBrowser()
    console_ = await chrome.newPage()
    console_.page.setDefaultTimeout(10_000)
  }, STEP)
  afterAll(async () => {
    await chrome?.close()
    await server?.close()
  })

  it(
    'drafts, edits the root cause with a live preview, ticks a TODO item and publishes',
    async () => {
      const { page } = console_
      await page.goto(`${server.url}/console/login`)
      await page.getByLabel('Email').fill(RESPONDER.email)
      await page.getByLabel('Password').fill(RESPONDER.password)
      await page.getByRole('button', { name: 'Sign in' }).click()
      await page.waitForURL(`${server.url}/console`)

      await page.goto(`${server.url}/console/incidents/${incidentId}`)
      await page.getByRole('button', { name: 'Draft postmortem' }).click()
      await page.waitForURL((u) => u.pathname === `/console/incidents/${incidentId}/postmortem`)
      await page.getByText('Postmortem drafted from the incident’s record.').waitFor()
      const preview = page.locator(`#${DOM.postmortemPreview}`)
      await preview.getByText(NOTE).waitFor()

      // Typed key by key: the preview follows without a reload, before anything is saved.
      await page.getByLabel('Root cause').pressSequentially(ROOT_CAUSE)
      await preview.getByText(ROOT_CAUSE).waitFor()
      await page.getByRole('button', { name: 'Save sections' }).click()
      await page.getByText('Sections saved.').waitFor()
      await expect(page.getByLabel('Root cause').inputValue()).resolves.toBe(ROOT_CAUSE)

      const todos = page.locator(`#${DOM.postmortemTodos}`)
      await page.getByLabel('New TODO item').fill(TODO)
      await page.getByLabel('Owner').fill('sam')
      await page.getByRole('button', { name: 'Add TODO item' }).click()
      const box = todos.getByRole('checkbox', { name: new RegExp(TODO) })
      await box.waitFor()
      await box.check()
      await todos.locator('li.todo-done').waitFor()
      await expect(
        todos.getByRole('checkbox', { name: new RegExp(TODO) }).isChecked(),
      ).resolves.toBe(true)

      await page.getByRole('button', { name: 'Publish' }).click()
      await page.getByText('Postmortem published.').waitFor()
      expect(console_.problems()).toEqual(NO_PROBLEMS)
    },
    STEP,
  )

  it(
    'shows the published postmortem on the public incident page',
    async () => {
      const visitor = await chrome.newPage()
      const { page } = visitor
      page.setDefaultTimeout(10_000)
      await page.goto(`${server.url}/incidents/${incidentId}`)
      const postmortem = page.locator('section.postmortem')
      await postmortem.getByRole('heading', { name: 'Postmortem' }).waitFor()
      const text = (await postmortem.textContent()) ?? ''
      expect(text).toContain(ROOT_CAUSE)
      expect(text).toContain(NOTE)
      expect(text).toMatch(new RegExp(`Done\\s+${TODO}\\s+\\(sam\\)`))
      // The TODO items are text on the page, not controls.
      expect(await postmortem.getByRole('checkbox').count()).toBe(0)
      expect(visitor.problems()).toEqual(NO_PROBLEMS)
      await visitor.context.close()
    },
    STEP,
  )
})
