import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createWorkerClient } from '../support/worker-client.ts'
import { startTestWorker, type TestWorker } from '../support/worker.ts'
import { OWNER_PASSWORD, setUpOwner } from './owner.ts'

// Sign-in and subscribe limits on Workers, under workerd with local D1: counted in D1 per client
// address, which on Workers is CF-Connecting-IP (set by the edge, by wrangler locally); an
// X-Forwarded-For header is the client's own say and changes nothing (TRUST_PROXY is false).

describe('rate limits on Workers (sign-in, subscribe)', () => {
  let worker: TestWorker

  beforeAll(async () => {
    worker = await startTestWorker({
      vars: { LOGIN_MAX_ATTEMPTS: '3', SUBSCRIBE_MAX_PER_HOUR: '2' },
    })
    await setUpOwner(worker)
  }, 90_000)
  afterAll(async () => {
    await worker?.close()
  })

  it('refuses a fourth sign-in from one address, even with the right password', async () => {
    const client = createWorkerClient(worker.url)
    await client.get('/console/login')
    for (const n of [1, 2, 3]) {
      const res = await client.post(
        '/console/login',
        { email: `nobody${n}@herald.test`, password: 'wrong password', next: '/console' },
        { headers: { 'X-Forwarded-For': `203.0.113.${n}` } },
      )
      expect(res.status, `attempt ${n}`).toBe(401)
    }
    const right = await client.post(
      '/console/login',
      { email: 'ada@herald.test', password: OWNER_PASSWORD, next: '/console' },
      { headers: { 'X-Forwarded-For': '198.51.100.7' } },
    )
    expect(right.status).toBe(429)
    expect(right.text).toContain('Too many sign-in attempts')
    expect(client.jar.has('herald_session')).toBe(false)
  }, 60_000)

  it('answers 429 to a third subscribe request from one address within the hour', async () => {
    const subscribe = (target: string, forwardedFor: string) =>
      worker.fetch('/subscribe', {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'X-Forwarded-For': forwardedFor,
        },
        body: new URLSearchParams({ channel: 'email', target }).toString(),
      })
    for (const n of [1, 2]) {
      const res = await subscribe(`user${n}@example.com`, `203.0.113.${n}`)
      expect(res.status, `request ${n}`).toBe(200)
      await res.arrayBuffer()
    }
    const third = await subscribe('user3@example.com', '203.0.113.3')
    expect(third.status).toBe(429)
    expect(await third.text()).toContain('Too many subscription requests')
  }, 60_000)
})
