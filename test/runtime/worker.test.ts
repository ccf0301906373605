import type { MessageBatch, Queue, ScheduledController } from '@cloudflare/workers-types'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createD1Store } from '../../src/adapters/storage/d1.worker.ts'
import type { Store } from '../../src/app/ports.ts'
import worker, { type Job, type WorkerEnv } from '../../src/runtime/worker.ts'
import { openTestD1, type TestD1 } from '../support/d1.ts'

// The Worker's cron and queue handlers, called as the runtime calls them, on a real local D1.
// (Under workerd, wrangler 4.50 cannot trigger a cron locally while [assets] is configured, and its
// Worker.queue() looks in the wrong Miniflare; the fetch path runs under workerd in test/worker/.)
// The module keeps its dependencies per isolate, so this file shares one database throughout.

interface Outcome {
  acked: string[]
  retried: { id: string; delaySeconds?: number }[]
}

function batchOf(queue: string, bodies: { id: string; body: unknown; attempts?: number }[]) {
  const outcome: Outcome = { acked: [], retried: [] }
  const batch = {
    queue,
    messages: bodies.map(({ id, body, attempts = 1 }) => ({
      id,
      body,
      attempts,
      timestamp: new Date(),
      ack: () => outcome.acked.push(id),
      retry: (opts?: { delaySeconds?: number }) => outcome.retried.push({ id, ...opts }),
    })),
    ackAll: () => undefined,
    retryAll: () => undefined,
  } as unknown as MessageBatch<unknown>
  return { batch, outcome }
}

const HOUR = 3_600_000

describe('Worker cron and queue handlers', () => {
  let db: TestD1
  let env: WorkerEnv
  let store: Store

  beforeAll(async () => {
    db = await openTestD1()
    store = createD1Store(db.d1)
    env = {
      DB: db.d1,
      ASSETS: { fetch: async () => new Response('Not found', { status: 404 }) },
      JOBS: {} as Queue<Job>,
      LOG_LEVEL: 'silent',
      LOGIN_WINDOW_SECONDS: '900',
    }
  })
  afterAll(async () => {
    await db?.close()
  })

  it('sweeps expired sessions and ended rate-limit windows on the cron trigger', async () => {
    const now = Date.now()
    await store.commit([
      {
        type: 'user.insert',
        user: {
          id: 'u1',
          email: 'ada@example.com',
          name: 'Ada',
          role: 'owner',
          passwordHash: 'x',
          createdAt: now - 48 * HOUR,
        },
      },
      {
        type: 'session.insert',
        session: {
          id: 'old',
          userId: 'u1',
          csrfToken: 'a',
          createdAt: now - 48 * HOUR,
          expiresAt: now - HOUR,
        },
      },
      {
        type: 'session.insert',
        session: {
          id: 'live',
          userId: 'u1',
          csrfToken: 'b',
          createdAt: now,
          expiresAt: now + HOUR,
        },
      },
    ])
    await store.hitRateLimit('login:old', 900_000, now - 2 * HOUR)
    await store.hitRateLimit('login:now', 900_000, now)

    await worker.scheduled({} as ScheduledController, env)

    expect(await store.getSession('old')).toBeNull()
    expect(await store.getSession('live')).not.toBeNull()
    // The old window's counter is gone (counting starts over); the current one still counts.
    expect(await store.hitRateLimit('login:old', 900_000, now - 2 * HOUR)).toBe(1)
    expect(await store.hitRateLimit('login:now', 900_000, now)).toBe(2)
  })

  it('acknowledges a job it ran and drops one it cannot parse, retrying neither', async () => {
    const { batch, outcome } = batchOf('herald-jobs', [
      { id: 'm1', body: { type: 'sweep' } },
      { id: 'm2', body: { type: 'no-such-job' } },
      { id: 'm3', body: 'not even an object' },
    ])
    await worker.queue(batch, env)
    expect(outcome).toEqual({ acked: ['m1', 'm2', 'm3'], retried: [] })
  })

  it('acknowledges what reaches the dead-letter queue so it does not come back', async () => {
    const { batch, outcome } = batchOf('herald-jobs-dlq', [
      { id: 'd1', body: { type: 'sweep' }, attempts: 6 },
    ])
    await worker.queue(batch, env)
    expect(outcome).toEqual({ acked: ['d1'], retried: [] })
  })

  // Last: it takes the database away.
  it('retries a job that fails, backing off with each attempt', async () => {
    await db.close()
    const { batch, outcome } = batchOf('herald-jobs', [
      { id: 'f1', body: { type: 'sweep' }, attempts: 1 },
      { id: 'f3', body: { type: 'sweep' }, attempts: 3 },
      { id: 'f9', body: { type: 'sweep' }, attempts: 9 },
    ])
    await worker.queue(batch, env)
    expect(outcome).toEqual({
      acked: [],
      retried: [
        { id: 'f1', delaySeconds: 10 },
        { id: 'f3', delaySeconds: 40 },
        { id: 'f9', delaySeconds: 600 },
      ],
    })
  })
})
