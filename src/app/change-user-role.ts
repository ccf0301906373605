import { z } from 'zod'
import { AppError, notFound } from '../domain/errors.ts'
import type { User } from '../domain/types.ts'
import { assertRole, type Actor } from './actor.ts'
import { audit } from './audit.ts'
import { publicUser } from './create-user.ts'
import type { Deps } from './deps.ts'
import { Role } from './validation.ts'

export const ChangeUserRoleInput = z.object({
  userId: z.string({ error: 'Choose a user' }).min(1, 'Choose a user').max(100),
  role: Role,
})
export type ChangeUserRoleInput = z.input<typeof ChangeUserRoleInput>

export const lastOwner = (what: string) =>
  new AppError(
    'CONFLICT',
    `Cannot ${what} the last owner: Herald needs at least one. Make someone else an owner first.`,
  )

/**
 * Changes a user's role and signs them out everywhere, so the new role applies at once rather
 * than when an old session happens to expire.
 */
export async function changeUserRole(
  deps: Deps,
  actor: Actor,
  input: ChangeUserRoleInput,
): Promise<User> {
  assertRole(actor, 'owner')
  const { userId, role } = ChangeUserRoleInput.parse(input)
  const before = await deps.store.getUser(userId)
  if (!before) throw notFound('User', userId)
  if (before.role === role) return before
  if (before.role === 'owner') {
    const owners = (await deps.store.listUsers()).filter((u) => u.role === 'owner')
    if (owners.length <= 1) throw lastOwner('demote')
  }
  const after: User = { ...before, role }
  await deps.store.commit([
    { type: 'user.update', user: after },
    { type: 'session.deleteForUser', userId },
    audit(
      deps,
      actor,
      'user.change_role',
      { type: 'user', id: userId },
      publicUser(before),
      publicUser(after),
    ),
  ])
  return after
}
