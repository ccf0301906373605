import { Hono, type Context } from 'hono'
import { z } from 'zod'
import {
  createApiToken,
  CreateApiTokenInput,
  TokenScopeSchema,
} from '../../../app/create-api-token.ts'
import { getSettings } from '../../../app/get-settings.ts'
import { canManageToken, revokeApiToken } from '../../../app/revoke-api-token.ts'
import { AppError } from '../../../domain/errors.ts'
import { formatInZone } from '../../../domain/time.ts'
import type { User } from '../../../domain/types.ts'
import { TokensPage, type NewTokenValues } from '../../../../views/pages/console/tokens.tsx'
import type { AppEnv } from '../../env.ts'
import { parseFields, readForm, type FieldErrors } from '../../forms.ts'
import { toAppError } from '../../errors.tsx'
import { currentActor, requireUser } from '../../middleware/session.ts'

// API tokens in the console: everyone signed in manages their own; owners see and revoke all.
// A new token is shown once, in the response to the form that created it.

export const tokensRoutes = new Hono<AppEnv>()
tokensRoutes.use('/tokens', requireUser())
tokensRoutes.use('/tokens/*', requireUser())

const TokenForm = z.object({
  name: CreateApiTokenInput.shape.name,
  scope: TokenScopeSchema,
})

const signedIn = (c: Context<AppEnv>): User => {
  const user = c.var.user
  if (!user) throw new AppError('UNAUTHORIZED', 'Sign in to continue')
  return user
}

async function renderPage(
  c: Context<AppEnv>,
  extra: {
    created?: { name: string; secret: string }
    values?: NewTokenValues
    errors?: FieldErrors
    notice?: string
  } = {},
  status: 200 | 201 | 422 = 200,
) {
  const { store } = c.var.deps
  const user = signedIn(c)
  const actor = currentActor(c)
  const [tokens, users, settings] = await Promise.all([
    store.listTokens(),
    store.listUsers(),
    getSettings(c.var.deps),
  ])
  const names = new Map(users.map((u) => [u.id, u.name]))
  const rows = tokens
    .filter((t) => canManageToken(actor, t))
    .map((token) => ({ token, ownerName: names.get(token.userId) ?? 'unknown user' }))
  // A response that shows a secret must never be stored anywhere.
  c.header('Cache-Control', 'no-store')
  return c.html(
    <TokensPage
      ctx={{ user, csrfToken: c.var.csrfToken }}
      tokens={rows}
      showOwner={user.role === 'owner'}
      created={extra.created ?? null}
      values={extra.values}
      errors={extra.errors}
      notice={extra.notice ?? null}
      formatDate={(ms) => formatInZone(ms, settings.timeZone, 'datetime')}
    />,
    status,
  )
}

tokensRoutes.get('/tokens', (c) =>
  renderPage(c, { notice: c.req.query('revoked') ? 'Token revoked.' : undefined }),
)

tokensRoutes.post('/tokens', async (c) => {
  const form = await readForm(c)
  const values = {
    name: typeof form.name === 'string' ? form.name : '',
    scope: typeof form.scope === 'string' ? form.scope : '',
  }
  const parsed = parseFields(TokenForm, values)
  if (!parsed.ok) return renderPage(c, { values, errors: parsed.errors }, 422)
  let created
  try {
    created = await createApiToken(c.var.deps, currentActor(c), parsed.data)
  } catch (err) {
    // The use case's field errors (a viewer asking for write) go back into the form.
    const appErr = toAppError(err)
    if (appErr?.code !== 'VALIDATION' || !appErr.issues.length) throw err
    const errors: FieldErrors = {}
    for (const i of appErr.issues) errors[i.field] ??= i.message
    return renderPage(c, { values, errors }, 422)
  }
  return renderPage(c, { created: { name: created.token.name, secret: created.secret } }, 201)
})

tokensRoutes.post('/tokens/:id/revoke', async (c) => {
  await revokeApiToken(c.var.deps, currentActor(c), c.req.param('id'))
  return c.redirect('/console/tokens?revoked=1', 303)
})
