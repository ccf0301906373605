import { z } from 'zod'
import { TOKEN_SCOPES } from '../domain/enums.ts'
import { forbidden, invalid, notFound } from '../domain/errors.ts'
import type { ApiToken } from '../domain/types.ts'
import type { Actor } from './actor.ts'
import { audit } from './audit.ts'
import type { Deps } from './deps.ts'
import { Id } from './schemas.ts'

export const TOKEN_PREFIX = 'hrld_'
/** Characters after `hrld_` kept in clear for display, so a user can tell tokens apart. */
export const TOKEN_DISPLAY_CHARS = 8

export const TokenScopeSchema = z.enum(TOKEN_SCOPES, {
  error: `must be one of ${TOKEN_SCOPES.join(', ')}`,
})

export const CreateApiTokenInput = z.object({
  name: z.string().trim().min(1, 'is required').max(100, 'must be at most 100 characters'),
  /** Defaults to write, or read for a viewer (who may hold only read tokens). */
  scope: TokenScopeSchema.optional(),
  /** The token's user; defaults to the actor. Only owners (and the CLI) create tokens for others. */
  userId: Id.optional(),
})
export type CreateApiTokenInput = z.input<typeof CreateApiTokenInput>

export interface CreatedApiToken {
  token: ApiToken
  /** The only time the raw token exists outside its holder: it is stored as a SHA-256. */
  secret: string
}

/** The token row as it may appear in the audit log: never the hash. */
export const tokenForAudit = ({ tokenHash: _hash, ...rest }: ApiToken) => rest

export async function createApiToken(
  deps: Pick<Deps, 'store' | 'clock' | 'ids' | 'secrets'>,
  actor: Actor,
  raw: CreateApiTokenInput,
): Promise<CreatedApiToken> {
  const input = CreateApiTokenInput.parse(raw)
  const userId = input.userId ?? actor.id
  if (!userId) throw invalid('userId', 'is required')
  if (userId !== actor.id && actor.role !== 'owner')
    throw forbidden('Only owners can create tokens for other users')
  const user = await deps.store.getUser(userId)
  if (!user) throw notFound('User', userId)
  const scope = input.scope ?? (user.role === 'viewer' ? 'read' : 'write')
  // A viewer's write token could never write; refusing it keeps the token list honest.
  if (scope === 'write' && user.role === 'viewer')
    throw invalid('scope', 'viewers can only have read tokens')
  const secret = TOKEN_PREFIX + deps.secrets.token(32)
  const token: ApiToken = {
    id: deps.ids.next(),
    userId: user.id,
    name: input.name,
    scope,
    tokenHash: await deps.secrets.sha256(secret),
    prefix: secret.slice(TOKEN_PREFIX.length, TOKEN_PREFIX.length + TOKEN_DISPLAY_CHARS),
    createdAt: deps.clock.now(),
    lastUsedAt: null,
  }
  await deps.store.commit([
    { type: 'token.insert', token },
    audit(deps, actor, 'token.create', { type: 'token', id: token.id }, null, tokenForAudit(token)),
  ])
  return { token, secret }
}
