import { readFileSync } from 'node:fs'
import { Webhook } from 'standardwebhooks'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startHookReceiver, type Hook } from '../support/hook-receiver.ts'
import { createWorkerClient, type WorkerClient } from '../support/worker-client.ts'
import { startTestWorker, type TestWorker } from '../support/worker.ts'

// Issue 6 on Workers: the real Worker under workerd with local D1 and local Queues. A responder
// drafts the postmortem of a resolved incident in the console, writes the root cause (previewed
// before saving), adds and ticks a TODO item and publishes it with a notice to subscribers; the
// public page, /api/v2 and /api/v1 show it, and a real webhook receiver gets the notice, signed.
// Then a document is read in the console (pasted, then uploaded) and previewed before it is saved.

const BASE_URL = 'https://status.postmortem.test'
const PASSWORD = 'correct horse battery staple'
const STEP_MS = 60_000
const WAIT_MS = 20_000
const MINUTE = 60_000

const ROOT_CAUSE = 'The failover script pointed at the old primary.'
const NOTE = 'Internal: suspect the database failover.'
const TODO = 'Test the failover script monthly'
const FIXTURE = readFileSync(
  new URL('../fixtures/postmortems/midnight-24h.md', import.meta.url),
  'utf8',
)

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined) {
  const deadline = Date.now() + WAIT_MS
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline)
      throw new Error(`gave up after ${WAIT_MS / 1000}s waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

describe('postmortems on Workers (workerd, local D1 and Queues)', () => {
  let hook: Hook
  let worker: TestWorker
  let browser: WorkerClient
  let token = ''
  let incidentId = ''
  let secret = ''

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await worker.fetch(`/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    })
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return { status: res.status, json: (await res.json()) as any }
  }
  const editor = () => `/console/incidents/${incidentId}/postmortem`

  beforeAll(async () => {
    hook = await startHookReceiver([{ status: 204 }])
    worker = await startTestWorker({ vars: { BASE_URL, WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' } })
    browser = createWorkerClient(worker.url)
    await browser.get('/console/setup')
    const done = await browser.post('/console/setup', {
      name: 'Ada Owner',
      email: 'ada@herald.test',
      password: PASSWORD,
      confirm: PASSWORD,
      pageName: 'Acme Status',
      timeZone: 'UTC',
    })
    expect(done.status, done.text.slice(0, 500)).toBe(303)
    await browser.get('/console/tokens')
    const created = await browser.post('/console/tokens', { name: 'tests', scope: 'write' })
    token = /value="(hrld_[^"]+)"/.exec(created.text)?.[1] ?? ''
    expect(token).not.toBe('')

    const component = await api('POST', '/components', { name: 'API' })
    const subscriber = await api('POST', '/subscribers', { channel: 'webhook', target: hook.url })
    expect(subscriber.status).toBe(201)
    secret = subscriber.json.secret
    const now = Date.now()
    const opened = await api('POST', '/incidents', {
      name: 'Checkout errors',
      impact: 'major',
      body: 'Checkout requests fail.',
      started_at: new Date(now - 180 * MINUTE).toISOString(),
      components: { [component.json.id]: 'major_outage' },
      notify: false,
    })
    expect(opened.status).toBe(201)
    incidentId = opened.json.id
    await api('POST', `/incidents/${incidentId}/updates`, {
      body: NOTE,
      visibility: 'internal',
      at: new Date(now - 150 * MINUTE).toISOString(),
    })
    const resolved = await api('POST', `/incidents/${incidentId}/resolve`, {
      body: 'Checkout works again.',
      at: new Date(now - 30 * MINUTE).toISOString(),
      notify: false,
    })
    expect(resolved.status).toBe(200)
  }, 120_000)
  afterAll(async () => {
    await worker?.close()
    await hook?.close()
  })

  it(
    'drafts in the console, previews and saves the root cause, ticks a TODO item and publishes',
    async () => {
      const incident = await browser.get(`/console/incidents/${incidentId}`)
      expect(incident.text).toContain('Draft postmortem')
      const drafted = await browser.post(editor())
      expect(drafted.status, drafted.text.slice(0, 500)).toBe(303)
      const page = await browser.get(`${editor()}?done=drafted`)
      expect(page.status).toBe(200)
      // Drafted from the record: the internal note is in the timeline.
      expect(page.text).toContain(NOTE)

      const preview = await browser.post(
        `${editor()}/preview`,
        { rootCause: ROOT_CAUSE },
        { headers: { 'HX-Request': 'true' } },
      )
      expect(preview.status).toBe(200)
      expect(preview.text).toContain(ROOT_CAUSE)
      expect((await api('GET', `/incidents/${incidentId}/postmortem`)).json.root_cause).toBe('')

      await browser.get(editor())
      const saved = await browser.post(`${editor()}/sections`, { rootCause: ROOT_CAUSE })
      expect(saved.status).toBe(303)
      await browser.get(editor())
      const added = await browser.post(`${editor()}/todos`, { text: TODO, owner: 'sam' })
      expect(added.status).toBe(303)
      const todoId = (await api('GET', `/incidents/${incidentId}/postmortem`)).json.todos[0].id
      await browser.get(editor())
      const ticked = await browser.post(`${editor()}/todos/${todoId}/toggle`, { done: 'on' })
      expect(ticked.status).toBe(303)

      const stored = (await api('GET', `/incidents/${incidentId}/postmortem`)).json
      expect(stored).toMatchObject({
        state: 'draft',
        root_cause: ROOT_CAUSE,
        todos: [{ text: TODO, owner: 'sam', done: true }],
      })
      // Not public while it is a draft.
      expect(await (await worker.fetch(`/incidents/${incidentId}`)).text()).not.toContain(
        ROOT_CAUSE,
      )

      await browser.get(editor())
      const published = await browser.post(`${editor()}/publish`, { notify: 'on' })
      expect(published.status).toBe(303)
      expect(new URL(published.headers.get('location')!, BASE_URL).search).toBe('?done=notified')
    },
    STEP_MS,
  )

  it(
    'shows it on the public incident page, as status postmortem in both APIs, and tells subscribers',
    async () => {
      const html = await (await worker.fetch(`/incidents/${incidentId}`)).text()
      expect(html).toContain('id="postmortem-title"')
      expect(html).toContain(ROOT_CAUSE)
      expect(html).toContain(NOTE)
      expect(html).toContain(`<li class="todo-done"><span class="todo-state">Done</span> ${TODO}`)

      const v2 = (await (await worker.fetch('/api/v2/incidents.json')).json()) as {
        incidents: { id: string; status: string; postmortem_body?: string }[]
      }
      const shown = v2.incidents.find((i) => i.id === incidentId)!
      expect(shown.status).toBe('postmortem')
      expect(shown.postmortem_body).toContain(ROOT_CAUSE)
      expect((await api('GET', `/incidents/${incidentId}`)).json).toMatchObject({
        status: 'postmortem',
        postmortem: { state: 'published' },
      })

      const request = await until('the postmortem notice', () => hook.requests[0])
      const headers: Record<string, string> = {}
      for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature'])
        headers[name] = String(request.headers[name] ?? '')
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const payload = new Webhook(secret).verify(request.body, headers) as any
      expect(payload.incident).toMatchObject({ id: incidentId, name: 'Checkout errors' })
      expect(payload.incident.incident_updates[0].body).toBe(
        `The postmortem is published: ${BASE_URL}/incidents/${incidentId}`,
      )
      // Only the notice: opening and resolving were not broadcast, the internal note never is.
      expect(hook.requests).toHaveLength(1)
      expect(request.body).not.toContain(NOTE)
    },
    STEP_MS,
  )

  it(
    'reads a pasted or uploaded document in the console and saves nothing until asked, once',
    async () => {
      const count = async () => (await api('GET', '/incidents')).json.total as number
      const before = await count()
      await browser.get('/console/postmortems/import')
      const read = await browser.post('/console/postmortems/import/preview', {
        markdown: FIXTURE,
      })
      expect(read.status).toBe(200)
      expect(read.text).toContain('What was read: Nightly billing run stuck')
      expect(read.text).toContain('2024-01-05T23:40:00+01:00')
      expect(read.text).toContain('2024-01-06T01:15:00+01:00')
      expect(read.text).toContain('Timeline: 6 events')

      await browser.get('/console/postmortems/import')
      const body = new FormData()
      body.set('_csrf', browser.csrf ?? '')
      body.set('file', new File([FIXTURE], 'billing.md', { type: 'text/markdown' }))
      const uploaded = await browser.request('/console/postmortems/import/preview', {
        method: 'POST',
        body,
      })
      expect(uploaded.status).toBe(200)
      expect(uploaded.text).toContain('What was read: Nightly billing run stuck')
      expect(await count()).toBe(before)

      const saved = await browser.post('/console/postmortems/import', { markdown: FIXTURE })
      expect(saved.status, saved.text.slice(0, 500)).toBe(303)
      const target = new URL(saved.headers.get('location')!, BASE_URL)
      expect(target.search).toBe('?done=imported')
      const imported = /^\/console\/incidents\/([^/]+)\/postmortem$/.exec(target.pathname)?.[1]
      expect(imported).toBeDefined()
      const incident = (await api('GET', `/incidents/${imported}`)).json
      expect(incident).toMatchObject({
        name: 'Nightly billing run stuck',
        status: 'postmortem',
        started_at: '2024-01-05T22:40:00.000Z',
        resolved_at: '2024-01-06T00:15:00.000Z',
      })
      expect(incident.events).toHaveLength(6)

      await browser.get('/console/postmortems/import')
      const again = await browser.post('/console/postmortems/import', { markdown: FIXTURE })
      expect(again.headers.get('location')).toMatch(/\?done=already$/)
      expect(await count()).toBe(before + 1)
    },
    STEP_MS,
  )
})
