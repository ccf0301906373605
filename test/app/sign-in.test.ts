import { afterEach, describe, expect, it } from 'vitest'
import { CLI_ACTOR } from '../../src/app/actor.ts'
import { createUser } from '../../src/app/create-user.ts'
import { INVALID_CREDENTIALS, signIn } from '../../src/app/sign-in.ts'
import { signOut } from '../../src/app/sign-out.ts'
import { createTestApp, type TestApp } from '../support/app.ts'

let t: TestApp
afterEach(() => t?.close())

const PASSWORD = 'long enough password'

async function withOwner(env: Record<string, string> = {}) {
  t = createTestApp({ env })
  return createUser(t.deps, CLI_ACTOR, {
    email: 'ada@example.com',
    name: 'Ada',
    role: 'owner',
    password: PASSWORD,
  })
}

describe('signIn', () => {
  it('opens a session stored under the SHA-256 of the token it returns', async () => {
    const user = await withOwner({ SESSION_TTL_HOURS: '24' })
    const result = await signIn(t.deps, {
      email: 'ADA@example.com ',
      password: PASSWORD,
      clientAddress: '192.0.2.1',
    })
    expect(result.user.id).toBe(user.id)
    expect(result.token).toMatch(/^[A-Za-z0-9_-]{40,}$/)
    const stored = await t.deps.store.getSession(await t.deps.secrets.sha256(result.token))
    expect(stored).toEqual({
      id: result.session.id,
      userId: user.id,
      csrfToken: result.session.csrfToken,
      createdAt: t.clock.now(),
      expiresAt: t.clock.now() + 24 * 3_600_000,
    })
    expect(stored!.csrfToken).not.toBe(result.token)
  })

  it('gives a wrong password and an unknown email the same UNAUTHORIZED answer', async () => {
    await withOwner()
    for (const attempt of [
      { email: 'ada@example.com', password: 'wrong password' },
      { email: 'nobody@example.com', password: PASSWORD },
      { email: 'not an email at all', password: PASSWORD },
    ]) {
      await expect(
        signIn(t.deps, { ...attempt, clientAddress: '192.0.2.1' }),
      ).rejects.toMatchObject({
        code: 'UNAUTHORIZED',
        message: INVALID_CREDENTIALS,
      })
    }
  })

  it('replaces the session it is given', async () => {
    await withOwner()
    const first = await signIn(t.deps, {
      email: 'ada@example.com',
      password: PASSWORD,
      clientAddress: 'a',
    })
    const second = await signIn(t.deps, {
      email: 'ada@example.com',
      password: PASSWORD,
      clientAddress: 'a',
      replacesSessionId: first.session.id,
    })
    expect(second.session.id).not.toBe(first.session.id)
    expect(await t.deps.store.getSession(first.session.id)).toBeNull()
    expect(await t.deps.store.getSession(second.session.id)).not.toBeNull()
  })

  it('stops verifying once over the limit and says when to retry', async () => {
    await withOwner({ LOGIN_MAX_ATTEMPTS: '2', LOGIN_WINDOW_SECONDS: '60' })
    t.clock.advance(15_000) // TEST_NOW sits on a window boundary; 45 s of this window remain
    const attempt = (password: string) =>
      signIn(t.deps, { email: 'ada@example.com', password, clientAddress: '192.0.2.1' })
    await expect(attempt('wrong password')).rejects.toMatchObject({ code: 'UNAUTHORIZED' })
    await expect(attempt('wrong password')).rejects.toMatchObject({ code: 'UNAUTHORIZED' })
    await expect(attempt(PASSWORD)).rejects.toMatchObject({
      code: 'RATE_LIMITED',
      retryAfterSeconds: 45,
    })
    t.clock.advance(45_000)
    await expect(attempt(PASSWORD)).resolves.toMatchObject({ user: { email: 'ada@example.com' } })
  })

  it('records sign-in and sign-out in the audit log without tokens', async () => {
    const user = await withOwner()
    const { token, session } = await signIn(t.deps, {
      email: 'ada@example.com',
      password: PASSWORD,
      clientAddress: 'a',
    })
    await signOut(t.deps, { id: user.id, label: 'Ada', role: 'owner', via: 'console' }, session)
    expect(await t.deps.store.getSession(session.id)).toBeNull()
    const entries = await t.deps.store.listAudit()
    expect(entries.map((e) => e.action)).toEqual(['user.sign_out', 'user.sign_in', 'user.create'])
    const text = JSON.stringify(entries)
    expect(text).not.toContain(token)
    expect(text).not.toContain(session.id)
    expect(text).not.toContain(session.csrfToken)
  })
})
