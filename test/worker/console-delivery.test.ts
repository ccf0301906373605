import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startHookReceiver, type Hook } from '../support/hook-receiver.ts'
import { startTestWorker, type TestWorker } from '../support/worker.ts'
import { setUpOwner, until, type Owner } from './owner.ts'

// The responder's view of a broadcast on Workers, under workerd with local D1 and Queues: the
// composer's count of who will be notified, each event's delivery progress as the queue consumer
// works through it, component changes announced once the page's setting says so, and a webhook endpoint that keeps refusing being quarantined with the owner
// told (no SMTP_URL here, so that mail lands in D1 and shows in the console's Mailbox).

const HTMX = { headers: { 'HX-Request': 'true' } }
const TEST_MS = 60_000

const countOf = (html: string) => Number(/data-count="(\d+)"/.exec(html)?.[1] ?? NaN)

describe('broadcast in the console on Workers (recipients, progress, quarantine)', () => {
  let worker: TestWorker
  let hook: Hook
  let owner: Owner
  const ids: Record<string, string> = {}

  beforeAll(async () => {
    hook = await startHookReceiver([{ status: 204 }])
    worker = await startTestWorker({ vars: { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' } })
    owner = await setUpOwner(worker)
    for (const name of ['API', 'Website']) {
      const res = await owner.api('POST', '/components', { name })
      expect(res.status).toBe(201)
      ids[name] = res.json.id
    }
  }, 90_000)
  afterAll(async () => {
    await worker?.close()
    await hook?.close()
  })

  it(
    'counts who an update will reach, widening with the components chosen in the composer',
    async () => {
      const { api, browser } = owner
      for (const [target, components] of [
        ['everything@example.com', undefined],
        ['api@example.com', [ids.API]],
        ['web@example.com', [ids.Website]],
      ] as const) {
        const res = await api('POST', '/subscribers', {
          channel: 'email',
          target,
          confirmed: true,
          ...(components ? { components } : {}),
        })
        expect(res.status).toBe(201)
      }
      const opened = await api('POST', '/incidents', {
        name: 'API errors',
        impact: 'major',
        body: 'Looking.',
        components: { [ids.API!]: 'major_outage' },
        notify: false,
      })
      expect(opened.status).toBe(201)
      const page = await browser.get(`/console/incidents/${opened.json.id}`)
      expect(page.text).toContain('2 subscribers will be notified.')
      const base = `/console/incidents/${opened.json.id}/recipients`
      const withWeb = await browser.get(
        `${base}?components.${ids.Website}=degraded_performance&visibility=public&notify=on`,
        HTMX,
      )
      expect(withWeb.status).toBe(200)
      expect(countOf(withWeb.text)).toBe(3)
      const internal = await browser.get(`${base}?visibility=internal&notify=on`, HTMX)
      expect(internal.text).toContain('Internal notes are never sent to subscribers.')
    },
    TEST_MS,
  )

  it(
    'shows an event’s delivery progress until everything arrived, then stops polling',
    async () => {
      const { api, browser } = owner
      const sub = await api('POST', '/subscribers', { channel: 'webhook', target: hook.url })
      expect(sub.status).toBe(201)
      const opened = await api('POST', '/incidents', {
        name: 'Checkout failing',
        impact: 'major',
        body: 'Looking into it.',
      })
      expect(opened.status).toBe(201)
      const eventId = opened.json.events[0].id as string
      const fragment = `/console/incidents/${opened.json.id}/events/${eventId}/delivery`
      // Touching no component, it goes to everyone: the three addresses and the webhook.
      const done = await until('every delivery to arrive', async () => {
        const res = await browser.get(fragment, HTMX)
        expect(res.status).toBe(200)
        expect(res.headers.get('cache-control')).toBe('no-store')
        return res.text.includes('data-delivered-percent="100"') ? res.text : undefined
      })
      expect(done).toContain('4 of 4 delivered (100 %)')
      // Complete: no trigger, so htmx stops polling.
      expect(done).not.toContain('hx-trigger')
      expect(hook.requests.some((r) => r.body.includes('Checkout failing'))).toBe(true)
    },
    TEST_MS,
  )

  it(
    'tells subscribers of a component status change outside incidents once the setting is on',
    async () => {
      const { api, browser } = owner
      await browser.get('/console/settings')
      const saved = await browser.post('/console/settings', {
        pageName: 'Acme Status',
        timeZone: 'UTC',
        notifyComponentChanges: 'on',
        maintenanceReminderMinutes: '60',
      })
      expect(saved.status, saved.text.slice(0, 300)).toBe(303)
      const changed = await api('PATCH', `/components/${ids.Website}`, {
        status: 'partial_outage',
      })
      expect(changed.status).toBe(200)
      const request = await until('the component update', () =>
        hook.requests.find((r) => r.body.includes('"component_update"')),
      )
      const body = JSON.parse(request.body)
      expect(body.component_update).toMatchObject({
        old_status: 'operational',
        new_status: 'partial_outage',
        component_id: ids.Website,
      })
      expect(body.component).toMatchObject({ id: ids.Website, status: 'partial_outage' })
    },
    TEST_MS,
  )

  it(
    'quarantines a webhook that keeps refusing, and tells the owner by mail',
    async () => {
      const gone = await startHookReceiver([{ status: 410 }])
      try {
        const { api, browser } = owner
        const sub = await api('POST', '/subscribers', { channel: 'webhook', target: gone.url })
        expect(sub.status).toBe(201)
        const opened = await api('POST', '/incidents', {
          name: 'Refused everywhere',
          impact: 'minor',
          body: 'Update 1.',
        })
        expect(opened.status).toBe(201)
        for (let n = 2; n <= 5; n++) {
          const res = await api('POST', `/incidents/${opened.json.id}/updates`, {
            body: `Update ${n}.`,
          })
          expect(res.status).toBe(201)
        }
        const state = await until('the subscriber to be quarantined', async () => {
          const res = await api('GET', `/subscribers/${sub.json.id}`)
          return res.json.state === 'quarantined' ? res.json.state : undefined
        })
        expect(state).toBe('quarantined')
        expect(gone.requests).toHaveLength(5)

        const mailbox = await until('the owner’s mail', async () => {
          const res = await browser.get('/console/mailbox')
          return res.text.includes('Webhook subscribers quarantined after repeated failures')
            ? res.text
            : undefined
        })
        expect(mailbox).toContain('ada@herald.test')

        // Nothing more is sent to it.
        const later = await api('POST', `/incidents/${opened.json.id}/updates`, {
          body: 'Update 6.',
        })
        expect(later.status).toBe(201)
        await until('the others to get update 6', () =>
          hook.requests.some((r) => r.body.includes('Update 6.')) ? true : undefined,
        )
        expect(gone.requests).toHaveLength(5)
      } finally {
        await gone.close()
      }
    },
    TEST_MS,
  )
})
