import { z } from 'zod'
import { AppError } from '../domain/errors.ts'
import type { PageSettings, User } from '../domain/types.ts'
import { assertRole, type Actor } from './actor.ts'
import { audit } from './audit.ts'
import type { Deps } from './deps.ts'
import { consoleActor, newSession, type NewSession } from './sign-in.ts'
import { DEFAULT_SETTINGS } from './get-settings.ts'
import { Email, PageName, Password, PersonName, Role, TimeZone } from './validation.ts'

export const CreateUserInput = z.object({
  email: Email,
  name: PersonName,
  role: Role,
  password: Password,
})
export type CreateUserInput = z.input<typeof CreateUserInput>

/** What the audit log and the API may show of a user: never the password hash. */
export const publicUser = (u: User) => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role,
  createdAt: u.createdAt,
})

const emailTaken = () =>
  new AppError('CONFLICT', 'email: a user with this email address already exists', {
    issues: [{ field: 'email', message: 'A user with this email address already exists' }],
  })

async function buildUser(deps: Deps, data: z.output<typeof CreateUserInput>): Promise<User> {
  return {
    id: deps.ids.next(),
    email: data.email,
    name: data.name,
    role: data.role,
    passwordHash: await deps.passwords.hash(data.password),
    createdAt: deps.clock.now(),
  }
}

/** An owner adds a user with an initial password (or the CLI does, headless). */
export async function createUser(deps: Deps, actor: Actor, input: CreateUserInput): Promise<User> {
  assertRole(actor, 'owner')
  const data = CreateUserInput.parse(input)
  if (await deps.store.getUserByEmail(data.email)) throw emailTaken()
  const user = await buildUser(deps, data)
  try {
    await deps.store.commit([
      { type: 'user.insert', user },
      audit(deps, actor, 'user.create', { type: 'user', id: user.id }, null, publicUser(user)),
    ])
  } catch (err) {
    // Lost a race with another insert of the same address: the unique index said no.
    if (await deps.store.getUserByEmail(data.email)) throw emailTaken()
    throw err
  }
  return user
}

export const SetupInput = z
  .object({
    name: PersonName,
    email: Email,
    password: Password,
    confirm: z.string({ error: 'Repeat the password' }),
    pageName: PageName,
    timeZone: TimeZone,
  })
  .refine((d) => d.password === d.confirm, {
    path: ['confirm'],
    message: 'The two passwords do not match',
  })
export type SetupInput = z.input<typeof SetupInput>

// The first owner's audit entry always has this id, so two setups racing with different emails
// cannot both commit: the loser's write set breaks the primary key and rolls back whole. It sorts
// before every generated id, which is right: setup is the first thing that ever happens.
export const SETUP_AUDIT_ID = '0000000000000000'

const alreadySetUp = () =>
  new AppError('CONFLICT', 'Herald is already set up. Sign in with an existing account.')

/** First run: creates the owner and the page settings, and signs the owner in. */
export async function setUpFirstOwner(
  deps: Deps,
  input: SetupInput,
): Promise<NewSession & { user: User; settings: PageSettings }> {
  const data = SetupInput.parse(input)
  if ((await deps.store.countUsers()) > 0) throw alreadySetUp()
  const user = await buildUser(deps, { ...data, role: 'owner' })
  // Hashing takes a while; check again so the common race is refused before writing.
  if ((await deps.store.countUsers()) > 0) throw alreadySetUp()
  const settings: PageSettings = {
    ...((await deps.store.getSettings()) ?? DEFAULT_SETTINGS),
    pageName: data.pageName,
    timeZone: data.timeZone,
    updatedAt: deps.clock.now(),
  }
  const fresh = await newSession(deps, user.id)
  const entry = audit(
    deps,
    consoleActor(user),
    'setup.complete',
    { type: 'user', id: user.id },
    null,
    {
      user: publicUser(user),
      settings,
    },
  )
  if (entry.type !== 'audit.insert') throw new Error('audit() returned a non-audit change')
  try {
    await deps.store.commit([
      { type: 'user.insert', user },
      { type: 'settings.put', settings },
      { type: 'session.insert', session: fresh.session },
      { ...entry, entry: { ...entry.entry, id: SETUP_AUDIT_ID } },
    ])
  } catch (err) {
    if ((await deps.store.countUsers()) > 0) throw alreadySetUp()
    // No users, yet the guard entry exists: someone emptied the users table by hand.
    const guard = await deps.store.listAudit({ before: `${SETUP_AUDIT_ID}1`, limit: 1 })
    if (guard[0]?.id === SETUP_AUDIT_ID)
      throw new AppError(
        'CONFLICT',
        'Setup already ran on this database. Create an owner with `herald user create`.',
      )
    throw err
  }
  return { ...fresh, user, settings }
}
