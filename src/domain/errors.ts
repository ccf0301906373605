// Typed errors, mapped to HTTP once in http/errors.ts (STYLE.md point 6).
export const ERROR_CODES = [
  'VALIDATION',
  'NOT_FOUND',
  'CONFLICT',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'RATE_LIMITED',
] as const
export type ErrorCode = (typeof ERROR_CODES)[number]

export interface FieldIssue {
  field: string
  message: string
}

export class AppError extends Error {
  readonly code: ErrorCode
  readonly issues: FieldIssue[]
  readonly retryAfterSeconds?: number

  constructor(
    code: ErrorCode,
    message: string,
    opts: { issues?: FieldIssue[]; retryAfterSeconds?: number } = {},
  ) {
    super(message)
    this.name = 'AppError'
    this.code = code
    this.issues = opts.issues ?? []
    if (opts.retryAfterSeconds !== undefined) this.retryAfterSeconds = opts.retryAfterSeconds
  }
}

export const notFound = (what: string, id: string) =>
  new AppError('NOT_FOUND', `${what} ${id} was not found`)

export const invalid = (field: string, message: string) =>
  new AppError('VALIDATION', `${field}: ${message}`, { issues: [{ field, message }] })

export const forbidden = (message = 'You do not have permission to do this') =>
  new AppError('FORBIDDEN', message)
