import { afterEach, describe, expect, it } from 'vitest'
import { CLI_ACTOR } from '../../src/app/actor.ts'
import { createApiToken } from '../../src/app/create-api-token.ts'
import { createUser } from '../../src/app/create-user.ts'
import { newSession } from '../../src/app/sign-in.ts'
import type { Role } from '../../src/domain/enums.ts'
import type { User } from '../../src/domain/types.ts'
import { createTestApp, type TestApp } from '../support/app.ts'
import { createClient } from '../support/client.ts'
import { apiClient } from './api-v1-helpers.ts'

// The console's API token page: create (shown once), list, revoke; the tokens it makes work on
// /api/v1. Sessions are made directly so these tests depend only on the tokens page.
let t: TestApp
afterEach(() => t?.close())

async function signedIn(role: Role, email = `${role}@example.com`) {
  const user = await createUser(t.deps, CLI_ACTOR, {
    email,
    name: `Kim ${role}`,
    role,
    password: 'long enough password',
  })
  const { token, session } = await newSession(t.deps, user.id)
  await t.deps.store.commit([{ type: 'session.insert', session }])
  const client = createClient(t.app)
  client.jar.set('herald_session', token)
  return { user, client }
}

const newTokenIn = (html: string) =>
  /id="new-token-value"[^>]*value="(hrld_[^"]+)"/.exec(html)?.[1] ??
  /value="(hrld_[^"]+)"[^>]*id="new-token-value"/.exec(html)?.[1]

async function createViaForm(
  client: ReturnType<typeof createClient>,
  form: Record<string, string>,
) {
  await client.get('/console/tokens')
  return client.post('/console/tokens', form)
}

describe('console API tokens page', () => {
  it('shows a new token once, and the token works on the API', async () => {
    t = createTestApp()
    const { client } = await signedIn('responder')
    const res = await createViaForm(client, { name: 'deploy pipeline', scope: 'write' })
    expect(res.status).toBe(201)
    expect(res.headers.get('Cache-Control')).toBe('no-store')
    const secret = newTokenIn(res.text)
    expect(secret).toMatch(/^hrld_/)
    expect(res.text).toContain('cannot show it again')

    const page = await client.get('/console/tokens')
    expect(page.status).toBe(200)
    expect(page.text).toContain('deploy pipeline')
    expect(page.text).toContain(`hrld_${secret!.slice(5, 13)}…`)
    expect(page.text).not.toContain(secret!)
    expect(page.text).toContain('never')

    const api = apiClient(t, secret!)
    expect((await api('POST', '/components', { name: 'Made by the pipeline' })).status).toBe(201)
    expect((await client.get('/console/tokens')).text).not.toMatch(/<td>never<\/td>/)
  })

  it('re-renders the form with the field’s message for a bad name', async () => {
    t = createTestApp()
    const { client } = await signedIn('owner')
    const res = await createViaForm(client, { name: '   ', scope: 'write' })
    expect(res.status).toBe(422)
    expect(res.text).toMatch(/class="field-error" id="name-error">[^<]+</)
    expect(await t.deps.store.listTokens()).toEqual([])
  })

  it('offers a viewer only read tokens and refuses a forged write request', async () => {
    t = createTestApp()
    const { client } = await signedIn('viewer')
    const page = await client.get('/console/tokens')
    expect(page.text).toContain('value="read"')
    expect(page.text).not.toContain('value="write"')
    const forged = await client.post('/console/tokens', { name: 'sneaky', scope: 'write' })
    expect(forged.status).toBe(422)
    expect(forged.text).toContain('viewers can only have read tokens')
    const ok = await client.post('/console/tokens', { name: 'reader', scope: 'read' })
    expect(ok.status).toBe(201)
    expect((await t.deps.store.listTokens()).map((x) => x.scope)).toEqual(['read'])
  })

  it('lists only your own tokens, unless you are an owner', async () => {
    t = createTestApp()
    const owner = await signedIn('owner')
    const responder = await signedIn('responder')
    await createApiToken(t.deps, CLI_ACTOR, { name: 'owner-script', userId: owner.user.id })
    await createApiToken(t.deps, CLI_ACTOR, { name: 'responder-script', userId: responder.user.id })

    const mine = (await responder.client.get('/console/tokens')).text
    expect(mine).toContain('responder-script')
    expect(mine).not.toContain('owner-script')

    const all = (await owner.client.get('/console/tokens')).text
    expect(all).toContain('responder-script')
    expect(all).toContain('owner-script')
    expect(all).toContain((responder.user as User).name)
  })

  it('revokes a token so the API refuses it', async () => {
    t = createTestApp()
    const { client, user } = await signedIn('responder')
    const { token, secret } = await createApiToken(t.deps, CLI_ACTOR, {
      name: 'old',
      userId: user.id,
    })
    await client.get('/console/tokens')
    const res = await client.post(`/console/tokens/${token.id}/revoke`)
    expect(res.status).toBe(303)
    expect(res.headers.get('Location')).toBe('/console/tokens?revoked=1')
    expect((await apiClient(t, secret)('GET', '/components')).status).toBe(401)
  })

  it('does not let a responder revoke an owner’s token', async () => {
    t = createTestApp()
    const owner = await signedIn('owner')
    const responder = await signedIn('responder')
    const { token, secret } = await createApiToken(t.deps, CLI_ACTOR, {
      name: 'keep',
      userId: owner.user.id,
    })
    await responder.client.get('/console/tokens')
    const res = await responder.client.post(`/console/tokens/${token.id}/revoke`)
    expect(res.status).toBe(403)
    expect((await apiClient(t, secret)('GET', '/components')).status).toBe(200)
  })

  it('refuses a revoke without the CSRF token', async () => {
    t = createTestApp()
    const { client, user } = await signedIn('owner')
    const { token } = await createApiToken(t.deps, CLI_ACTOR, { name: 'keep', userId: user.id })
    const res = await client.post(`/console/tokens/${token.id}/revoke`, { _csrf: 'wrong' })
    expect(res.status).toBe(403)
    expect(await t.deps.store.listTokens()).toHaveLength(1)
  })

  it('sends a visitor who is not signed in to the login page', async () => {
    t = createTestApp()
    await signedIn('owner')
    const res = await createClient(t.app).get('/console/tokens')
    expect(res.status).toBe(302)
    expect(res.headers.get('Location')).toMatch(/^\/console\/login/)
  })
})
