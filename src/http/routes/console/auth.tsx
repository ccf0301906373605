import { Hono, type Context } from 'hono'
import { setUpFirstOwner, SetupInput } from '../../../app/create-user.ts'
import { consoleActor, signIn, SignInInput } from '../../../app/sign-in.ts'
import { signOut } from '../../../app/sign-out.ts'
import { AppError } from '../../../domain/errors.ts'
import { LoginPage } from '../../../../views/pages/console/login.tsx'
import { SetupPage, type SetupValues } from '../../../../views/pages/console/setup.tsx'
import type { AppEnv } from '../../env.ts'
import { parseFields, readForm } from '../../forms.ts'
import {
  clearSessionCookie,
  clientAddress,
  requireUser,
  setSessionCookie,
} from '../../middleware/session.ts'

export const authRoutes = new Hono<AppEnv>()

// The console's front door needs a user whatever router ends up serving it: with no account yet
// this sends the visitor to setup, otherwise to the login page.
authRoutes.use('/', requireUser())

/**
 * Where to go after signing in: only paths inside the console, so a crafted link cannot bounce a
 * user to another site (`//evil.example`, `/\evil.example`) or out of the console.
 */
export function safeNext(value: unknown): string {
  if (typeof value !== 'string' || value.length > 2000) return '/console'
  if (!/^\/console(?:[/?#]|$)/.test(value)) return '/console'
  if (/[\\\s]/.test(value) || value.includes('//')) return '/console'
  return value
}

const text = (v: unknown) => (typeof v === 'string' ? v : undefined)

authRoutes.get('/setup', async (c) => {
  if ((await c.var.deps.store.countUsers()) > 0) return c.redirect('/console/login')
  return c.html(
    <SetupPage csrfToken={c.var.csrfToken} values={{ pageName: 'Status', timeZone: 'UTC' }} />,
  )
})

authRoutes.post('/setup', async (c) => {
  const { deps } = c.var
  if ((await deps.store.countUsers()) > 0)
    throw new AppError('CONFLICT', 'Herald is already set up. Sign in with an existing account.')
  const form = await readForm(c)
  const parsed = parseFields(SetupInput, form)
  if (!parsed.ok) {
    const values: SetupValues = {
      name: text(form.name),
      email: text(form.email),
      pageName: text(form.pageName),
      timeZone: text(form.timeZone),
    }
    return c.html(
      <SetupPage csrfToken={c.var.csrfToken} values={values} errors={parsed.errors} />,
      422,
    )
  }
  const { token, session } = await setUpFirstOwner(deps, parsed.data)
  setSessionCookie(c, token, session.expiresAt)
  return c.redirect('/console', 303)
})

authRoutes.get('/login', async (c) => {
  const next = safeNext(c.req.query('next'))
  if (c.var.user) return c.redirect(next)
  if ((await c.var.deps.store.countUsers()) === 0) return c.redirect('/console/setup')
  return c.html(<LoginPage csrfToken={c.var.csrfToken} next={next} />)
})

authRoutes.post('/login', async (c) => {
  const form = await readForm(c)
  const next = safeNext(form.next)
  const email = text(form.email)
  const page = (
    status: 401 | 422 | 429,
    opts: { errors?: Record<string, string>; message?: string },
  ) => c.html(<LoginPage csrfToken={c.var.csrfToken} next={next} email={email} {...opts} />, status)

  const parsed = parseFields(SignInInput, form)
  if (!parsed.ok) return page(422, { errors: parsed.errors })
  try {
    const { token, session } = await signIn(c.var.deps, {
      ...parsed.data,
      clientAddress: clientAddress(c),
      replacesSessionId: c.var.session?.id ?? null,
    })
    setSessionCookie(c, token, session.expiresAt)
    return c.redirect(next, 303)
  } catch (err) {
    // Both answers belong on the form, not on an error page.
    if (!(err instanceof AppError)) throw err
    if (err.code === 'RATE_LIMITED') {
      c.header('Retry-After', String(err.retryAfterSeconds ?? 60))
      return page(429, { message: err.message })
    }
    if (err.code === 'UNAUTHORIZED') return page(401, { message: err.message })
    throw err
  }
})

authRoutes.post('/logout', async (c: Context<AppEnv>) => {
  const { user, session } = c.var
  if (user && session) await signOut(c.var.deps, consoleActor(user), session)
  clearSessionCookie(c)
  return c.redirect('/console/login', 303)
})
