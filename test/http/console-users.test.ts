import { afterEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/app.ts'
import { createClient } from '../support/client.ts'
import { addUser, PASSWORD, sessionCsrf, signedIn, signInAs } from './console-auth-support.ts'

let t: TestApp
afterEach(() => t?.close())

const NEW_USER = {
  email: 'Grace@Example.com',
  name: 'Grace Hopper',
  role: 'responder',
  password: PASSWORD,
}

describe('users page', () => {
  it('lists users and adds one who can then sign in with the initial password', async () => {
    t = createTestApp()
    const { client } = await signedIn(t, 'owner')
    const page = await client.get('/console/users')
    expect(page.status).toBe(200)
    expect(page.text).toContain('owner@example.com')

    const res = await client.post('/console/users', NEW_USER)
    expect(res.status).toBe(303)
    const after = await client.get(res.headers.get('Location')!)
    expect(after.text).toContain('grace@example.com')
    expect(after.text).toContain('User added.')
    expect(await t.deps.store.getUserByEmail('grace@example.com')).toMatchObject({
      name: 'Grace Hopper',
      role: 'responder',
    })
    await signInAs(t, 'grace@example.com')
  })

  it('re-renders the form with 422 naming the bad field and keeps what was typed', async () => {
    t = createTestApp()
    const { client } = await signedIn(t, 'owner')
    await client.get('/console/users')
    const res = await client.post('/console/users', { ...NEW_USER, email: 'not-an-email' })
    expect(res.status).toBe(422)
    expect(res.text).toContain('id="email-error"')
    expect(res.text).toContain('Enter a valid email address')
    expect(res.text).toContain('value="Grace Hopper"')
    const badRole = await client.post('/console/users', { ...NEW_USER, role: 'admin' })
    expect(badRole.status).toBe(422)
    expect(badRole.text).toContain('id="role-error"')
    expect(await t.deps.store.countUsers()).toBe(1)
  })

  it('refuses an email that is already taken, whatever its case', async () => {
    t = createTestApp()
    const { client } = await signedIn(t, 'owner')
    await client.get('/console/users')
    const res = await client.post('/console/users', { ...NEW_USER, email: 'OWNER@example.com' })
    expect(res.status).toBe(409)
    expect(res.text).toContain('id="email-error"')
    expect(res.text).toContain('already exists')
    expect(await t.deps.store.countUsers()).toBe(1)
  })

  it('shows names with markup as text', async () => {
    t = createTestApp()
    const { client } = await signedIn(t, 'owner')
    await client.get('/console/users')
    await client.post('/console/users', { ...NEW_USER, name: '<img src=x onerror=alert(1)>' })
    const page = await client.get('/console/users')
    expect(page.text).toContain('&lt;img src=x onerror=alert(1)&gt;')
    expect(page.text).not.toContain('<img src=x')
  })
})

describe('roles', () => {
  it.each(['viewer', 'responder'] as const)(
    'gives a %s 403 on the users page and its forms',
    async (role) => {
      t = createTestApp()
      const owner = await addUser(t, 'owner')
      const { client } = await signedIn(t, role)
      expect((await client.get('/console/users')).status).toBe(403)
      // No owner page renders for them, so take the session's token the way a page would embed it.
      const csrf = await sessionCsrf(t, client)
      const create = await client.request('/console/users', {
        method: 'POST',
        form: { _csrf: csrf, ...NEW_USER, role: 'owner' },
      })
      expect(create.status).toBe(403)
      expect(await t.deps.store.getUserByEmail('grace@example.com')).toBeNull()
      const remove = await client.request(`/console/users/${owner.id}/remove`, {
        method: 'POST',
        form: { _csrf: csrf },
      })
      expect(remove.status).toBe(403)
      expect(await t.deps.store.getUser(owner.id)).not.toBeNull()
    },
  )

  it('signs a user out everywhere when their role changes', async () => {
    t = createTestApp()
    const { client: owner } = await signedIn(t, 'owner')
    const { user: responder, client: theirs } = await signedIn(t, 'responder')
    const other = await signInAs(t, 'responder@example.com')
    await owner.get('/console/users')
    const res = await owner.post(`/console/users/${responder.id}/role`, { role: 'viewer' })
    expect(res.status).toBe(303)
    expect((await t.deps.store.getUser(responder.id))!.role).toBe('viewer')
    for (const client of [theirs, other]) {
      const page = await client.get('/console/settings')
      expect(page.status).toBe(302)
      expect(page.headers.get('Location')).toContain('/console/login')
    }
    // The owner's own session is untouched.
    expect((await owner.get('/console/users')).status).toBe(200)
  })

  it('refuses to demote the last owner with 409 and says why', async () => {
    t = createTestApp()
    const { user, client } = await signedIn(t, 'owner')
    await addUser(t, 'responder')
    await client.get('/console/users')
    const res = await client.post(`/console/users/${user.id}/role`, { role: 'responder' })
    expect(res.status).toBe(409)
    expect(res.text).toContain('last owner')
    expect((await t.deps.store.getUser(user.id))!.role).toBe('owner')
    expect((await client.get('/console/users')).status).toBe(200)
  })

  it('lets an owner step down when another owner remains, ending their own session', async () => {
    t = createTestApp()
    const { user, client } = await signedIn(t, 'owner')
    await addUser(t, 'owner', 'second@example.com')
    await client.get('/console/users')
    const res = await client.post(`/console/users/${user.id}/role`, { role: 'viewer' })
    expect(res.status).toBe(303)
    expect(res.headers.get('Location')).toBe('/console/login')
    expect((await t.deps.store.getUser(user.id))!.role).toBe('viewer')
  })

  it('answers 422 for an unknown role and 404 for an unknown user', async () => {
    t = createTestApp()
    const { client } = await signedIn(t, 'owner')
    const responder = await addUser(t, 'responder')
    await client.get('/console/users')
    expect(
      (await client.post(`/console/users/${responder.id}/role`, { role: 'root' })).status,
    ).toBe(422)
    expect((await client.post('/console/users/nope/role', { role: 'viewer' })).status).toBe(404)
    expect((await client.post('/console/users/nope/remove')).status).toBe(404)
  })
})

describe('removing users', () => {
  it('removes a user, ends their sessions and stops them signing in', async () => {
    t = createTestApp()
    const { client: owner } = await signedIn(t, 'owner')
    const { user, client: theirs } = await signedIn(t, 'responder')
    await owner.get('/console/users')
    const res = await owner.post(`/console/users/${user.id}/remove`)
    expect(res.status).toBe(303)
    expect(await t.deps.store.getUser(user.id)).toBeNull()
    expect((await theirs.get('/console/settings')).status).toBe(302)

    const again = createClient(t.app)
    await again.get('/console/login')
    expect(
      (await again.post('/console/login', { email: 'responder@example.com', password: PASSWORD }))
        .status,
    ).toBe(401)
  })

  it('does not let an owner remove themselves', async () => {
    t = createTestApp()
    const { user, client } = await signedIn(t, 'owner')
    await addUser(t, 'owner', 'second@example.com')
    await client.get('/console/users')
    const res = await client.post(`/console/users/${user.id}/remove`)
    expect(res.status).toBe(409)
    expect(res.text).toContain('cannot remove your own account')
    expect(await t.deps.store.getUser(user.id)).not.toBeNull()
  })
})
