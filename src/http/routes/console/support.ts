import type { Context } from 'hono'
import type { Actor } from '../../../app/actor.ts'
import { AppError } from '../../../domain/errors.ts'
import type { User } from '../../../domain/types.ts'
import type { FieldErrors, FormValues } from '../../../../views/partials/console/common.tsx'
import type { AppEnv } from '../../env.ts'
import { toAppError } from '../../errors.tsx'

// Request helpers shared by the console's form-handling routes (components, incidents).

export type C = Context<AppEnv>
export type Form = Record<string, string | string[]>

export function userOf(c: C): User {
  const user = c.var.user
  if (!user) throw new AppError('UNAUTHORIZED', 'Sign in to continue')
  return user
}

export const actorOf = (c: C): Actor => {
  const user = userOf(c)
  return { id: user.id, label: user.name, role: user.role, via: 'console' }
}

export const str = (v: string | string[] | undefined): string =>
  Array.isArray(v) ? (v[0] ?? '') : (v ?? '')

/** The submitted fields as strings for re-rendering; unticked checkboxes become 'off'. */
export function valuesOf(form: Form, checkboxes: string[] = []): FormValues {
  const values: FormValues = {}
  for (const [k, v] of Object.entries(form)) if (k !== '_csrf') values[k] = str(v)
  for (const name of checkboxes) values[name] = values[name] ? 'on' : 'off'
  return values
}

/**
 * A VALIDATION error a use case raised, as field errors for re-rendering (the first message per
 * field; a message without a field lands on 'form'). Anything else is rethrown for the mapper.
 */
export function validationErrors(err: unknown): FieldErrors {
  const appErr = toAppError(err)
  if (appErr?.code !== 'VALIDATION') throw err
  const errors: FieldErrors = {}
  for (const issue of appErr.issues) errors[issue.field] ??= issue.message
  if (Object.keys(errors).length === 0) errors.form = appErr.message
  return errors
}
