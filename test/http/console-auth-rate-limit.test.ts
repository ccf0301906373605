import { afterEach, describe, expect, it } from 'vitest'
import { createTestApp, TEST_NOW, type TestApp } from '../support/app.ts'
import { createClient } from '../support/client.ts'
import { addUser, PASSWORD } from './console-auth-support.ts'

let t: TestApp
afterEach(() => t?.close())

const WINDOW_SECONDS = 900
// Behind a trusted proxy the client address comes from X-Forwarded-For, so tests can be many clients.
const ENV = {
  LOGIN_MAX_ATTEMPTS: '3',
  LOGIN_WINDOW_SECONDS: String(WINDOW_SECONDS),
  TRUST_PROXY: 'true',
}

function fromAddress(address: string) {
  const client = createClient(t.app)
  const headers = { 'X-Forwarded-For': address }
  return {
    async attempt(email: string, password: string) {
      if (!client.csrf) await client.get('/console/login', { headers })
      return client.post('/console/login', { email, password }, { headers })
    },
  }
}

describe('login rate limit', () => {
  it('answers 429 with Retry-After once an address reaches the limit, whatever the email', async () => {
    // Five minutes into a fifteen-minute window: ten minutes remain.
    t = createTestApp({ env: ENV, now: TEST_NOW + 5 * 60_000 })
    await addUser(t, 'owner')
    const a = fromAddress('203.0.113.7')
    for (const email of ['x@example.com', 'y@example.com', 'z@example.com']) {
      expect((await a.attempt(email, 'wrong password')).status).toBe(401)
    }
    const limited = await a.attempt('owner@example.com', PASSWORD)
    expect(limited.status).toBe(429)
    expect(limited.headers.get('Retry-After')).toBe('600')
    expect(limited.text).toContain('Too many sign-in attempts')
    expect(limited.text).toContain('10 minutes')
    expect(limited.headers.getSetCookie().some((c) => c.includes('herald_session'))).toBe(false)

    // Another address is not affected.
    const b = fromAddress('198.51.100.9')
    expect((await b.attempt('owner@example.com', PASSWORD)).status).toBe(303)
  })

  it('limits attempts on one email across addresses', async () => {
    t = createTestApp({ env: ENV })
    await addUser(t, 'owner')
    for (const address of ['192.0.2.1', '192.0.2.2', '192.0.2.3']) {
      expect((await fromAddress(address).attempt('owner@example.com', 'guess')).status).toBe(401)
    }
    const res = await fromAddress('192.0.2.4').attempt('OWNER@example.com', PASSWORD)
    expect(res.status).toBe(429)
  })

  it('lets attempts through again when the window has passed', async () => {
    t = createTestApp({ env: ENV })
    await addUser(t, 'owner')
    const a = fromAddress('203.0.113.7')
    for (let i = 0; i < 3; i++) await a.attempt('owner@example.com', 'guess')
    expect((await a.attempt('owner@example.com', PASSWORD)).status).toBe(429)
    t.clock.advance(WINDOW_SECONDS * 1000)
    expect((await a.attempt('owner@example.com', PASSWORD)).status).toBe(303)
  })

  it('forgets failed attempts on an email after a successful sign-in', async () => {
    t = createTestApp({ env: ENV })
    await addUser(t, 'owner')
    await fromAddress('192.0.2.1').attempt('owner@example.com', 'guess')
    await fromAddress('192.0.2.2').attempt('owner@example.com', 'guess')
    expect((await fromAddress('192.0.2.3').attempt('owner@example.com', PASSWORD)).status).toBe(303)
    // Without the reset the next failure would already be over the limit.
    for (const address of ['192.0.2.4', '192.0.2.5', '192.0.2.6']) {
      expect((await fromAddress(address).attempt('owner@example.com', 'guess')).status).toBe(401)
    }
    expect((await fromAddress('192.0.2.7').attempt('owner@example.com', 'guess')).status).toBe(429)
  })
})
