import { Webhook } from 'standardwebhooks'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startHookReceiver, type Hook } from '../support/hook-receiver.ts'
import { createWorkerClient, type WorkerClient } from '../support/worker-client.ts'
import { startTestWorker, type TestWorker } from '../support/worker.ts'
import { locationOf, OWNER_PASSWORD, setUpOwner, until, type Owner } from './owner.ts'

// Issue 6 on Workers, under workerd with local D1: a responder drafts the postmortem of a resolved
// incident in the console, edits the root cause, adds and ticks a TODO item, publishes it with a
// notification (which reaches a webhook subscriber through the JOBS queue), and the public incident
// page and the Statuspage API show it; a Markdown document is previewed and imported through the
// console. Roles and CSRF are enforced on these forms as on Node.

const BASE_URL = 'https://status.postmortems.test'
const NOTE = 'Suspect the failover script.'
const ROOT_CAUSE = 'A failover script pointed at the wrong replica.'
const TEST_MS = 60_000

const DOC = `# Postmortem: Search indexing lag

- **Duration:** March 4, 2024, 09:15 - 10:45 (UTC)
- **Impact:** Minor — search results were up to an hour old.

## Timeline

- 09:15 Detection: lag alert fires
- 09:40 Restarted the indexer
- 10:45 Resolved, index caught up

## Action Items

- [ ] Alert earlier (@bo)
`

describe('postmortems on Workers (console editor, publish, import)', () => {
  let worker: TestWorker
  let hook: Hook
  let owner: Owner
  let incidentId = ''
  const editor = () => `/console/incidents/${incidentId}/postmortem`

  beforeAll(async () => {
    hook = await startHookReceiver([{ status: 204 }])
    worker = await startTestWorker({ vars: { BASE_URL, WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' } })
    owner = await setUpOwner(worker, { pageName: 'Postmortem Status' })
  }, 90_000)
  afterAll(async () => {
    await worker?.close()
    await hook?.close()
  })

  it(
    'drafts the postmortem of a resolved incident from its record, internal notes included',
    async () => {
      const { api, browser } = owner
      const component = await api('POST', '/components', { name: 'Checkout' })
      const opened = await api('POST', '/incidents', {
        name: 'Checkout failures',
        impact: 'major',
        body: 'Checkout requests fail.',
        components: { [component.json.id]: 'major_outage' },
      })
      expect(opened.status).toBe(201)
      incidentId = opened.json.id
      expect(
        (
          await api('POST', `/incidents/${incidentId}/updates`, {
            body: NOTE,
            visibility: 'internal',
          })
        ).status,
      ).toBe(201)

      // No draft while it is open.
      const open = await browser.get(`/console/incidents/${incidentId}`)
      expect(open.text).not.toContain('Draft postmortem')
      expect((await browser.post(editor())).status).toBe(409)

      expect(
        (await api('POST', `/incidents/${incidentId}/resolve`, { body: 'Checkout works.' })).status,
      ).toBe(200)
      const resolved = await browser.get(`/console/incidents/${incidentId}`)
      expect(resolved.text).toContain('Draft postmortem')
      const drafted = await browser.post(editor())
      expect(drafted.status, drafted.text.slice(0, 300)).toBe(303)
      expect(drafted.headers.get('location')).toBe(`${editor()}?done=drafted`)
      const page = await browser.get(`${editor()}?done=drafted`)
      expect(page.status).toBe(200)
      expect(page.text).toContain('Checkout requests fail.')
      expect(page.text).toContain(NOTE)
      expect(page.text).toMatch(/class="postmortem-internal">internal</)
      expect(page.text).toContain('name="rootCause"')
      expect((await api('GET', `/incidents/${incidentId}/postmortem`)).json.state).toBe('draft')
    },
    TEST_MS,
  )

  it(
    'saves an edited root cause, previews without saving, and adds and ticks a TODO item',
    async () => {
      const { api, browser } = owner
      const saved = await browser.post(`${editor()}/sections`, {
        summary: 'Checkout failed for 20 minutes.',
        impactText: 'Payments were down.',
        usersAffectedPercent: '40',
        rootCause: ROOT_CAUSE,
        resolution: 'Failed back by hand.',
        measures: '- Test the script',
        lessons: '',
      })
      expect(saved.status, saved.text.slice(0, 300)).toBe(303)
      const preview = await browser.post(`${editor()}/preview`, { rootCause: 'Typed, not saved' })
      expect(preview.status).toBe(200)
      expect(preview.text).toContain('Typed, not saved')

      await browser.get(editor())
      const added = await browser.post(`${editor()}/todos`, {
        text: 'Test the failover script',
        owner: 'alice',
      })
      expect([200, 303]).toContain(added.status)
      const page = await browser.get(editor())
      const todoId = new RegExp(`${editor()}/todos/([^/"]+)/toggle`).exec(page.text)?.[1]
      expect(todoId).toBeDefined()
      const ticked = await browser.post(`${editor()}/todos/${todoId}/toggle`, { done: 'on' })
      expect([200, 303]).toContain(ticked.status)

      const stored = (await api('GET', `/incidents/${incidentId}/postmortem`)).json
      expect(stored).toMatchObject({ root_cause: ROOT_CAUSE, state: 'draft' })
      expect(stored.todos).toEqual([
        { id: todoId, text: 'Test the failover script', owner: 'alice', done: true },
      ])
    },
    TEST_MS,
  )

  it(
    'refuses the forms to a viewer and to a post without the CSRF token',
    async () => {
      const { browser, api } = owner
      await browser.get('/console/users')
      const created = await browser.post('/console/users', {
        name: 'Vic Viewer',
        email: 'vic@postmortems.test',
        role: 'viewer',
        password: OWNER_PASSWORD,
      })
      expect(created.status, created.text.slice(0, 300)).toBe(303)
      const viewer: WorkerClient = createWorkerClient(worker.url)
      await viewer.get('/console/login')
      const signedIn = await viewer.post('/console/login', {
        email: 'vic@postmortems.test',
        password: OWNER_PASSWORD,
        next: editor(),
      })
      expect(signedIn.status).toBe(303)
      expect(locationOf(signedIn)).toBe(editor())
      // A viewer reads the editor but cannot change it.
      expect((await viewer.get(editor())).status).toBe(200)
      expect(
        (await viewer.post(`${editor()}/sections`, { rootCause: 'Viewer was here' })).status,
      ).toBe(403)
      expect((await viewer.post(`${editor()}/publish`, {})).status).toBe(403)

      const forged = await browser.post(`${editor()}/sections`, {
        _csrf: 'forged',
        rootCause: 'Forged',
      })
      expect(forged.status).toBe(403)
      expect((await api('GET', `/incidents/${incidentId}/postmortem`)).json.root_cause).toBe(
        ROOT_CAUSE,
      )
    },
    TEST_MS,
  )

  it(
    'publishes with a notification: the public page and the API show it, and subscribers hear of it',
    async () => {
      const { api, browser } = owner
      const sub = await api('POST', '/subscribers', { channel: 'webhook', target: hook.url })
      expect(sub.status).toBe(201)
      const before = await worker.fetch(`/incidents/${incidentId}`)
      expect(await before.text()).not.toContain(ROOT_CAUSE)

      await browser.get(editor())
      const published = await browser.post(`${editor()}/publish`, { notify: 'on' })
      expect(published.status).toBe(303)
      expect(published.headers.get('location')).toBe(`${editor()}?done=notified`)

      const html = await until('the public incident page to show the postmortem', async () => {
        const res = await worker.fetch(`/incidents/${incidentId}`)
        const text = await res.text()
        return text.includes(ROOT_CAUSE) ? text : undefined
      })
      expect(html).toContain('id="postmortem-title"')
      // The published document is the whole timeline, internal notes included, unmarked.
      expect(html).toContain(NOTE)
      expect(html).not.toContain('postmortem-internal')
      expect(html).toContain('Test the failover script')

      const v2 = (await (await worker.fetch('/api/v2/incidents.json')).json()) as {
        incidents: { id: string; status: string }[]
      }
      expect(v2.incidents.find((i) => i.id === incidentId)?.status).toBe('postmortem')

      const request = await until('the postmortem webhook', () => hook.requests[0])
      const headers: Record<string, string> = {}
      for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature'])
        headers[name] = String(request.headers[name] ?? '')
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const payload = new Webhook(sub.json.secret).verify(request.body, headers) as any
      expect(payload.incident.id).toBe(incidentId)
      expect(payload.incident.incident_updates[0].body).toBe(
        `The postmortem is published: ${BASE_URL}/incidents/${incidentId}`,
      )

      const md = await browser.get(`${editor()}.md`)
      expect(md.status).toBe(200)
      expect(md.headers.get('content-type')).toContain('text/markdown')
      expect(md.text).toContain(ROOT_CAUSE)
      expect(md.text).toContain('- [x] Test the failover script')
    },
    TEST_MS,
  )

  it(
    'previews a Markdown postmortem in the console before saving, then imports it once',
    async () => {
      const { api, browser } = owner
      const count = async () => (await api('GET', '/incidents')).json.incidents.length as number
      const before = await count()
      await browser.get('/console/postmortems/import')
      const read = await browser.post('/console/postmortems/import/preview', { markdown: DOC })
      expect(read.status).toBe(200)
      expect(read.text).toContain('What was read: Search indexing lag')
      expect(read.text).toContain('2024-03-04T09:15:00+00:00')
      expect(read.text).toContain('Timeline: 3 events')
      expect(await count()).toBe(before)

      const saved = await browser.post('/console/postmortems/import', { markdown: DOC })
      expect(saved.status, saved.text.slice(0, 300)).toBe(303)
      const id = /^\/console\/incidents\/([^/]+)\/postmortem$/.exec(locationOf(saved))?.[1]
      expect(id).toBeDefined()
      const incident = (await api('GET', `/incidents/${id}`)).json
      // Resolved, with its postmortem published as history.
      expect(incident).toMatchObject({ name: 'Search indexing lag', status: 'postmortem' })
      expect(incident.events).toHaveLength(3)

      await browser.get('/console/postmortems/import')
      const again = await browser.post('/console/postmortems/import', { markdown: DOC })
      expect(again.headers.get('location')).toBe(`/console/incidents/${id}/postmortem?done=already`)
      expect(await count()).toBe(before + 1)
    },
    TEST_MS,
  )
})
