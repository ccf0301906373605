import type { Context, MiddlewareHandler } from 'hono'
import { canWrite, type Actor } from '../../app/actor.ts'
import { apiActor, authenticateToken } from '../../app/authenticate-token.ts'
import { AppError } from '../../domain/errors.ts'
import type { AppEnv } from '../env.ts'

// Bearer API tokens for /api/v1 (RFC 6750): `Authorization: Bearer hrld_…`. A 401 always carries
// WWW-Authenticate so clients know which scheme to use.

const REALM = 'Bearer realm="herald"'
const BEARER = /^Bearer +(\S+) *$/i

export const bearerAuth: MiddlewareHandler<AppEnv> = async (c, next) => {
  const match = BEARER.exec(c.req.header('Authorization') ?? '')
  if (!match) {
    c.header('WWW-Authenticate', REALM)
    throw new AppError(
      'UNAUTHORIZED',
      'An API token is required: send Authorization: Bearer hrld_…',
    )
  }
  const auth = await authenticateToken(c.var.deps, match[1]!)
  if (!auth) {
    c.header('WWW-Authenticate', `${REALM}, error="invalid_token"`)
    throw new AppError('UNAUTHORIZED', 'The API token is invalid or has been revoked')
  }
  c.set('apiToken', auth.token)
  c.set('user', auth.user)
  await next()
}

/** The actor an authenticated API request acts as. */
export function apiActorOf(c: Context<AppEnv>): Actor {
  const { user, apiToken } = c.var
  if (!user || !apiToken) throw new AppError('UNAUTHORIZED', 'An API token is required')
  return apiActor(user, apiToken)
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * Refuses writes by read tokens and viewers before the body is even read, so such a client gets
 * 403 rather than a validation error. The use cases check roles again.
 */
export const requireWriteForMutations: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (SAFE_METHODS.has(c.req.method)) return next()
  const actor = apiActorOf(c)
  if (!canWrite(actor)) {
    if (c.var.apiToken?.scope === 'read') {
      c.header('WWW-Authenticate', `${REALM}, error="insufficient_scope"`)
      throw new AppError(
        'FORBIDDEN',
        'This API token is read-only; create a write token to make changes',
      )
    }
    throw new AppError(
      'FORBIDDEN',
      `This needs the owner or responder role; ${actor.label} is ${actor.role}`,
    )
  }
  await next()
}
