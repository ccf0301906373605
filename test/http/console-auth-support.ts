import { expect } from 'vitest'
import { CLI_ACTOR } from '../../src/app/actor.ts'
import { createUser } from '../../src/app/create-user.ts'
import type { Role } from '../../src/domain/enums.ts'
import type { TestApp } from '../support/app.ts'
import { createClient } from '../support/client.ts'

type Client = ReturnType<typeof createClient>

// Shared by the console auth/users tests: users made through the real use case, signed in
// through the real login form.

export const PASSWORD = 'correct horse battery'

export async function addUser(t: TestApp, role: Role, email = `${role}@example.com`) {
  return createUser(t.deps, CLI_ACTOR, { email, name: `The ${role}`, role, password: PASSWORD })
}

export async function signInAs(t: TestApp, email: string, password = PASSWORD) {
  const client = createClient(t.app)
  await client.get('/console/login')
  const res = await client.post('/console/login', { email, password })
  expect(res.status).toBe(303)
  return client
}

/** A user of `role` and a client signed in as them (the first user made is whatever role says). */
export async function signedIn(t: TestApp, role: Role, email = `${role}@example.com`) {
  const user = await addUser(t, role, email)
  return { user, client: await signInAs(t, email) }
}

/** The CSRF token bound to a client's session, for roles that can open no page with a form. */
export async function sessionCsrf(t: TestApp, client: Client): Promise<string> {
  const token = client.jar.get('herald_session')
  const session = token ? await t.deps.store.getSession(await t.deps.secrets.sha256(token)) : null
  if (!session) throw new Error('the client is not signed in')
  return session.csrfToken
}

/**
 * Creates the owner through the first-run setup form and returns the signed-in client, after
 * visiting `landing` so the client holds that page's session CSRF token.
 */
export async function setUpOwner(
  t: TestApp,
  opts: { timeZone?: string; landing?: string; password?: string } = {},
): Promise<Client> {
  const password = opts.password ?? PASSWORD
  const client = createClient(t.app)
  await client.get('/console/setup')
  const res = await client.post('/console/setup', {
    name: 'Olivia Owner',
    email: 'owner@example.com',
    password,
    confirm: password,
    pageName: 'Acme Status',
    timeZone: opts.timeZone ?? 'UTC',
  })
  expect(res.status).toBe(303)
  await client.get(opts.landing ?? '/console')
  return client
}
