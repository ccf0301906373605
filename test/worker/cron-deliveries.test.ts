import { Webhook } from 'standardwebhooks'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startHookReceiver, type Hook } from '../support/hook-receiver.ts'
import { startTestWorker, type TestWorker } from '../support/worker.ts'
import { setUpOwner, until, type Owner } from './owner.ts'

// What the cron handler does for deliveries on Workers, under workerd with local D1 and Queues:
// a delivery refused with 429 and Retry-After is retried by the cron sweep once it is due, with
// the same webhook-id; and scheduled maintenance tells subscribers when it is scheduled, reminds
// them before it starts, and tells them when it starts and completes, each transition made by the
// cron. The cron variant of the test Worker has no [assets] (wrangler 4.50 cannot trigger a cron
// locally with them); the queue consumer runs as configured.

const BASE_URL = 'https://status.cron.test'
const TEST_MS = 60_000
// How long the running maintenance lasts: longer than the queue takes to deliver its notices.
const RUN_MS = 15_000

function payloadOf(request: Hook['requests'][number], secret: string) {
  const headers: Record<string, string> = {}
  for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature'])
    headers[name] = String(request.headers[name] ?? '')
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return new Webhook(secret).verify(request.body, headers) as any
}

describe('deliveries and maintenance notices through the cron on Workers', () => {
  let worker: TestWorker
  let owner: Owner

  beforeAll(async () => {
    worker = await startTestWorker({
      cron: true,
      vars: { BASE_URL, WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' },
    })
    owner = await setUpOwner(worker, { pageName: 'Cron Status' })
  }, 90_000)
  afterAll(async () => {
    await worker?.close()
  })

  it(
    'retries a delivery refused with 429 once Retry-After has passed, keeping its id',
    async () => {
      const hook = await startHookReceiver([
        { status: 429, headers: { 'Retry-After': '1' } },
        { status: 204 },
      ])
      try {
        const sub = await owner.api('POST', '/subscribers', {
          channel: 'webhook',
          target: hook.url,
        })
        expect(sub.status).toBe(201)
        const opened = await owner.api('POST', '/incidents', {
          name: 'Busy receiver',
          impact: 'minor',
          body: 'Told to come back later.',
        })
        expect(opened.status).toBe(201)
        const deliveries = async () =>
          (await owner.api('GET', `/subscribers/${sub.json.id}/deliveries`)).json.deliveries as {
            id: string
            state: string
            attempts: number
            last_status: number | null
          }[]
        const waiting = await until('the first attempt', async () => {
          const [d] = await deliveries()
          return d?.state === 'retrying' ? d : undefined
        })
        expect(waiting).toMatchObject({ attempts: 1, last_status: 429 })
        expect(hook.requests).toHaveLength(1)

        await new Promise((r) => setTimeout(r, 1_500))
        await worker.scheduled()
        const second = await until('the retry', () => hook.requests[1])
        expect(second.headers['webhook-id']).toBe(hook.requests[0]!.headers['webhook-id'])
        expect(payloadOf(second, sub.json.secret).incident.name).toBe('Busy receiver')
        const [done] = await deliveries()
        expect(done).toMatchObject({
          id: waiting.id,
          state: 'delivered',
          attempts: 2,
          last_status: 204,
        })
      } finally {
        await hook.close()
      }
    },
    TEST_MS,
  )

  it(
    'tells subscribers a maintenance is scheduled, reminds them, and tells them it started and completed',
    async () => {
      const hook = await startHookReceiver([{ status: 204 }])
      try {
        const sub = await owner.api('POST', '/subscribers', {
          channel: 'webhook',
          target: hook.url,
        })
        expect(sub.status).toBe(201)
        const component = await owner.api('POST', '/components', { name: 'Database' })
        const now = Math.floor(Date.now() / 1000) * 1000
        const iso = (ms: number) => new Date(ms).toISOString()
        const maintenance = async (name: string, from: number, until: number) => {
          const res = await owner.api('POST', '/maintenance', {
            name,
            body: `${name}: details.`,
            scheduled_for: iso(from),
            scheduled_until: iso(until),
            components: [component.json.id],
          })
          expect(res.status).toBe(201)
          return res.json.id as string
        }
        // Within the default 60-minute reminder window, and one that runs now for a few seconds.
        const soon = await maintenance('Router swap', now + 30 * 60_000, now + 90 * 60_000)
        const running = await maintenance('Disk resize', now - 60_000, now + RUN_MS)

        const received = () =>
          hook.requests.map((r) => {
            const p = payloadOf(r, sub.json.secret)
            return `${p.incident.name}: ${p.incident.status}`
          })
        // Scheduling is announced at once (through the queue).
        await until('both scheduled notices', () => (hook.requests.length >= 2 ? true : undefined))
        expect(received().sort()).toEqual(['Disk resize: scheduled', 'Router swap: scheduled'])

        await worker.scheduled()
        await until('the reminder and the start', () =>
          hook.requests.length >= 4 ? true : undefined,
        )
        expect(received().slice(2).sort()).toEqual([
          'Disk resize: in_progress',
          'Router swap: scheduled',
        ])
        const reminder = payloadOf(
          hook.requests.find((r, i) => i >= 2 && r.body.includes('Router swap'))!,
          sub.json.secret,
        )
        expect(reminder.incident.scheduled_reminded_at).not.toBeNull()
        expect((await owner.api('GET', `/maintenance/${soon}`)).json.status).toBe('scheduled')
        expect((await owner.api('GET', `/maintenance/${running}`)).json.status).toBe('in_progress')

        // Past its end: the next cron completes it and the component is restored.
        await new Promise((r) => setTimeout(r, Math.max(0, now + RUN_MS + 500 - Date.now())))
        await worker.scheduled()
        await until('the completion', () => (hook.requests.length >= 5 ? true : undefined))
        expect(received()[4]).toBe('Disk resize: completed')
        expect((await owner.api('GET', `/maintenance/${running}`)).json.status).toBe('completed')
        expect((await owner.api('GET', `/components/${component.json.id}`)).json.status).toBe(
          'operational',
        )
        // No second reminder on a later run.
        await worker.scheduled()
        await new Promise((r) => setTimeout(r, 1_000))
        expect(hook.requests).toHaveLength(5)
      } finally {
        await hook.close()
      }
    },
    TEST_MS,
  )
})
