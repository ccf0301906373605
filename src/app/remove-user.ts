import { z } from 'zod'
import { AppError, notFound } from '../domain/errors.ts'
import type { User } from '../domain/types.ts'
import { assertRole, type Actor } from './actor.ts'
import { audit } from './audit.ts'
import { lastOwner } from './change-user-role.ts'
import { publicUser } from './create-user.ts'
import type { Deps } from './deps.ts'

export const RemoveUserInput = z.object({
  userId: z.string({ error: 'Choose a user' }).min(1, 'Choose a user').max(100),
})
export type RemoveUserInput = z.input<typeof RemoveUserInput>

/** Removes a user with their sessions and API tokens (their past timeline posts keep the name). */
export async function removeUser(deps: Deps, actor: Actor, input: RemoveUserInput): Promise<User> {
  assertRole(actor, 'owner')
  const { userId } = RemoveUserInput.parse(input)
  const user = await deps.store.getUser(userId)
  if (!user) throw notFound('User', userId)
  if (actor.id === userId)
    throw new AppError(
      'CONFLICT',
      'You cannot remove your own account; ask another owner to do it.',
    )
  if (user.role === 'owner') {
    const owners = (await deps.store.listUsers()).filter((u) => u.role === 'owner')
    if (owners.length <= 1) throw lastOwner('remove')
  }
  await deps.store.commit([
    { type: 'user.delete', id: userId },
    audit(deps, actor, 'user.remove', { type: 'user', id: userId }, publicUser(user), null),
  ])
  return user
}
