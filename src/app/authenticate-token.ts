import type { ApiToken, User } from '../domain/types.ts'
import type { Actor } from './actor.ts'
import { TOKEN_PREFIX } from './create-api-token.ts'
import type { Deps } from './deps.ts'

export const TOUCH_INTERVAL_MS = 60_000

// Shape check before hashing: anything else cannot be one of ours, so it costs no store read.
const TOKEN_SHAPE = /^hrld_[A-Za-z0-9_-]{20,100}$/

export interface Authenticated {
  token: ApiToken
  user: User
  actor: Actor
}

/** A token acts as its user, but a read-scoped token can only read whatever its user's role. */
export function apiActor(user: User, token: Pick<ApiToken, 'scope'>): Actor {
  return {
    id: user.id,
    label: user.name,
    role: token.scope === 'read' ? 'viewer' : user.role,
    via: 'api',
  }
}

// Tokens touched recently by this process (hash → ms). The stored lastUsedAt alone would let every
// request that arrives before the first touch commits write again; this keeps it to about one
// write a minute per token. Per process (or isolate) only: a lost entry costs one extra write.
const recentTouches = new Map<string, number>()

/** Resolves a bearer token to its user, or null when it is malformed, unknown or revoked. */
export async function authenticateToken(
  deps: Pick<Deps, 'store' | 'secrets' | 'clock' | 'log'>,
  raw: string,
): Promise<Authenticated | null> {
  if (!raw.startsWith(TOKEN_PREFIX) || !TOKEN_SHAPE.test(raw)) return null
  const hash = await deps.secrets.sha256(raw)
  const token = await deps.store.getTokenByHash(hash)
  if (!token) return null
  const user = await deps.store.getUser(token.userId)
  if (!user) return null
  const now = deps.clock.now()
  const last = Math.max(token.lastUsedAt ?? -Infinity, recentTouches.get(hash) ?? -Infinity)
  if (!(now - last < TOUCH_INTERVAL_MS)) {
    if (recentTouches.size >= 10_000) recentTouches.clear()
    recentTouches.set(hash, now)
    try {
      await deps.store.commit([{ type: 'token.touch', id: token.id, at: now }])
      token.lastUsedAt = now
    } catch (err) {
      // Bookkeeping only: a failed touch must not fail the request it rides on.
      deps.log.warn('could not record API token use', {
        token: token.id,
        error: err instanceof Error ? err.message : String(err),
      })
    }
  }
  return { token, user, actor: apiActor(user, token) }
}
