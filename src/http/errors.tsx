import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { ZodError } from 'zod'
import { AppError, type ErrorCode, type FieldIssue } from '../domain/errors.ts'
import { ErrorPage } from '../../views/pages/error.tsx'
import type { AppEnv } from './env.ts'

const STATUS: Record<ErrorCode, 400 | 401 | 403 | 404 | 409 | 422 | 429> = {
  VALIDATION: 422,
  NOT_FOUND: 404,
  CONFLICT: 409,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
}

export function zodIssues(err: ZodError): FieldIssue[] {
  return err.issues.map((i) => ({
    field: i.path.length ? i.path.map(String).join('.') : 'body',
    message: i.message,
  }))
}

export function toAppError(err: unknown): AppError | null {
  if (err instanceof AppError) return err
  if (err instanceof ZodError) {
    const issues = zodIssues(err)
    return new AppError('VALIDATION', issues.map((i) => `${i.field}: ${i.message}`).join('; '), {
      issues,
    })
  }
  return null
}

// The single error mapping (STYLE.md point 6): JSON for the API, a flash fragment for htmx, an
// error page for a navigation. Unknown errors are logged with the path and answered with a 500
// that carries no details.
export function handleError(err: Error, c: Context<AppEnv>) {
  const isApi = c.req.path.startsWith('/api/')
  if (err instanceof HTTPException && !(err.cause instanceof Error)) {
    const status = err.status
    if (isApi)
      return c.json(
        { error: { code: status === 400 ? 'BAD_REQUEST' : 'HTTP_ERROR', message: err.message } },
        status,
      )
    return c.html(<ErrorPage status={status} title="Request error" message={err.message} />, status)
  }
  const appErr = toAppError(err)
  if (!appErr) {
    c.var.deps?.log.error('unhandled error', {
      method: c.req.method,
      path: c.req.path,
      error: err instanceof Error ? err.message : String(err),
      stack: err instanceof Error ? err.stack : undefined,
    })
    if (isApi) return c.json({ error: { code: 'INTERNAL', message: 'Internal error' } }, 500)
    return c.html(
      <ErrorPage status={500} title="Something went wrong" message="The error was logged." />,
      500,
    )
  }
  const status = STATUS[appErr.code]
  if (appErr.retryAfterSeconds !== undefined)
    c.header('Retry-After', String(appErr.retryAfterSeconds))
  if (isApi) {
    return c.json(
      {
        error: {
          code: appErr.code,
          message: appErr.message,
          ...(appErr.issues.length ? { fields: appErr.issues } : {}),
        },
      },
      status,
    )
  }
  if (c.req.header('HX-Request') === 'true') {
    c.header('HX-Retarget', '#flash')
    c.header('HX-Reswap', 'innerHTML')
    return c.html(
      <div class="flash flash-error" role="alert">
        {appErr.message}
      </div>,
      status,
    )
  }
  return c.html(
    <ErrorPage status={status} title={titleFor(appErr.code)} message={appErr.message} />,
    status,
  )
}

function titleFor(code: ErrorCode): string {
  switch (code) {
    case 'NOT_FOUND':
      return 'Not found'
    case 'FORBIDDEN':
      return 'Not allowed'
    case 'UNAUTHORIZED':
      return 'Sign in required'
    case 'RATE_LIMITED':
      return 'Too many requests'
    case 'CONFLICT':
      return 'Conflict'
    case 'VALIDATION':
      return 'Invalid input'
  }
}
