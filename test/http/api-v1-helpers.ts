import { CLI_ACTOR } from '../../src/app/actor.ts'
import { createApiToken } from '../../src/app/create-api-token.ts'
import { createUser } from '../../src/app/create-user.ts'
import type { Role, TokenScope } from '../../src/domain/enums.ts'
import { createTestApp, type TestApp } from '../support/app.ts'

// Shared by the /api/v1 tests: a real app, a user of the given role and a token for them.

export async function addUserWithToken(
  t: TestApp,
  opts: { role?: Role; scope?: TokenScope; email?: string; name?: string } = {},
) {
  const role = opts.role ?? 'owner'
  const user = await createUser(t.deps, CLI_ACTOR, {
    email: opts.email ?? `${role}-${opts.scope ?? 'default'}@example.com`,
    name: opts.name ?? `Ada ${role}`,
    role,
    password: 'correct horse battery',
  })
  const { token, secret } = await createApiToken(t.deps, CLI_ACTOR, {
    name: 'script',
    userId: user.id,
    ...(opts.scope ? { scope: opts.scope } : {}),
  })
  return { user, token, secret }
}

export type Api = (
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<Response>

/** Requests against /api/v1 with a bearer token; `body` strings are sent verbatim. */
export function apiClient(t: TestApp, secret: string | null): Api {
  return async (method, path, body, headers = {}) =>
    t.app.request(`http://localhost/api/v1${path}`, {
      method,
      headers: {
        ...(secret ? { Authorization: `Bearer ${secret}` } : {}),
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined
        ? { body: typeof body === 'string' ? body : JSON.stringify(body) }
        : {}),
    })
}

export async function setUp(opts: Parameters<typeof addUserWithToken>[1] = {}) {
  const t = createTestApp()
  const who = await addUserWithToken(t, opts)
  return { t, ...who, api: apiClient(t, who.secret) }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const json = async (res: Response): Promise<any> => res.json()
