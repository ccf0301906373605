import { z } from 'zod'
import { AppError } from '../domain/errors.ts'
import type { Session, User } from '../domain/types.ts'
import { consoleActor } from './actor.ts'
import { audit } from './audit.ts'
import type { Deps } from './deps.ts'
import type { Change, PasswordHasher } from './ports.ts'

// Only presence is checked here: a malformed address is simply an unknown one, answered with the
// same message as a wrong password.
export const SignInInput = z.object({
  email: z
    .string({ error: 'Enter your email address' })
    .trim()
    .min(1, 'Enter your email address')
    .max(320, 'Use at most 320 characters'),
  password: z
    .string({ error: 'Enter your password' })
    .min(1, 'Enter your password')
    .max(1000, 'Use at most 1000 characters'),
})
export type SignInInput = z.input<typeof SignInInput>

export const INVALID_CREDENTIALS = 'Email or password is incorrect'

export { consoleActor } from './actor.ts'

export interface NewSession {
  /** The cookie value; only its SHA-256 is stored. */
  token: string
  session: Session
}

/** A fresh session for `userId` (never a reused id, so a planted cookie cannot be fixated). */
export async function newSession(
  deps: Pick<Deps, 'config' | 'clock' | 'secrets'>,
  userId: string,
): Promise<NewSession> {
  const token = deps.secrets.token(32)
  const now = deps.clock.now()
  const session: Session = {
    id: await deps.secrets.sha256(token),
    userId,
    csrfToken: deps.secrets.token(24),
    createdAt: now,
    expiresAt: now + deps.config.SESSION_TTL_HOURS * 3_600_000,
  }
  return { token, session }
}

// A hash with the hasher's own parameters, verified against when the email is unknown so that
// both answers take about as long (no user enumeration by timing).
const dummyHashes = new WeakMap<PasswordHasher, Promise<string>>()
function dummyHash(passwords: PasswordHasher): Promise<string> {
  let hash = dummyHashes.get(passwords)
  if (!hash) {
    hash = passwords.hash('herald-dummy-password')
    dummyHashes.set(passwords, hash)
  }
  return hash
}

export const loginRateKeys = (email: string, clientAddress: string) => ({
  address: `login:address:${clientAddress}`,
  email: `login:email:${email.trim().toLowerCase()}`,
})

/**
 * Checks the password and opens a session. Every attempt counts against the client address and
 * the email (both fixed windows); over the limit nothing is verified at all.
 */
export async function signIn(
  deps: Deps,
  input: SignInInput & { clientAddress: string; replacesSessionId?: string | null },
): Promise<NewSession & { user: User }> {
  const { email, password } = SignInInput.parse(input)
  const { config, store, clock } = deps
  const keys = loginRateKeys(email, input.clientAddress)
  const windowMs = config.LOGIN_WINDOW_SECONDS * 1000
  const now = clock.now()
  const byAddress = await store.hitRateLimit(keys.address, windowMs, now)
  const byEmail = await store.hitRateLimit(keys.email, windowMs, now)
  if (byAddress > config.LOGIN_MAX_ATTEMPTS || byEmail > config.LOGIN_MAX_ATTEMPTS) {
    // The store counts in fixed windows aligned to multiples of windowMs.
    const retryAfterSeconds = Math.max(1, Math.ceil((windowMs - (now % windowMs)) / 1000))
    throw new AppError(
      'RATE_LIMITED',
      `Too many sign-in attempts. Try again in ${describeWait(retryAfterSeconds)}.`,
      { retryAfterSeconds },
    )
  }

  const user = await store.getUserByEmail(email)
  const ok = user
    ? await deps.passwords.verify(password, user.passwordHash)
    : (await deps.passwords.verify(password, await dummyHash(deps.passwords))) && false
  if (!user || !ok) {
    deps.log.info('sign-in failed', { address: input.clientAddress })
    throw new AppError('UNAUTHORIZED', INVALID_CREDENTIALS)
  }

  const fresh = await newSession(deps, user.id)
  const changes: Change[] = []
  if (input.replacesSessionId) changes.push({ type: 'session.delete', id: input.replacesSessionId })
  changes.push(
    { type: 'session.insert', session: fresh.session },
    audit(deps, consoleActor(user), 'user.sign_in', { type: 'user', id: user.id }, null, null),
  )
  await store.commit(changes)
  await store.clearRateLimit(keys.email)
  return { ...fresh, user }
}

function describeWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`
  const minutes = Math.ceil(seconds / 60)
  return `${minutes} minute${minutes === 1 ? '' : 's'}`
}
