import type { Role } from '../domain/enums.ts'
import { forbidden } from '../domain/errors.ts'
import type { User } from '../domain/types.ts'

/** Who is acting: a console user, an API token (acting for its user) or the command line. */
export interface Actor {
  id: string | null
  label: string
  role: Role
  via: 'console' | 'api' | 'cli' | 'system'
}

export const CLI_ACTOR: Actor = { id: null, label: 'command line', role: 'owner', via: 'cli' }

/** Role checks live in the use cases too, so the console, the API and the CLI agree. */
export function assertRole(actor: Actor, ...roles: Role[]) {
  if (!roles.includes(actor.role))
    throw forbidden(`This needs the ${roles.join(' or ')} role; ${actor.label} is ${actor.role}`)
}

export const canWrite = (actor: Actor) => actor.role === 'owner' || actor.role === 'responder'

/** A signed-in console user acting for themselves. */
export const consoleActor = (user: User): Actor => ({
  id: user.id,
  label: user.name,
  role: user.role,
  via: 'console',
})
