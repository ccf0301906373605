import type { Context } from 'hono'
import type { z } from 'zod'
import { AppError, type FieldIssue } from '../../domain/errors.ts'
import type { AppEnv } from '../env.ts'
import { toAppError } from '../errors.tsx'

// Reading and validating /api/v1 requests. Errors are thrown as AppError and mapped once in
// http/errors.tsx; field names are always the API's own (snake_case, `components.<id>`).

const bodyIssue = (message: string) =>
  new AppError('VALIDATION', `body: ${message}`, { issues: [{ field: 'body', message }] })

/** The JSON body; `optional` bodies may be empty (e.g. resolve with defaults). */
export async function readApiJson(
  c: Context<AppEnv>,
  opts: { optional?: boolean } = {},
): Promise<unknown> {
  const text = await c.req.text()
  if (text.trim() === '') {
    if (opts.optional) return {}
    throw bodyIssue('a JSON object is required')
  }
  try {
    return JSON.parse(text)
  } catch {
    throw bodyIssue('the request body is not valid JSON')
  }
}

const join = (path: PropertyKey[]) => path.map(String).join('.')

/** Parses with zod, naming every bad field (unknown fields one by one) in the API's terms. */
export function parseApi<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input)
  if (result.success) return result.data
  const issues: FieldIssue[] = []
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        issues.push({ field: join([...issue.path, key]), message: 'is not a known field' })
      continue
    }
    const missing = issue.code === 'invalid_type' && /received undefined$/.test(issue.message)
    issues.push({
      field: issue.path.length ? join(issue.path) : 'body',
      message: missing ? 'is required' : issue.path.length ? issue.message : bodyMessage(issue),
    })
  }
  throw withIssues(issues)
}

function bodyMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && issue.expected === 'object') return 'must be a JSON object'
  return issue.message
}

const withIssues = (issues: FieldIssue[]) =>
  new AppError('VALIDATION', issues.map((i) => `${i.field}: ${i.message}`).join('; '), { issues })

const snake = (name: string) => name.replace(/[A-Z]/g, (ch) => `_${ch.toLowerCase()}`)

/**
 * Runs a use case and renames the fields its errors name (`startedAt`, `groupId`) to the API's
 * (`started_at`, `group_id`). Only the first path segment is renamed: `components.<id>` keeps the
 * id as sent.
 */
export async function inApiTerms<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (err) {
    const appErr = toAppError(err)
    if (!appErr || appErr.code !== 'VALIDATION' || appErr.issues.length === 0) throw err
    throw withIssues(
      appErr.issues.map((i) => {
        const [head = '', ...rest] = i.field.split('.')
        return { field: [snake(head), ...rest].join('.'), message: i.message }
      }),
    )
  }
}
