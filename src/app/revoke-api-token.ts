import { forbidden, notFound } from '../domain/errors.ts'
import type { ApiToken } from '../domain/types.ts'
import type { Actor } from './actor.ts'
import { audit } from './audit.ts'
import { tokenForAudit } from './create-api-token.ts'
import type { Deps } from './deps.ts'

/** Everyone manages their own tokens; owners (and the CLI) manage everyone's. */
export const canManageToken = (actor: Actor, token: Pick<ApiToken, 'userId'>) =>
  actor.role === 'owner' || (actor.id !== null && token.userId === actor.id)

export async function revokeApiToken(
  deps: Pick<Deps, 'store' | 'clock' | 'ids'>,
  actor: Actor,
  tokenId: string,
): Promise<ApiToken> {
  const token = (await deps.store.listTokens()).find((t) => t.id === tokenId)
  if (!token) throw notFound('Token', tokenId)
  if (!canManageToken(actor, token)) throw forbidden('You can only revoke your own tokens')
  await deps.store.commit([
    { type: 'token.delete', id: token.id },
    audit(deps, actor, 'token.revoke', { type: 'token', id: token.id }, tokenForAudit(token), null),
  ])
  return token
}
