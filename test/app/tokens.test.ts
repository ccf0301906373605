import { afterEach, describe, expect, it } from 'vitest'
import { CLI_ACTOR } from '../../src/app/actor.ts'
import { authenticateToken, TOUCH_INTERVAL_MS } from '../../src/app/authenticate-token.ts'
import { createApiToken } from '../../src/app/create-api-token.ts'
import { createUser } from '../../src/app/create-user.ts'
import { revokeApiToken } from '../../src/app/revoke-api-token.ts'
import { consoleActor } from '../../src/app/sign-in.ts'
import type { Role } from '../../src/domain/enums.ts'
import { AppError } from '../../src/domain/errors.ts'
import { createTestApp, TEST_NOW, type TestApp } from '../support/app.ts'

let t: TestApp
afterEach(() => t?.close())

async function user(role: Role, email = `${role}@example.com`) {
  return createUser(t.deps, CLI_ACTOR, {
    email,
    name: `Sam ${role}`,
    role,
    password: 'long enough password',
  })
}

async function rejects(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(AppError)
  return err as AppError
}

describe('createApiToken', () => {
  it('returns an hrld_ token once and stores only its hash', async () => {
    t = createTestApp()
    const owner = await user('owner')
    const { token, secret } = await createApiToken(t.deps, consoleActor(owner), { name: 'deploys' })
    expect(secret).toMatch(/^hrld_[A-Za-z0-9_-]{40,}$/)
    expect(token).toMatchObject({
      userId: owner.id,
      name: 'deploys',
      scope: 'write',
      lastUsedAt: null,
    })
    expect(token.prefix).toBe(secret.slice(5, 13))
    expect(token.tokenHash).toMatch(/^[0-9a-f]{64}$/)
    expect(token.tokenHash).toBe(await t.deps.secrets.sha256(secret))

    // Nothing in the database (tokens, audit log, anything) holds the raw token or its random part.
    const tables = t.database.sqlite
      .prepare("select name from sqlite_master where type = 'table'")
      .all() as { name: string }[]
    let dump = ''
    for (const { name } of tables)
      dump += JSON.stringify(t.database.sqlite.prepare(`select * from "${name}"`).all())
    expect(dump).toContain(token.tokenHash)
    expect(dump).not.toContain(secret.slice(5))
  })

  it('gives every token its own secret', async () => {
    t = createTestApp()
    const owner = await user('owner')
    const a = await createApiToken(t.deps, consoleActor(owner), { name: 'a' })
    const b = await createApiToken(t.deps, consoleActor(owner), { name: 'a' })
    expect(a.secret).not.toBe(b.secret)
    expect(a.token.tokenHash).not.toBe(b.token.tokenHash)
  })

  it('gives a viewer a read token by default and refuses them a write token', async () => {
    t = createTestApp()
    const viewer = await user('viewer')
    const { token } = await createApiToken(t.deps, consoleActor(viewer), { name: 'dashboards' })
    expect(token.scope).toBe('read')
    const err = await rejects(
      createApiToken(t.deps, consoleActor(viewer), { name: 'x', scope: 'write' }),
    )
    expect(err.code).toBe('VALIDATION')
    expect(err.issues[0]?.field).toBe('scope')
    // Not even the command line can give a viewer write access.
    const cli = await rejects(
      createApiToken(t.deps, CLI_ACTOR, { name: 'x', scope: 'write', userId: viewer.id }),
    )
    expect(cli.code).toBe('VALIDATION')
  })

  it('lets only owners create tokens for someone else', async () => {
    t = createTestApp()
    const owner = await user('owner')
    const responder = await user('responder')
    const err = await rejects(
      createApiToken(t.deps, consoleActor(responder), { name: 'x', userId: owner.id }),
    )
    expect(err.code).toBe('FORBIDDEN')
    const { token } = await createApiToken(t.deps, consoleActor(owner), {
      name: 'ci',
      userId: responder.id,
    })
    expect(token.userId).toBe(responder.id)
  })

  it('refuses a blank name and an unknown user', async () => {
    t = createTestApp()
    await expect(createApiToken(t.deps, CLI_ACTOR, { name: '  ', userId: 'x' })).rejects.toThrow()
    const err = await rejects(createApiToken(t.deps, CLI_ACTOR, { name: 'x', userId: 'nobody' }))
    expect(err.code).toBe('NOT_FOUND')
  })

  it('records the creation in the audit log without the hash', async () => {
    t = createTestApp()
    const owner = await user('owner')
    const { token } = await createApiToken(t.deps, consoleActor(owner), { name: 'ci' })
    const entry = (await t.deps.store.listAudit()).find((e) => e.action === 'token.create')
    expect(entry).toMatchObject({ entityId: token.id, actorId: owner.id })
    expect(JSON.stringify(entry)).not.toContain(token.tokenHash)
  })
})

describe('revokeApiToken', () => {
  it('lets a user revoke their own token, and an owner anyone’s', async () => {
    t = createTestApp()
    const owner = await user('owner')
    const responder = await user('responder')
    const mine = await createApiToken(t.deps, consoleActor(responder), { name: 'mine' })
    const other = await createApiToken(t.deps, consoleActor(responder), { name: 'other' })
    await revokeApiToken(t.deps, consoleActor(responder), mine.token.id)
    await revokeApiToken(t.deps, consoleActor(owner), other.token.id)
    expect(await t.deps.store.listTokens()).toEqual([])
    expect(await authenticateToken(t.deps, mine.secret)).toBeNull()
  })

  it('refuses to revoke someone else’s token for a non-owner', async () => {
    t = createTestApp()
    const owner = await user('owner')
    const responder = await user('responder')
    const theirs = await createApiToken(t.deps, consoleActor(owner), { name: 'owner’s' })
    const err = await rejects(revokeApiToken(t.deps, consoleActor(responder), theirs.token.id))
    expect(err.code).toBe('FORBIDDEN')
    expect(await t.deps.store.listTokens()).toHaveLength(1)
  })

  it('answers NOT_FOUND for an unknown token', async () => {
    t = createTestApp()
    const err = await rejects(revokeApiToken(t.deps, CLI_ACTOR, 'nope'))
    expect(err.code).toBe('NOT_FOUND')
  })
})

describe('authenticateToken', () => {
  it('acts as the token’s user, limited to reading when the token is read-scoped', async () => {
    t = createTestApp()
    const responder = await user('responder')
    const write = await createApiToken(t.deps, CLI_ACTOR, { name: 'w', userId: responder.id })
    const read = await createApiToken(t.deps, CLI_ACTOR, {
      name: 'r',
      userId: responder.id,
      scope: 'read',
    })
    expect((await authenticateToken(t.deps, write.secret))?.actor).toEqual({
      id: responder.id,
      label: responder.name,
      role: 'responder',
      via: 'api',
    })
    expect((await authenticateToken(t.deps, read.secret))?.actor.role).toBe('viewer')
  })

  it('knows nothing of malformed, unknown or tampered tokens', async () => {
    t = createTestApp()
    const owner = await user('owner')
    const { secret } = await createApiToken(t.deps, CLI_ACTOR, { name: 'x', userId: owner.id })
    const flipped = secret.slice(0, -1) + (secret.endsWith('A') ? 'B' : 'A')
    for (const raw of [
      '',
      'hrld_',
      'hrld_short',
      secret.slice(5),
      `${secret} `,
      flipped,
      secret.toUpperCase(),
    ])
      expect(await authenticateToken(t.deps, raw), raw).toBeNull()
  })

  it('stops working when its user is removed', async () => {
    t = createTestApp()
    const responder = await user('responder')
    const { secret } = await createApiToken(t.deps, CLI_ACTOR, { name: 'x', userId: responder.id })
    await t.deps.store.commit([{ type: 'user.delete', id: responder.id }])
    expect(await authenticateToken(t.deps, secret)).toBeNull()
  })

  it('records use at most once per interval', async () => {
    t = createTestApp()
    const owner = await user('owner')
    const { token, secret } = await createApiToken(t.deps, CLI_ACTOR, {
      name: 'x',
      userId: owner.id,
    })
    const stored = async () =>
      (await t.deps.store.listTokens()).find((x) => x.id === token.id)?.lastUsedAt
    await authenticateToken(t.deps, secret)
    expect(await stored()).toBe(TEST_NOW)
    t.clock.advance(TOUCH_INTERVAL_MS - 1)
    await Promise.all([authenticateToken(t.deps, secret), authenticateToken(t.deps, secret)])
    expect(await stored()).toBe(TEST_NOW)
    t.clock.advance(1)
    await authenticateToken(t.deps, secret)
    expect(await stored()).toBe(TEST_NOW + TOUCH_INTERVAL_MS)
  })
})
