import type { Context } from 'hono'
import type { z } from 'zod'
import { AppError } from '../domain/errors.ts'
import { zodIssues } from './errors.tsx'
import type { AppEnv } from './env.ts'

export type FieldErrors = Record<string, string>

/** Form fields as a plain record; repeated names become arrays. Never throws on a bad body. */
export async function readForm(c: Context<AppEnv>): Promise<Record<string, string | string[]>> {
  let body: Record<string, string | File | (string | File)[]>
  try {
    body = await c.req.parseBody({ all: true })
  } catch {
    throw new AppError('VALIDATION', 'body: the request body is not a form', {
      issues: [{ field: 'body', message: 'the request body is not a form' }],
    })
  }
  const out: Record<string, string | string[]> = {}
  for (const [k, v] of Object.entries(body)) {
    if (Array.isArray(v)) out[k] = v.filter((x): x is string => typeof x === 'string')
    else if (typeof v === 'string') out[k] = v
  }
  return out
}

/** Parses with zod; on failure returns the first message per field for re-rendering the form. */
export function parseFields<S extends z.ZodType>(
  schema: S,
  input: unknown,
): { ok: true; data: z.output<S> } | { ok: false; errors: FieldErrors } {
  const r = schema.safeParse(input)
  if (r.success) return { ok: true, data: r.data }
  const errors: FieldErrors = {}
  for (const issue of zodIssues(r.error)) errors[issue.field] ??= issue.message
  return { ok: false, errors }
}

/** JSON body for the API: a malformed body is a 422 naming `body`, never a 500. */
export async function readJson(c: Context<AppEnv>): Promise<unknown> {
  try {
    return await c.req.json()
  } catch {
    throw new AppError('VALIDATION', 'body: the request body is not valid JSON', {
      issues: [{ field: 'body', message: 'the request body is not valid JSON' }],
    })
  }
}
