import { afterEach, describe, expect, it } from 'vitest'
import { CLI_ACTOR, type Actor } from '../../src/app/actor.ts'
import { changeUserRole } from '../../src/app/change-user-role.ts'
import { createUser } from '../../src/app/create-user.ts'
import { removeUser } from '../../src/app/remove-user.ts'
import { consoleActor, signIn } from '../../src/app/sign-in.ts'
import type { Role } from '../../src/domain/enums.ts'
import { createTestApp, type TestApp } from '../support/app.ts'

let t: TestApp
afterEach(() => t?.close())

const PASSWORD = 'long enough password'
const add = (role: Role, email = `${role}@example.com`) =>
  createUser(t.deps, CLI_ACTOR, { email, name: `The ${role}`, role, password: PASSWORD })
const sessionOf = async (email: string) =>
  (await signIn(t.deps, { email, password: PASSWORD, clientAddress: 'test' })).session

describe('changeUserRole', () => {
  it('changes the role, ends every session of that user and audits before and after', async () => {
    t = createTestApp()
    const owner = await add('owner')
    const rita = await add('responder')
    const s1 = await sessionOf('responder@example.com')
    const s2 = await sessionOf('responder@example.com')
    const mine = await sessionOf('owner@example.com')

    const after = await changeUserRole(t.deps, consoleActor(owner), {
      userId: rita.id,
      role: 'viewer',
    })
    expect(after.role).toBe('viewer')
    expect((await t.deps.store.getUser(rita.id))!.role).toBe('viewer')
    expect(await t.deps.store.getSession(s1.id)).toBeNull()
    expect(await t.deps.store.getSession(s2.id)).toBeNull()
    expect(await t.deps.store.getSession(mine.id)).not.toBeNull()

    const [entry] = await t.deps.store.listAudit({ limit: 1 })
    expect(entry).toMatchObject({
      action: 'user.change_role',
      actorId: owner.id,
      entityId: rita.id,
      before: { role: 'responder', email: 'responder@example.com' },
      after: { role: 'viewer', email: 'responder@example.com' },
    })
    expect(JSON.stringify(entry)).not.toContain('scrypt')
  })

  it('never leaves zero owners', async () => {
    t = createTestApp()
    const owner = await add('owner')
    await expect(
      changeUserRole(t.deps, consoleActor(owner), { userId: owner.id, role: 'viewer' }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
    })
    expect((await t.deps.store.getUser(owner.id))!.role).toBe('owner')
    const second = await add('owner', 'second@example.com')
    await changeUserRole(t.deps, consoleActor(owner), { userId: second.id, role: 'responder' })
    expect((await t.deps.store.getUser(second.id))!.role).toBe('responder')
  })

  it('is a no-op, without an audit entry, when the role is unchanged', async () => {
    t = createTestApp()
    const owner = await add('owner')
    const rita = await add('responder')
    const s = await sessionOf('responder@example.com')
    const before = (await t.deps.store.listAudit()).length
    await changeUserRole(t.deps, consoleActor(owner), { userId: rita.id, role: 'responder' })
    expect(await t.deps.store.listAudit()).toHaveLength(before)
    expect(await t.deps.store.getSession(s.id)).not.toBeNull()
  })

  it('is for owners only, and names unknown users', async () => {
    t = createTestApp()
    await add('owner')
    const rita = await add('responder')
    const asRita: Actor = consoleActor(rita)
    await expect(
      changeUserRole(t.deps, asRita, { userId: rita.id, role: 'owner' }),
    ).rejects.toMatchObject({
      code: 'FORBIDDEN',
    })
    await expect(
      changeUserRole(t.deps, CLI_ACTOR, { userId: 'missing', role: 'owner' }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
  })
})

describe('removeUser', () => {
  it('removes the user with their sessions, and audits what they were', async () => {
    t = createTestApp()
    const owner = await add('owner')
    const rita = await add('responder')
    const s = await sessionOf('responder@example.com')
    await removeUser(t.deps, consoleActor(owner), { userId: rita.id })
    expect(await t.deps.store.getUser(rita.id)).toBeNull()
    expect(await t.deps.store.getSession(s.id)).toBeNull()
    const [entry] = await t.deps.store.listAudit({ limit: 1 })
    expect(entry).toMatchObject({
      action: 'user.remove',
      before: { id: rita.id, role: 'responder' },
      after: null,
    })
  })

  it('refuses to remove yourself or the last owner', async () => {
    t = createTestApp()
    const owner = await add('owner')
    await expect(
      removeUser(t.deps, consoleActor(owner), { userId: owner.id }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
    })
    // The command line is nobody, so only the last-owner rule can stop it.
    await expect(removeUser(t.deps, CLI_ACTOR, { userId: owner.id })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('last owner'),
    })
    expect(await t.deps.store.getUser(owner.id)).not.toBeNull()
  })

  it('is for owners only', async () => {
    t = createTestApp()
    const owner = await add('owner')
    const viewer = await add('viewer')
    await expect(
      removeUser(t.deps, consoleActor(viewer), { userId: owner.id }),
    ).rejects.toMatchObject({
      code: 'FORBIDDEN',
    })
  })
})
