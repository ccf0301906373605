import { afterEach, describe, expect, it } from 'vitest'
import { CLI_ACTOR } from '../../src/app/actor.ts'
import { revokeApiToken } from '../../src/app/revoke-api-token.ts'
import { MINUTE_MS } from '../../src/domain/time.ts'
import { createTestApp, TEST_NOW, type TestApp } from '../support/app.ts'
import { addUserWithToken, apiClient, json } from './api-v1-helpers.ts'

let t: TestApp
afterEach(() => t?.close())

async function fixture() {
  t = createTestApp()
  const owner = await addUserWithToken(t, { role: 'owner' })
  const ownerApi = apiClient(t, owner.secret)
  const component = await json(await ownerApi('POST', '/components', { name: 'Website' }))
  const incident = await json(
    await ownerApi('POST', '/incidents', {
      name: 'Down',
      impact: 'major',
      status: 'investigating',
      body: 'Down.',
    }),
  )
  return { owner, ownerApi, component, incident }
}

// One request per kind of write, with a valid body, so only permissions decide the answer.
function writes(componentId: string, incidentId: string, eventId: string) {
  return [
    ['POST', '/components', { name: 'New' }],
    ['PATCH', `/components/${componentId}`, { name: 'Renamed' }],
    ['DELETE', `/components/${componentId}`, undefined],
    ['POST', '/groups', { name: 'Group' }],
    ['POST', '/incidents', { name: 'New', impact: 'minor', status: 'investigating', body: 'x' }],
    ['PATCH', `/incidents/${incidentId}`, { name: 'Renamed' }],
    ['POST', `/incidents/${incidentId}/updates`, { body: 'More.' }],
    ['PATCH', `/incidents/${incidentId}/updates/${eventId}`, { body: 'Edited.' }],
    ['POST', `/incidents/${incidentId}/resolve`, {}],
    ['DELETE', `/incidents/${incidentId}`, undefined],
  ] as const
}

describe('/api/v1 authentication', () => {
  it.each([
    ['no Authorization header', undefined],
    ['another scheme', 'Basic YWRhOnB3'],
    ['Bearer with no token', 'Bearer'],
    ['a token that is not ours', 'Bearer ghp_abcdefghijklmnopqrstuvwxyz0123456789'],
    ['an unknown hrld_ token', 'Bearer hrld_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
  ])('answers 401 with a Bearer challenge for %s', async (_what, header) => {
    await fixture()
    const res = await t.app.request('http://localhost/api/v1/components', {
      headers: header ? { Authorization: header } : {},
    })
    expect(res.status).toBe(401)
    expect(res.headers.get('WWW-Authenticate')).toMatch(/^Bearer realm="herald"/)
    expect(await json(res)).toEqual({
      error: { code: 'UNAUTHORIZED', message: expect.any(String) },
    })
  })

  it('refuses a revoked token', async () => {
    const { owner } = await fixture()
    const api = apiClient(t, owner.secret)
    expect((await api('GET', '/components')).status).toBe(200)
    await revokeApiToken(t.deps, CLI_ACTOR, owner.token.id)
    const res = await api('GET', '/components')
    expect(res.status).toBe(401)
    expect(res.headers.get('WWW-Authenticate')).toContain('error="invalid_token"')
  })

  it('asks for a token before looking at the body or the route', async () => {
    await fixture()
    const anon = apiClient(t, null)
    expect((await anon('POST', '/incidents', '{not json')).status).toBe(401)
    expect((await anon('GET', '/no-such-thing')).status).toBe(401)
  })

  it('accepts the scheme name in any case', async () => {
    const { owner } = await fixture()
    const res = await t.app.request('http://localhost/api/v1/components', {
      headers: { Authorization: `bearer ${owner.secret}` },
    })
    expect(res.status).toBe(200)
  })
})

describe('/api/v1 permissions', () => {
  it('lets a read token read everything', async () => {
    const { incident, component } = await fixture()
    const reader = await addUserWithToken(t, { role: 'responder', scope: 'read' })
    const api = apiClient(t, reader.secret)
    for (const path of [
      '/components',
      `/components/${component.id}`,
      '/groups',
      '/incidents',
      `/incidents/${incident.id}`,
    ])
      expect((await api('GET', path)).status, path).toBe(200)
  })

  it('refuses every write with a read token, even from an owner', async () => {
    const { incident, component } = await fixture()
    const reader = await addUserWithToken(t, {
      role: 'owner',
      scope: 'read',
      email: 'reader@example.com',
    })
    const api = apiClient(t, reader.secret)
    for (const [method, path, body] of writes(component.id, incident.id, incident.events[0].id)) {
      const res = await api(method, path, body)
      expect(res.status, `${method} ${path}`).toBe(403)
      expect((await json(res)).error.code).toBe('FORBIDDEN')
      expect(res.headers.get('WWW-Authenticate')).toContain('insufficient_scope')
    }
    // Nothing changed.
    expect((await json(await api('GET', `/components/${component.id}`))).name).toBe('Website')
  })

  it('refuses a read token’s write with 403 even when the body is malformed', async () => {
    await fixture()
    const reader = await addUserWithToken(t, { role: 'responder', scope: 'read' })
    const res = await apiClient(t, reader.secret)('POST', '/incidents', '[1,2')
    expect(res.status).toBe(403)
  })

  it('refuses every write by a viewer’s token', async () => {
    const { incident, component } = await fixture()
    const viewer = await addUserWithToken(t, { role: 'viewer' })
    expect(viewer.token.scope).toBe('read')
    const api = apiClient(t, viewer.secret)
    for (const [method, path, body] of writes(component.id, incident.id, incident.events[0].id))
      expect((await api(method, path, body)).status, `${method} ${path}`).toBe(403)
    expect((await api('GET', '/incidents')).status).toBe(200)
  })

  it('lets a responder write but not delete incidents, which is for owners', async () => {
    const { incident } = await fixture()
    const responder = await addUserWithToken(t, { role: 'responder' })
    const api = apiClient(t, responder.secret)
    expect(
      (await api('POST', `/incidents/${incident.id}/updates`, { body: 'On it.' })).status,
    ).toBe(201)
    expect((await api('POST', '/components', { name: 'API' })).status).toBe(201)
    const del = await api('DELETE', `/incidents/${incident.id}`)
    expect(del.status).toBe(403)
    expect((await json(del)).error.code).toBe('FORBIDDEN')
    expect((await api('GET', `/incidents/${incident.id}`)).status).toBe(200)
  })

  it('follows a change of the user’s role at once', async () => {
    const { incident } = await fixture()
    const responder = await addUserWithToken(t, { role: 'responder' })
    await t.deps.store.commit([
      { type: 'user.update', user: { ...responder.user, role: 'viewer' } },
    ])
    const res = await apiClient(t, responder.secret)('POST', `/incidents/${incident.id}/updates`, {
      body: 'x',
    })
    expect(res.status).toBe(403)
  })
})

describe('/api/v1 token bookkeeping', () => {
  it('records when a token was last used, at most once a minute', async () => {
    const { owner } = await fixture()
    const api = apiClient(t, owner.secret)
    const lastUsed = async () =>
      (await t.deps.store.listTokens()).find((x) => x.id === owner.token.id)!.lastUsedAt
    const audited = (await t.deps.store.listAudit({ limit: 1000 })).length

    t.clock.set(TEST_NOW + 10 * MINUTE_MS)
    await api('GET', '/components')
    expect(await lastUsed()).toBe(TEST_NOW + 10 * MINUTE_MS)

    t.clock.advance(30_000)
    await api('GET', '/components')
    await api('GET', '/incidents')
    expect(await lastUsed()).toBe(TEST_NOW + 10 * MINUTE_MS)

    t.clock.advance(31_000)
    await api('GET', '/components')
    expect(await lastUsed()).toBe(TEST_NOW + 10 * MINUTE_MS + 61_000)
    // Bookkeeping, not a change anyone made: no audit entries.
    expect((await t.deps.store.listAudit({ limit: 1000 })).length).toBe(audited)
  })
})
