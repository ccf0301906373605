import { afterEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/app.ts'
import { createClient } from '../support/client.ts'
import { addUser, PASSWORD, signInAs } from './console-auth-support.ts'

let t: TestApp
afterEach(() => t?.close())

const SETUP = {
  name: 'Ada',
  email: 'ada@example.com',
  password: PASSWORD,
  confirm: PASSWORD,
  pageName: 'Status',
  timeZone: 'UTC',
}

// Three ways a forged request fails: no token, someone else's token, and a foreign Origin even
// with the right token.
const FORGERIES = [
  ['without a token', (_token: string) => ({ form: {}, headers: {} })],
  ['with a wrong token', (_token: string) => ({ form: { _csrf: 'x'.repeat(32) }, headers: {} })],
  [
    'from a cross-site Origin',
    (token: string) => ({ form: { _csrf: token }, headers: { Origin: 'https://evil.example' } }),
  ],
] as const

describe('CSRF protection on console forms', () => {
  it.each(FORGERIES)('refuses setup %s', async (_name, forge) => {
    t = createTestApp()
    const client = createClient(t.app)
    await client.get('/console/setup')
    const { form, headers } = forge(client.csrf!)
    const res = await client.request('/console/setup', {
      method: 'POST',
      form: { ...SETUP, ...form },
      headers,
    })
    expect(res.status).toBe(403)
    expect(await t.deps.store.countUsers()).toBe(0)
  })

  it.each(FORGERIES)('refuses login %s', async (_name, forge) => {
    t = createTestApp()
    await addUser(t, 'owner')
    const client = createClient(t.app)
    await client.get('/console/login')
    const { form, headers } = forge(client.csrf!)
    const res = await client.request('/console/login', {
      method: 'POST',
      form: { email: 'owner@example.com', password: PASSWORD, ...form },
      headers,
    })
    expect(res.status).toBe(403)
    expect(res.headers.getSetCookie().some((c) => c.includes('herald_session'))).toBe(false)
  })

  it.each(FORGERIES)('refuses logout %s', async (_name, forge) => {
    t = createTestApp()
    await addUser(t, 'owner')
    const client = await signInAs(t, 'owner@example.com')
    await client.get('/console/users')
    const { form, headers } = forge(client.csrf!)
    const res = await client.request('/console/logout', { method: 'POST', form, headers })
    expect(res.status).toBe(403)
    expect((await client.get('/console/users')).status).toBe(200)
  })

  it.each(FORGERIES)('refuses adding a user %s', async (_name, forge) => {
    t = createTestApp()
    await addUser(t, 'owner')
    const client = await signInAs(t, 'owner@example.com')
    await client.get('/console/users')
    const { form, headers } = forge(client.csrf!)
    const res = await client.request('/console/users', {
      method: 'POST',
      form: { email: 'new@example.com', name: 'New', role: 'owner', password: PASSWORD, ...form },
      headers,
    })
    expect(res.status).toBe(403)
    expect(await t.deps.store.getUserByEmail('new@example.com')).toBeNull()
  })

  it('refuses the pre-login token once signed in (the session has its own)', async () => {
    t = createTestApp()
    await addUser(t, 'owner')
    const client = createClient(t.app)
    await client.get('/console/login')
    const preLogin = client.csrf!
    await client.post('/console/login', { email: 'owner@example.com', password: PASSWORD })
    const res = await client.request('/console/users', {
      method: 'POST',
      form: {
        _csrf: preLogin,
        email: 'new@example.com',
        name: 'New',
        role: 'viewer',
        password: PASSWORD,
      },
    })
    expect(res.status).toBe(403)
  })

  it('accepts the token from the X-CSRF-Token header (htmx) and a same-origin Origin', async () => {
    t = createTestApp()
    await addUser(t, 'owner')
    const client = await signInAs(t, 'owner@example.com')
    await client.get('/console/users')
    const res = await client.request('/console/users', {
      method: 'POST',
      form: { email: 'new@example.com', name: 'New', role: 'viewer', password: PASSWORD },
      headers: { 'X-CSRF-Token': client.csrf!, Origin: 'http://localhost' },
    })
    expect(res.status).toBe(303)
    expect(await t.deps.store.getUserByEmail('new@example.com')).not.toBeNull()
  })

  it('refuses a cross-site request that carries no Origin but says so in Sec-Fetch-Site', async () => {
    t = createTestApp()
    await addUser(t, 'owner')
    const client = createClient(t.app)
    await client.get('/console/login')
    const res = await client.post(
      '/console/login',
      { email: 'owner@example.com', password: PASSWORD },
      { headers: { 'Sec-Fetch-Site': 'cross-site' } },
    )
    expect(res.status).toBe(403)
  })
})
