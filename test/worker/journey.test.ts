import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createWorkerClient, type WorkerClient } from '../support/worker-client.ts'
import { startTestWorker, type TestWorker } from '../support/worker.ts'

// A new user's first hour with Herald on Workers: the real Worker under workerd, real local D1
// with drizzle/'s migrations applied, and nothing but HTTP. The owner is created on
// /console/setup, signs out and in, builds components and an incident in the console, then does
// the same through /api/v1 with a token made in the console; the public outputs must then show
// exactly the public updates. One Worker for the whole file (it takes seconds to start); the
// steps run in order and build on each other. Sign-ins are few: pure-JS scrypt under workerd costs
// about half a second each.

// As in production, where the Worker is reached over https: Secure, __Host- cookies.
const BASE_URL = 'https://status.journey.test'
const PASSWORD = 'correct horse battery staple'
// Generous: a loaded 2-core machine, scrypt inside workerd, several renders per step.
const STEP_MS = 30_000

const CONSOLE_OPENING = 'Card payments are failing for some customers.'
const CONSOLE_UPDATE = 'The payment provider confirmed an outage on their side.'
const CONSOLE_NOTE = 'Internal only: escalated to the provider account manager.'
const API_OPENING = 'Search results are slow to load.'
const API_UPDATE = 'A slow index rebuild is the cause; we are throttling it.'
const API_NOTE = 'Internal only: ticket SRCH-1234 tracks the rebuild.'
const LATER_UPDATE = 'Search is fast again; we are watching it.'
const INTERNAL = [CONSOLE_NOTE, API_NOTE]

interface Journey {
  groupId: string
  components: Record<string, string>
  consoleIncident: string
  token: string
  apiComponent: string
  apiIncident: string
}

/** Component ids by name, from the console's components page. */
function componentIds(html: string): Record<string, string> {
  const ids: Record<string, string> = {}
  for (const m of html.matchAll(/<tr id="component-row-([^"]+)"[^>]*>\s*<td>\s*<strong>([^<]+)</g))
    ids[m[2]!] = m[1]!
  return ids
}

/** The 303's target path (Location may be absolute or relative). */
function location(res: { headers: Headers }): string {
  return new URL(res.headers.get('location') ?? '', BASE_URL).pathname
}

function expectNoInternalNotes(text: string) {
  for (const note of INTERNAL) expect(text).not.toContain(note)
  // Nor any part of them that might survive truncation or markup.
  expect(text).not.toContain('Internal only')
}

describe('a new user on Workers, through HTTP only (workerd, local D1)', () => {
  let worker: TestWorker
  let browser: WorkerClient
  const journey: Partial<Journey> = {}
  const need = <K extends keyof Journey>(key: K): Journey[K] => {
    const value = journey[key]
    if (value === undefined) throw new Error(`an earlier step did not set ${key}`)
    return value as Journey[K]
  }

  const api = async (method: string, path: string, body?: unknown, token = need('token')) => {
    const res = await worker.fetch(`/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    })
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return { status: res.status, json: (await res.json()) as any }
  }

  beforeAll(async () => {
    worker = await startTestWorker({ vars: { BASE_URL } })
    browser = createWorkerClient(worker.url)
  }, 90_000)
  afterAll(async () => {
    await worker?.close()
  })

  it(
    'creates the owner on /console/setup, which then closes for everyone else',
    async () => {
      const first = await browser.get('/console')
      expect(first.status).toBe(302)
      expect(location(first)).toBe('/console/setup')

      const form = await browser.get('/console/setup')
      expect(form.status).toBe(200)
      expect(browser.csrf).toBeTruthy()
      const done = await browser.post('/console/setup', {
        name: 'Ada Owner',
        email: 'ada@journey.test',
        password: PASSWORD,
        confirm: PASSWORD,
        pageName: 'Journey Status',
        timeZone: 'UTC',
      })
      expect(done.status, done.text.slice(0, 500)).toBe(303)
      expect(location(done)).toBe('/console')
      const cookie = done.headers.getSetCookie().find((c) => c.startsWith('__Host-herald_session='))
      expect(cookie).toMatch(/;\s*Secure/i)
      expect(cookie).toMatch(/;\s*HttpOnly/i)

      const board = await browser.get('/console')
      expect(board.status).toBe(200)
      expect(board.text).toContain('Ada Owner')

      // The next visitor finds setup closed, and cannot post it either.
      const stranger = createWorkerClient(worker.url)
      const closed = await stranger.get('/console/setup')
      expect(closed.status).toBe(302)
      expect(location(closed)).toBe('/console/login')
      await stranger.get('/console/login')
      const again = await stranger.post('/console/setup', {
        name: 'Mallory',
        email: 'mallory@journey.test',
        password: PASSWORD,
        confirm: PASSWORD,
        pageName: 'Taken over',
        timeZone: 'UTC',
      })
      expect(again.status).toBe(409)
      expect((await stranger.get('/console')).status).toBe(302)
    },
    STEP_MS,
  )

  it(
    'signs out, is refused a wrong password, and signs back in through the login form',
    async () => {
      await browser.get('/console')
      const out = await browser.post('/console/logout')
      expect(out.status).toBe(303)
      expect(location(out)).toBe('/console/login')
      expect(browser.jar.has('__Host-herald_session')).toBe(false)
      const locked = await browser.get('/console')
      expect(locked.status).toBe(302)
      expect(location(locked)).toBe('/console/login')

      await browser.get('/console/login')
      const wrong = await browser.post('/console/login', {
        email: 'ada@journey.test',
        password: 'not the password',
        next: '/console',
      })
      expect(wrong.status).toBe(401)
      expect(browser.jar.has('__Host-herald_session')).toBe(false)

      const signedIn = await browser.post('/console/login', {
        email: 'ada@journey.test',
        password: PASSWORD,
        next: '/console/components',
      })
      expect(signedIn.status).toBe(303)
      expect(location(signedIn)).toBe('/console/components')
      expect(browser.jar.has('__Host-herald_session')).toBe(true)
      expect((await browser.get('/console')).status).toBe(200)
    },
    STEP_MS,
  )

  it(
    'creates a group and components through the console forms',
    async () => {
      await browser.get('/console/components')
      const group = await browser.post('/console/component-groups', {
        name: 'Core services',
        description: 'What customers touch',
      })
      expect(group.status, group.text.slice(0, 500)).toBe(303)
      const withGroup = await browser.get('/console/components')
      const groupId = /<h2 id="group-title-([^"]+)">Core services</.exec(withGroup.text)?.[1]
      expect(groupId).toBeDefined()
      journey.groupId = groupId!

      for (const name of ['Website', 'Payments API']) {
        const res = await browser.post('/console/components', {
          name,
          description: '',
          groupId: groupId!,
          status: 'operational',
          visible: 'on',
        })
        expect(res.status, res.text.slice(0, 500)).toBe(303)
      }
      const page = await browser.get('/console/components')
      const ids = componentIds(page.text)
      expect(Object.keys(ids).sort()).toEqual(['Payments API', 'Website'])
      // Both under the group's heading.
      const section = page.text.slice(page.text.indexOf(`id="group-title-${groupId}"`))
      for (const id of Object.values(ids)) expect(section).toContain(`component-row-${id}`)
      journey.components = ids
    },
    STEP_MS,
  )

  it(
    'opens an incident from the console form and posts an update and a note from the composer',
    async () => {
      const payments = need('components')['Payments API']!
      const form = await browser.get('/console/incidents/new')
      expect(form.status).toBe(200)
      expect(form.text).toContain(`name="components.${payments}"`)
      // A browser sends the prefilled start back unchanged, which means "now".
      const shown = /name="startedAt" value="([^"]+)"/.exec(form.text)?.[1] ?? ''
      const opened = await browser.post('/console/incidents', {
        name: 'Checkout is failing',
        impact: 'major',
        status: 'investigating',
        startedAt: shown,
        startedAtShown: shown,
        kind: '',
        [`components.${payments}`]: 'partial_outage',
        body: CONSOLE_OPENING,
        notify: 'on',
      })
      expect(opened.status, opened.text.slice(0, 500)).toBe(303)
      const id = /^\/console\/incidents\/([^/]+)$/.exec(location(opened))?.[1]
      expect(id).toBeDefined()
      journey.consoleIncident = id!

      await browser.get(`/console/incidents/${id}`)
      const update = await browser.post(`/console/incidents/${id}/updates`, {
        body: CONSOLE_UPDATE,
        status: 'identified',
        visibility: 'public',
        at: '',
        kind: '',
        notify: 'on',
      })
      expect(update.status, update.text.slice(0, 500)).toBe(303)
      expect(location(update)).toBe(`/console/incidents/${id}`)
      const note = await browser.post(`/console/incidents/${id}/updates`, {
        body: CONSOLE_NOTE,
        visibility: 'internal',
        at: '',
        kind: '',
      })
      expect(note.status, note.text.slice(0, 500)).toBe(303)

      // The console's timeline has all three, newest first, the note marked as internal.
      const view = await browser.get(`/console/incidents/${id}`)
      expect(view.status).toBe(200)
      const at = (text: string) => view.text.indexOf(text)
      expect(at(CONSOLE_NOTE)).toBeGreaterThan(0)
      expect(at(CONSOLE_NOTE)).toBeLessThan(at(CONSOLE_UPDATE))
      expect(at(CONSOLE_UPDATE)).toBeLessThan(at(CONSOLE_OPENING))
      expect(view.text).toContain('Internal note')
      expect(view.text).toContain('Identified')
    },
    STEP_MS,
  )

  it(
    'creates an API token in the console and runs an incident through /api/v1 with it',
    async () => {
      await browser.get('/console/tokens')
      const created = await browser.post('/console/tokens', { name: 'deploys', scope: 'write' })
      expect(created.status).toBe(201)
      const token = /value="(hrld_[^"]+)"/.exec(created.text)?.[1]
      expect(token).toBeDefined()
      journey.token = token!

      expect((await api('GET', '/components', undefined, 'hrld_not-a-token')).status).toBe(401)

      // Named by its group's name: the console's group, not a new one.
      const component = await api('POST', '/components', { name: 'Search', group: 'Core services' })
      expect(component.status).toBe(201)
      expect(component.json).toMatchObject({ name: 'Search', group_id: need('groupId') })
      journey.apiComponent = component.json.id

      const incident = await api('POST', '/incidents', {
        name: 'Search is slow',
        impact: 'minor',
        status: 'investigating',
        body: API_OPENING,
        components: { [component.json.id]: 'degraded_performance' },
      })
      expect(incident.status).toBe(201)
      const id: string = incident.json.id
      journey.apiIncident = id

      const update = await api('POST', `/incidents/${id}/updates`, {
        body: API_UPDATE,
        status: 'identified',
      })
      expect(update.status).toBe(201)
      expect(update.json.update).toMatchObject({ visibility: 'public', status: 'identified' })
      const note = await api('POST', `/incidents/${id}/updates`, {
        body: API_NOTE,
        visibility: 'internal',
      })
      expect(note.status).toBe(201)
      expect(note.json.update).toMatchObject({ visibility: 'internal', status: null })

      // The admin API shows the whole timeline, the note included.
      const read = await api('GET', `/incidents/${id}`)
      expect(read.status).toBe(200)
      expect(read.json.status).toBe('identified')
      expect(read.json.events.map((e: { body: string }) => e.body)).toEqual([
        API_NOTE,
        API_UPDATE,
        API_OPENING,
      ])
      const components = await api('GET', '/components')
      expect(
        components.json.components.map((c: { name: string; status: string }) => [c.name, c.status]),
      ).toEqual([
        ['Website', 'operational'],
        ['Payments API', 'partial_outage'],
        ['Search', 'degraded_performance'],
      ])
    },
    STEP_MS,
  )

  it(
    'shows exactly the public updates on the page, the incident pages, summary.json and the feeds',
    async () => {
      const consoleId = need('consoleIncident')
      const apiId = need('apiIncident')

      const page = await worker.fetch('/')
      expect(page.status).toBe(200)
      const html = await page.text()
      for (const text of [
        'Journey Status',
        'Core services',
        'Website',
        'Payments API',
        'Search',
        'Checkout is failing',
        'Search is slow',
        CONSOLE_OPENING,
        CONSOLE_UPDATE,
        API_OPENING,
        API_UPDATE,
      ])
        expect(html).toContain(text)
      expectNoInternalNotes(html)

      for (const [id, updates] of [
        [consoleId, [CONSOLE_UPDATE, CONSOLE_OPENING]],
        [apiId, [API_UPDATE, API_OPENING]],
      ] as const) {
        const res = await worker.fetch(`/incidents/${id}`)
        expect(res.status).toBe(200)
        const text = await res.text()
        // Newest first.
        expect(text.indexOf(updates[0])).toBeGreaterThan(0)
        expect(text.indexOf(updates[0])).toBeLessThan(text.indexOf(updates[1]))
        expectNoInternalNotes(text)
      }

      const summaryRes = await worker.fetch('/api/v2/summary.json')
      expect(summaryRes.status).toBe(200)
      const summaryText = await summaryRes.text()
      expectNoInternalNotes(summaryText)
      const summary = JSON.parse(summaryText) as {
        page: { name: string; url: string }
        status: { indicator: string }
        components: { name: string; status: string; group: boolean }[]
        incidents: { id: string; name: string; incident_updates: { body: string }[] }[]
      }
      expect(summary.page).toMatchObject({ name: 'Journey Status', url: BASE_URL })
      expect(summary.status.indicator).toBe('major')
      const bodies = Object.fromEntries(
        summary.incidents.map((i) => [i.id, i.incident_updates.map((u) => u.body)]),
      )
      expect(bodies).toEqual({
        [consoleId]: [CONSOLE_UPDATE, CONSOLE_OPENING],
        [apiId]: [API_UPDATE, API_OPENING],
      })
      expect(summary.components.filter((c) => !c.group).map((c) => [c.name, c.status])).toEqual([
        ['Website', 'operational'],
        ['Payments API', 'partial_outage'],
        ['Search', 'degraded_performance'],
      ])

      // The page feed summarises each incident by its latest public update (the note is newer).
      const feed = await worker.fetch('/feed.atom')
      expect(feed.status).toBe(200)
      expect(feed.headers.get('content-type')).toMatch(/atom\+xml/)
      const atom = await feed.text()
      expect(atom).toContain(`<link href="${BASE_URL}/incidents/${consoleId}"`)
      expect(atom).toContain(CONSOLE_UPDATE)
      expect(atom).toContain(API_UPDATE)
      expectNoInternalNotes(atom)
      // An incident's own feed has an entry per public update.
      const incidentFeed = await worker.fetch(`/incidents/${apiId}/feed.atom`)
      expect(incidentFeed.status).toBe(200)
      const entries = (await incidentFeed.text()).split('<entry>').slice(1)
      expect(entries).toHaveLength(2)
      expect(entries.join('')).toContain(API_OPENING)
      expect(entries.join('')).toContain(API_UPDATE)
      expectNoInternalNotes(entries.join(''))
    },
    STEP_MS,
  )

  it(
    'answers If-None-Match with 304 until another update changes the ETag',
    async () => {
      const first = await worker.fetch('/')
      expect(first.status).toBe(200)
      await first.arrayBuffer()
      const etag = first.headers.get('etag')
      expect(etag).toMatch(/^(W\/)?"[^"]+"$/)
      expect(first.headers.get('cache-control')).toContain('max-age=')

      const revalidated = await worker.fetch('/', { headers: { 'If-None-Match': etag! } })
      expect(revalidated.status).toBe(304)
      expect(await revalidated.text()).toBe('')
      const incidentPage = await worker.fetch(`/incidents/${need('apiIncident')}`)
      const incidentTag = incidentPage.headers.get('etag')!
      await incidentPage.arrayBuffer()
      expect(
        (
          await worker.fetch(`/incidents/${need('apiIncident')}`, {
            headers: { 'If-None-Match': incidentTag },
          })
        ).status,
      ).toBe(304)

      const posted = await api('POST', `/incidents/${need('apiIncident')}/updates`, {
        body: LATER_UPDATE,
        status: 'monitoring',
      })
      expect(posted.status).toBe(201)

      // The page version is checked at most once a second: a poller sees the change within ~1 s.
      const started = Date.now()
      let changed: Response | undefined
      while (!changed && Date.now() - started < 5_000) {
        const res = await worker.fetch('/', { headers: { 'If-None-Match': etag! } })
        if (res.status === 200) changed = res
        else {
          expect(res.status).toBe(304)
          await res.arrayBuffer()
          await new Promise((r) => setTimeout(r, 100))
        }
      }
      expect(changed, 'the page still answered 304 five seconds after an update').toBeDefined()
      expect(Date.now() - started).toBeLessThan(2_500)
      expect(changed!.headers.get('etag')).not.toBe(etag)
      const html = await changed!.text()
      expect(html).toContain(LATER_UPDATE)
      expectNoInternalNotes(html)

      const incidentAfter = await worker.fetch(`/incidents/${need('apiIncident')}`, {
        headers: { 'If-None-Match': incidentTag },
      })
      expect(incidentAfter.status).toBe(200)
      expect(await incidentAfter.text()).toContain(LATER_UPDATE)
    },
    STEP_MS,
  )

  it(
    'answers GET /live with 204, so open pages poll instead of streaming',
    async () => {
      const live = await worker.fetch('/live', { headers: { Accept: 'text/event-stream' } })
      expect(live.status).toBe(204)
      expect(await live.text()).toBe('')
      // The page loads the script that polls.
      const page = await worker.fetch('/')
      expect(await page.text()).toMatch(/<script[^>]+src="\/js\/live\.js/)
    },
    STEP_MS,
  )

  it(
    'imports a Markdown postmortem through the API on D1, and exports it again',
    async () => {
      const markdown = readFileSync(
        fileURLToPath(new URL('../fixtures/postmortems/google-sre.md', import.meta.url)),
        'utf8',
      )
      const imported = await api('POST', '/postmortems/import', { markdown })
      expect(imported.status).toBe(201)
      const incidentId = imported.json.incident_id as string
      // The same document again is the same incident, not a second one.
      const again = await api('POST', '/postmortems/import', { markdown })
      expect(again.status).toBe(200)
      expect(again.json.incident_id).toBe(incidentId)
      const incident = await api('GET', `/incidents/${incidentId}`)
      // Imported postmortems are published history: status `postmortem`.
      expect(incident.json.status).toBe('postmortem')
      expect(incident.json.events.length).toBeGreaterThan(2)
      const md = await worker.fetch(`/api/v1/incidents/${incidentId}/postmortem.md`, {
        headers: { authorization: `Bearer ${need('token')}` },
      })
      expect(md.status).toBe(200)
      expect(md.headers.get('content-type')).toContain('text/markdown')
      expect(await md.text()).toMatch(/## Timeline/)
      // Published history shows on the public incident page.
      const page = await worker.fetch(`/incidents/${incidentId}`)
      expect(await page.text()).toContain('Root cause and resolution')
    },
    STEP_MS,
  )
})
