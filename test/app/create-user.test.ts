import { afterEach, describe, expect, it } from 'vitest'
import { CLI_ACTOR, type Actor } from '../../src/app/actor.ts'
import { createUser, setUpFirstOwner } from '../../src/app/create-user.ts'
import { AppError } from '../../src/domain/errors.ts'
import { createTestApp, type TestApp } from '../support/app.ts'

let t: TestApp
afterEach(() => t?.close())

const PASSWORD = 'long enough password'
const responder: Actor = { id: 'someone', label: 'Rita', role: 'responder', via: 'console' }
const setup = (email: string) => ({
  name: 'Ada',
  email,
  password: PASSWORD,
  confirm: PASSWORD,
  pageName: 'Acme Status',
  timeZone: 'UTC',
})

async function rejection(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(AppError)
  return err as AppError
}

describe('createUser', () => {
  it('stores the user with a lowercased email and a hash that verifies the password', async () => {
    t = createTestApp()
    const user = await createUser(t.deps, CLI_ACTOR, {
      email: ' Grace@Example.COM ',
      name: ' Grace ',
      role: 'viewer',
      password: PASSWORD,
    })
    const stored = await t.deps.store.getUser(user.id)
    expect(stored).toMatchObject({ email: 'grace@example.com', name: 'Grace', role: 'viewer' })
    expect(stored!.passwordHash).toMatch(/^scrypt\$/)
    expect(await t.deps.passwords.verify(PASSWORD, stored!.passwordHash)).toBe(true)
  })

  it('writes an audit entry in the same commit, without the password hash', async () => {
    t = createTestApp()
    const user = await createUser(t.deps, CLI_ACTOR, {
      email: 'g@example.com',
      name: 'G',
      role: 'owner',
      password: PASSWORD,
    })
    const [entry] = await t.deps.store.listAudit()
    expect(entry).toMatchObject({
      action: 'user.create',
      actorId: null,
      actorLabel: 'command line',
      entityType: 'user',
      entityId: user.id,
      before: null,
      after: {
        id: user.id,
        email: 'g@example.com',
        name: 'G',
        role: 'owner',
        createdAt: t.clock.now(),
      },
    })
    expect(entry!.after).not.toHaveProperty('passwordHash')
  })

  it('refuses a taken email whatever its case, naming the field', async () => {
    t = createTestApp()
    await createUser(t.deps, CLI_ACTOR, {
      email: 'g@example.com',
      name: 'G',
      role: 'owner',
      password: PASSWORD,
    })
    const err = await rejection(
      createUser(t.deps, CLI_ACTOR, {
        email: 'G@EXAMPLE.com',
        name: 'G2',
        role: 'viewer',
        password: PASSWORD,
      }),
    )
    expect(err.code).toBe('CONFLICT')
    expect(err.issues.map((i) => i.field)).toEqual(['email'])
    expect(await t.deps.store.countUsers()).toBe(1)
  })

  it('lets only owners add users', async () => {
    t = createTestApp()
    const err = await rejection(
      createUser(t.deps, responder, {
        email: 'g@example.com',
        name: 'G',
        role: 'owner',
        password: PASSWORD,
      }),
    )
    expect(err.code).toBe('FORBIDDEN')
    expect(await t.deps.store.countUsers()).toBe(0)
  })

  it('rejects a password under 10 characters', async () => {
    t = createTestApp()
    const result = createUser(t.deps, CLI_ACTOR, {
      email: 'g@example.com',
      name: 'G',
      role: 'owner',
      password: '123456789',
    })
    await expect(result).rejects.toMatchObject({
      issues: [expect.objectContaining({ path: ['password'] })],
    })
  })
})

describe('setUpFirstOwner', () => {
  it('creates the owner, the settings and a session in one go', async () => {
    t = createTestApp()
    const { user, token, session, settings } = await setUpFirstOwner(
      t.deps,
      setup('ada@example.com'),
    )
    expect(user.role).toBe('owner')
    expect(await t.deps.store.getSettings()).toEqual(settings)
    expect(settings).toMatchObject({ pageName: 'Acme Status', timeZone: 'UTC' })
    expect(await t.deps.store.getSession(await t.deps.secrets.sha256(token))).toEqual(session)
    const [entry] = await t.deps.store.listAudit()
    expect(entry).toMatchObject({ action: 'setup.complete', actorId: user.id, actorLabel: 'Ada' })
    expect(JSON.stringify(entry)).not.toMatch(/passwordHash|scrypt/)
  })

  it('is refused once any user exists', async () => {
    t = createTestApp()
    await createUser(t.deps, CLI_ACTOR, {
      email: 'cli@example.com',
      name: 'C',
      role: 'owner',
      password: PASSWORD,
    })
    const err = await rejection(setUpFirstOwner(t.deps, setup('ada@example.com')))
    expect(err.code).toBe('CONFLICT')
    expect(await t.deps.store.countUsers()).toBe(1)
  })

  it('lets only one of many racing setups with different emails through', async () => {
    t = createTestApp()
    // Eight at once reliably get past the user-count checks together (each hashes a password in
    // between), so only the write set itself can keep the second owner out.
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => setUpFirstOwner(t.deps, setup(`owner${i}@example.com`))),
    )
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    for (const r of results) {
      if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'CONFLICT' })
    }
    const users = await t.deps.store.listUsers()
    expect(users).toHaveLength(1)
    // The loser left nothing behind: one session, one audit entry.
    expect(await t.deps.store.listAudit()).toHaveLength(1)
  })
})

describe('setUpFirstOwner on a database whose users were deleted by hand', () => {
  it('points to the command line instead of failing obscurely', async () => {
    t = createTestApp()
    const { user } = await setUpFirstOwner(t.deps, setup('ada@example.com'))
    t.database.sqlite.prepare('delete from users where id = ?').run(user.id)
    const err = await rejection(setUpFirstOwner(t.deps, setup('bob@example.com')))
    expect(err.code).toBe('CONFLICT')
    expect(err.message).toContain('herald user create')
  })
})
