import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLI_ACTOR } from '../../src/app/actor.ts'
import { createUser } from '../../src/app/create-user.ts'
import { openIncident } from '../../src/app/open-incident.ts'
import { updateSettings } from '../../src/app/update-settings.ts'
import { launchBrowser, NO_PROBLEMS, type TestBrowser } from '../support/browser.ts'
import { startMailSink, type MailSink } from '../support/mail-sink.ts'
import { startTestServer, type TestServer } from '../support/server.ts'

// Issue 4, as people would do it: a stakeholder subscribes by e-mail on the public page and
// confirms from the mail they received; a responder posts an update in the console; the mail
// arrives through a real SMTP server and the console's delivery progress reaches 100 %.

const RESPONDER = { email: 'resp@example.com', password: 'correct horse battery', name: 'Rita' }
const SUBSCRIBER = 'stakeholder@example.com'
const UPDATE = 'We have rolled back the faulty deploy.'

describe('subscribe, confirm, broadcast: end to end in Chromium', () => {
  let sink: MailSink
  let server: TestServer
  let chrome: TestBrowser
  let incidentId = ''

  beforeAll(async () => {
    sink = await startMailSink()
    server = await startTestServer({ env: { SMTP_URL: sink.url } })
    await updateSettings(server.deps, CLI_ACTOR, {
      pageName: 'Acme Status',
      pageUrl: server.url,
      timeZone: 'UTC',
      mailFrom: 'Acme Status <status@acme.test>',
    })
    await createUser(server.deps, CLI_ACTOR, { ...RESPONDER, role: 'responder' })
    const { incident } = await openIncident(server.deps, CLI_ACTOR, {
      name: 'Checkout errors',
      impact: 'major',
      body: 'Investigating.',
      notify: false,
    })
    incidentId = incident.id
    chrome = await launchBrowser()
  })
  afterAll(async () => {
    await chrome?.close()
    await server?.close()
    await sink?.close()
  })

  it('subscribes on the page and confirms from the mail', async () => {
    const p = await chrome.newPage()
    const { page } = p
    await page.goto(server.url)
    await page.getByRole('link', { name: 'Subscribe to updates' }).click()
    await page.waitForURL(`${server.url}/subscribe`)
    await page.getByRole('radio', { name: 'E-mail' }).check()
    await page.getByLabel('E-mail address or webhook URL').fill(SUBSCRIBER)
    await page.getByRole('button', { name: 'Subscribe' }).click()
    await page
      .getByText(/check your inbox/i)
      .first()
      .waitFor()

    const [confirmation] = await sink.waitFor(1)
    expect(confirmation!.to).toEqual([SUBSCRIBER])
    const link = /https?:\/\/\S+\/subscriptions\/confirm\/[\w-]+/.exec(confirmation!.text)?.[0]
    expect(link).toBeTruthy()
    // Opening the link alone confirms nothing (mail scanners open links too).
    await page.goto(link!)
    expect((await server.deps.store.getSubscriberByTarget('email', SUBSCRIBER))!.state).toBe(
      'pending',
    )
    await page.getByRole('button', { name: 'Confirm subscription' }).click()
    await page
      .getByText(/subscribed/i)
      .first()
      .waitFor()
    expect((await server.deps.store.getSubscriberByTarget('email', SUBSCRIBER))!.state).toBe(
      'active',
    )
    expect(p.problems()).toEqual(NO_PROBLEMS)
  }, 30_000)

  it('delivers a console update by mail and shows the delivery progress reach 100 %', async () => {
    const p = await chrome.newPage()
    const { page } = p
    await page.goto(`${server.url}/console/login`)
    await page.getByLabel('Email').fill(RESPONDER.email)
    await page.getByLabel('Password').fill(RESPONDER.password)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.waitForURL(`${server.url}/console`)
    await page.goto(`${server.url}/console/incidents/${incidentId}`)

    const composer = page.getByRole('form', { name: 'Post an update' })
    await composer.getByLabel('Message').fill(UPDATE)
    await composer.getByLabel('Status', { exact: true }).selectOption({ label: 'Monitoring' })
    await composer.getByRole('radio', { name: /^Public update/ }).check()
    // Before posting, the responder sees who will hear about it: the one confirmed subscriber.
    await composer.getByText('1 subscriber will be notified.').waitFor()
    await composer.getByRole('button', { name: 'Post update' }).click()

    const mails = await sink.waitFor(2, 10_000)
    const update = mails.find((m) => m.text.includes(UPDATE))
    expect(update?.to).toEqual([SUBSCRIBER])
    const manage = (await server.deps.store.getSubscriberByTarget('email', SUBSCRIBER))!
    expect(update!.headers['list-unsubscribe']).toBe(
      `<${server.url}/subscriptions/${manage.manageToken}/unsubscribe>`,
    )
    // This page is served over plain http; RFC 8058 one-click is offered for https links only.
    expect(update!.headers['list-unsubscribe-post']).toBeUndefined()

    // The progress bar polls until everything is delivered, then stops.
    await page
      .locator('.delivery-progress[data-delivered-percent="100"]')
      .first()
      .waitFor({ timeout: 10_000 })
    expect(p.problems()).toEqual(NO_PROBLEMS)
  }, 30_000)
})
