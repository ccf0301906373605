import { afterEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/app.ts'
import { createClient } from '../support/client.ts'
import { addUser, PASSWORD, signInAs } from './console-auth-support.ts'

let t: TestApp
afterEach(() => t?.close())

const SETUP = {
  name: 'Ada Lovelace',
  email: 'Ada@Example.com',
  password: PASSWORD,
  confirm: PASSWORD,
  pageName: 'Acme Status',
  timeZone: 'Europe/Paris',
}

function setCookies(res: Response) {
  return res.headers.getSetCookie()
}

describe('first run', () => {
  it('sends the first visitor of /console to the setup page', async () => {
    t = createTestApp()
    const client = createClient(t.app)
    const res = await client.get('/console')
    expect(res.status).toBe(302)
    expect(res.headers.get('Location')).toBe('/console/setup')
    const login = await client.get('/console/login')
    expect(login.headers.get('Location')).toBe('/console/setup')
  })

  it('creates the owner and the page settings, signs in and goes to the console', async () => {
    t = createTestApp()
    const client = createClient(t.app)
    const form = await client.get('/console/setup')
    expect(form.status).toBe(200)
    expect(form.text).toContain('name="confirm"')
    const res = await client.post('/console/setup', SETUP)
    expect(res.status).toBe(303)
    expect(res.headers.get('Location')).toBe('/console')

    const users = await t.deps.store.listUsers()
    expect(users).toHaveLength(1)
    expect(users[0]).toMatchObject({
      email: 'ada@example.com',
      name: 'Ada Lovelace',
      role: 'owner',
    })
    expect(users[0]!.passwordHash).not.toContain(PASSWORD)
    expect(await t.deps.store.getSettings()).toMatchObject({
      pageName: 'Acme Status',
      timeZone: 'Europe/Paris',
    })
    // Signed in: an owner-only page opens straight away.
    const page = await client.get('/console/users')
    expect(page.status).toBe(200)
    expect(page.text).toContain('ada@example.com')
  })

  it('re-renders the setup form with 422 naming the field, and creates nobody', async () => {
    t = createTestApp()
    const client = createClient(t.app)
    await client.get('/console/setup')
    const mismatch = await client.post('/console/setup', { ...SETUP, confirm: 'something else!' })
    expect(mismatch.status).toBe(422)
    expect(mismatch.text).toContain('id="confirm-error"')
    expect(mismatch.text).toContain('The two passwords do not match')
    // What was typed comes back, except the passwords.
    expect(mismatch.text).toContain('value="Ada Lovelace"')
    expect(mismatch.text).not.toContain(PASSWORD)

    const short = await client.post('/console/setup', {
      ...SETUP,
      password: 'short',
      confirm: 'short',
    })
    expect(short.status).toBe(422)
    expect(short.text).toContain('id="password-error"')
    expect(short.text).toContain('at least 10 characters')

    const zone = await client.post('/console/setup', { ...SETUP, timeZone: 'Mars/Base' })
    expect(zone.status).toBe(422)
    expect(zone.text).toContain('id="timeZone-error"')
    expect(await t.deps.store.countUsers()).toBe(0)
  })

  it('refuses a second setup once an owner exists', async () => {
    t = createTestApp()
    const first = createClient(t.app)
    await first.get('/console/setup')
    expect((await first.post('/console/setup', SETUP)).status).toBe(303)

    const intruder = createClient(t.app)
    const page = await intruder.get('/console/setup')
    expect(page.status).toBe(302)
    expect(page.headers.get('Location')).toBe('/console/login')
    await intruder.get('/console/login')
    const res = await intruder.post('/console/setup', { ...SETUP, email: 'mallory@example.com' })
    expect(res.status).toBe(409)
    expect(setCookies(res).some((c) => c.includes('herald_session'))).toBe(false)
    expect(await t.deps.store.countUsers()).toBe(1)
  })
})

describe('signing in and out', () => {
  it('signs in with the right password and lands on the page asked for', async () => {
    t = createTestApp()
    await addUser(t, 'owner')
    const client = createClient(t.app)
    const gate = await client.get('/console/settings?x=1')
    expect(gate.headers.get('Location')).toBe('/console/login?next=%2Fconsole%2Fsettings%3Fx%3D1')
    const form = await client.get(gate.headers.get('Location')!)
    expect(form.text).toContain('value="/console/settings?x=1"')
    const res = await client.post('/console/login', {
      email: 'OWNER@example.com',
      password: PASSWORD,
      next: '/console/settings?x=1',
    })
    expect(res.status).toBe(303)
    expect(res.headers.get('Location')).toBe('/console/settings?x=1')
    expect((await client.get('/console/settings')).status).toBe(200)
  })

  it.each([
    'https://evil.example/console',
    '//evil.example/console',
    '/\\evil.example',
    '/',
    '/consolex',
  ])('ignores an unsafe next of %s and goes to /console', async (next) => {
    t = createTestApp()
    await addUser(t, 'owner')
    const client = createClient(t.app)
    await client.get('/console/login')
    const res = await client.post('/console/login', {
      email: 'owner@example.com',
      password: PASSWORD,
      next,
    })
    expect(res.status).toBe(303)
    expect(res.headers.get('Location')).toBe('/console')
  })

  it('answers a wrong password and an unknown email with the same message and no session', async () => {
    t = createTestApp()
    await addUser(t, 'owner')
    const client = createClient(t.app)
    await client.get('/console/login')
    const wrong = await client.post('/console/login', {
      email: 'owner@example.com',
      password: 'not the password',
    })
    const unknown = await client.post('/console/login', {
      email: 'nobody@example.com',
      password: PASSWORD,
    })
    for (const res of [wrong, unknown]) {
      expect(res.status).toBe(401)
      expect(res.text).toContain('Email or password is incorrect')
      expect(setCookies(res).some((c) => c.includes('herald_session'))).toBe(false)
    }
    // The email typed is kept, so the user can fix only the password.
    expect(wrong.text).toContain('value="owner@example.com"')
    expect((await client.get('/console/users')).status).toBe(302)
  })

  it('asks for both fields with 422 when one is empty', async () => {
    t = createTestApp()
    await addUser(t, 'owner')
    const client = createClient(t.app)
    await client.get('/console/login')
    const res = await client.post('/console/login', { email: 'owner@example.com', password: '' })
    expect(res.status).toBe(422)
    expect(res.text).toContain('id="password-error"')
  })

  it('issues a fresh session at every sign-in and drops the one it replaces', async () => {
    t = createTestApp()
    await addUser(t, 'owner')
    const client = createClient(t.app)
    // A session cookie planted before login is not adopted.
    client.jar.set('herald_session', 'planted-by-attacker')
    await client.get('/console/login')
    await client.post('/console/login', { email: 'owner@example.com', password: PASSWORD })
    const first = client.jar.get('herald_session')!
    expect(first).not.toBe('planted-by-attacker')
    const firstId = await t.deps.secrets.sha256(first)
    expect(await t.deps.store.getSession(firstId)).not.toBeNull()

    // Signing in again from a signed-in page (its form carries the session's CSRF token).
    await client.get('/console/users')
    const again = await client.post('/console/login', {
      email: 'owner@example.com',
      password: PASSWORD,
    })
    expect(again.status).toBe(303)
    const second = client.jar.get('herald_session')!
    expect(second).not.toBe(first)
    expect(await t.deps.store.getSession(firstId)).toBeNull()
  })

  it('stores only a hash of the session token, with the configured lifetime', async () => {
    t = createTestApp({ env: { SESSION_TTL_HOURS: '2' } })
    await addUser(t, 'owner')
    const client = await signInAs(t, 'owner@example.com')
    const token = client.jar.get('herald_session')!
    const session = await t.deps.store.getSession(await t.deps.secrets.sha256(token))
    expect(session).not.toBeNull()
    expect(session!.id).not.toBe(token)
    expect(session!.expiresAt - t.clock.now()).toBe(2 * 60 * 60 * 1000)

    t.clock.advance(2 * 60 * 60 * 1000 + 1)
    const res = await client.get('/console/users')
    expect(res.status).toBe(302)
    expect(res.headers.get('Location')).toContain('/console/login')
  })

  it('signs out: the session is deleted and its cookie no longer works', async () => {
    t = createTestApp()
    await addUser(t, 'owner')
    const client = await signInAs(t, 'owner@example.com')
    const token = client.jar.get('herald_session')!
    await client.get('/console/users')
    const res = await client.post('/console/logout')
    expect(res.status).toBe(303)
    expect(res.headers.get('Location')).toBe('/console/login')
    expect(setCookies(res).some((c) => /^herald_session=;/.test(c) && /Max-Age=0/i.test(c))).toBe(
      true,
    )
    expect(await t.deps.store.getSession(await t.deps.secrets.sha256(token))).toBeNull()

    // Replaying the old cookie gets nowhere.
    const replay = createClient(t.app)
    replay.jar.set('herald_session', token)
    expect((await replay.get('/console/users')).status).toBe(302)
  })
})

describe('session cookies', () => {
  it('are HttpOnly and SameSite=Lax, without Secure over plain http', async () => {
    t = createTestApp()
    await addUser(t, 'owner')
    const client = createClient(t.app)
    await client.get('/console/login')
    const res = await client.post('/console/login', {
      email: 'owner@example.com',
      password: PASSWORD,
    })
    const cookie = setCookies(res).find((c) => c.startsWith('herald_session='))!
    expect(cookie).toMatch(/HttpOnly/i)
    expect(cookie).toMatch(/SameSite=Lax/i)
    expect(cookie).not.toMatch(/Secure/i)
  })

  it.each([
    ['BASE_URL is https', { BASE_URL: 'https://status.example.com' }, 'http://localhost'],
    ['the request came over https', {}, 'https://localhost'],
  ])('are Secure with the __Host- prefix when %s', async (_why, env, base) => {
    t = createTestApp({ env })
    await addUser(t, 'owner')
    const client = createClient(t.app, base)
    const form = await client.get('/console/login')
    const csrf = setCookies(form).find((c) => c.startsWith('__Host-herald_csrf='))!
    expect(csrf).toMatch(/; Secure/i)
    const res = await client.post('/console/login', {
      email: 'owner@example.com',
      password: PASSWORD,
    })
    expect(res.status).toBe(303)
    const cookie = setCookies(res).find((c) => c.startsWith('__Host-herald_session='))!
    expect(cookie).toMatch(/; Secure/i)
    expect(cookie).toMatch(/; Path=\//i)
    expect(cookie).toMatch(/HttpOnly/i)
    expect(cookie).toMatch(/SameSite=Lax/i)
    expect(cookie).not.toMatch(/Domain=/i)
    expect((await client.get('/console/users')).status).toBe(200)
    // The unprefixed name is not honoured over https.
    const plain = createClient(t.app, base)
    plain.jar.set('herald_session', client.jar.get('__Host-herald_session')!)
    expect((await plain.get('/console/users')).status).toBe(302)
  })
})
