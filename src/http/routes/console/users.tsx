import { Hono, type Context } from 'hono'
import { changeUserRole, ChangeUserRoleInput } from '../../../app/change-user-role.ts'
import { createUser, CreateUserInput } from '../../../app/create-user.ts'
import { getSettings } from '../../../app/get-settings.ts'
import { removeUser } from '../../../app/remove-user.ts'
import { AppError } from '../../../domain/errors.ts'
import { formatInZone } from '../../../domain/time.ts'
import { UsersPage, type NewUserValues } from '../../../../views/pages/console/users.tsx'
import type { AppEnv } from '../../env.ts'
import { parseFields, readForm, type FieldErrors } from '../../forms.ts'
import { currentActor, requireUser } from '../../middleware/session.ts'

export const usersRoutes = new Hono<AppEnv>()
usersRoutes.use('/users', requireUser('owner'))
usersRoutes.use('/users/*', requireUser('owner'))

const NOTICES: Record<string, string> = {
  created: 'User added.',
  role: 'Role changed. They were signed out and will sign in again with the new role.',
  removed: 'User removed.',
}

async function renderUsers(
  c: Context<AppEnv>,
  opts: {
    values?: NewUserValues
    errors?: FieldErrors
    message?: string
    notice?: string | null
  } = {},
  status: 200 | 409 | 422 = 200,
) {
  const { store } = c.var.deps
  const [users, settings] = await Promise.all([store.listUsers(), getSettings(c.var.deps)])
  const user = c.var.user!
  return c.html(
    <UsersPage
      ctx={{ user, csrfToken: c.var.csrfToken }}
      users={users}
      formatDate={(ms) => formatInZone(ms, settings.timeZone, 'date')}
      {...opts}
    />,
    status,
  )
}

usersRoutes.get('/users', (c) =>
  renderUsers(c, { notice: NOTICES[c.req.query('done') ?? ''] ?? null }),
)

usersRoutes.post('/users', async (c) => {
  const form = await readForm(c)
  const values: NewUserValues = {
    email: typeof form.email === 'string' ? form.email : undefined,
    name: typeof form.name === 'string' ? form.name : undefined,
    role: typeof form.role === 'string' ? form.role : undefined,
  }
  const parsed = parseFields(CreateUserInput, form)
  if (!parsed.ok) return renderUsers(c, { values, errors: parsed.errors }, 422)
  try {
    await createUser(c.var.deps, currentActor(c), parsed.data)
  } catch (err) {
    // A taken address is shown on the form like any other field problem.
    if (err instanceof AppError && err.code === 'CONFLICT' && err.issues.length) {
      const errors = Object.fromEntries(err.issues.map((i) => [i.field, i.message]))
      return renderUsers(c, { values, errors }, 409)
    }
    throw err
  }
  return c.redirect('/console/users?done=created', 303)
})

// Conflicts (last owner, removing yourself) re-render the list with the reason.
async function orConflict(c: Context<AppEnv>, action: () => Promise<Response>) {
  try {
    return await action()
  } catch (err) {
    if (err instanceof AppError && err.code === 'CONFLICT')
      return renderUsers(c, { message: err.message }, 409)
    throw err
  }
}

usersRoutes.post('/users/:id/role', async (c) => {
  const form = await readForm(c)
  const parsed = ChangeUserRoleInput.parse({ userId: c.req.param('id'), role: form.role })
  return orConflict(c, async () => {
    const me = currentActor(c)
    await changeUserRole(c.var.deps, me, parsed)
    // Changing your own role ends your own sessions too.
    if (parsed.userId === me.id) return c.redirect('/console/login', 303)
    return c.redirect('/console/users?done=role', 303)
  })
})

usersRoutes.post('/users/:id/remove', (c) =>
  orConflict(c, async () => {
    await removeUser(c.var.deps, currentActor(c), { userId: c.req.param('id') })
    return c.redirect('/console/users?done=removed', 303)
  }),
)
