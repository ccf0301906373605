import type { Session } from '../domain/types.ts'
import type { Actor } from './actor.ts'
import { audit } from './audit.ts'
import type { Deps } from './deps.ts'

/** Ends one session (this browser); the user's other sessions stay. */
export async function signOut(deps: Deps, actor: Actor, session: Session): Promise<void> {
  await deps.store.commit([
    { type: 'session.delete', id: session.id },
    audit(deps, actor, 'user.sign_out', { type: 'user', id: session.userId }, null, null),
  ])
}
