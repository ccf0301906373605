import type { Child } from 'hono/jsx'
import { CsrfField } from '../layouts/console.tsx'

// Form pieces shared by the console pages: a labelled control with its error
// message, linked by aria-describedby so screen readers read the error with the field.
export type FieldErrors = Record<string, string>

export interface FieldProps {
  name: string
  label: string
  errors?: FieldErrors
  hint?: string
}

const errorId = (name: string) => `${name}-error`
const hintId = (name: string) => `${name}-hint`

function describedBy(p: FieldProps): string | undefined {
  const ids = [p.hint ? hintId(p.name) : null, p.errors?.[p.name] ? errorId(p.name) : null]
  return ids.filter(Boolean).join(' ') || undefined
}

function FieldFrame(props: FieldProps & { children: Child }) {
  const error = props.errors?.[props.name]
  return (
    <div class={error ? 'form-row has-error' : 'form-row'}>
      <label for={props.name}>{props.label}</label>
      {props.children}
      {props.hint ? (
        <p class="field-hint" id={hintId(props.name)}>
          {props.hint}
        </p>
      ) : null}
      {error ? (
        <p class="field-error" id={errorId(props.name)}>
          {error}
        </p>
      ) : null}
    </div>
  )
}

export function TextField(
  props: FieldProps & {
    type?: 'text' | 'email' | 'password' | 'url' | 'number'
    value?: string | null
    required?: boolean
    autocomplete?: string
    autofocus?: boolean
    maxlength?: number
    minlength?: number
    placeholder?: string
  },
) {
  const invalid = Boolean(props.errors?.[props.name])
  return (
    <FieldFrame {...props}>
      <input
        id={props.name}
        name={props.name}
        type={props.type ?? 'text'}
        // Passwords are never echoed back into a re-rendered form.
        value={props.type === 'password' ? undefined : (props.value ?? undefined)}
        required={props.required}
        autocomplete={props.autocomplete}
        autofocus={props.autofocus}
        maxlength={props.maxlength}
        minlength={props.minlength}
        placeholder={props.placeholder}
        aria-invalid={invalid ? 'true' : undefined}
        aria-describedby={describedBy(props)}
      />
    </FieldFrame>
  )
}

export function SelectField(
  props: FieldProps & {
    options: readonly (string | { value: string; label: string })[]
    value?: string | null
  },
) {
  const invalid = Boolean(props.errors?.[props.name])
  return (
    <FieldFrame {...props}>
      <select
        id={props.name}
        name={props.name}
        aria-invalid={invalid ? 'true' : undefined}
        aria-describedby={describedBy(props)}
      >
        {props.options.map((o) => {
          const opt = typeof o === 'string' ? { value: o, label: o } : o
          return (
            <option value={opt.value} selected={opt.value === props.value}>
              {opt.label}
            </option>
          )
        })}
      </select>
    </FieldFrame>
  )
}

/** A form-level message (wrong password, rate limit, conflict), announced when it appears. */
export function FormAlert(props: { message?: string | null; kind?: 'error' | 'ok' }) {
  if (!props.message) return null
  const kind = props.kind ?? 'error'
  return (
    <div class={`flash flash-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {props.message}
    </div>
  )
}

/** Every IANA zone this runtime knows, with UTC first (Intl leaves it out of the list). */
export function timeZoneOptions(current?: string | null): string[] {
  const zones = Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')
  if (current && current !== 'UTC' && !zones.includes(current)) zones.unshift(current)
  return ['UTC', ...zones]
}

export const TimeZoneField = (props: {
  value?: string | undefined
  hint: string
  errors?: FieldErrors | undefined
}) => (
  <SelectField
    name="timeZone"
    label="Time zone"
    options={timeZoneOptions(props.value)}
    value={props.value ?? 'UTC'}
    hint={props.hint}
    errors={props.errors}
  />
)

/** A password being chosen: never echoed back, with the length rule stated up front. */
export const NewPasswordField = (props: { label: string; errors?: FieldErrors | undefined }) => (
  <TextField
    name="password"
    label={props.label}
    type="password"
    required
    minlength={10}
    maxlength={200}
    autocomplete="new-password"
    hint="At least 10 characters."
    errors={props.errors}
  />
)

/**
 * A destructive POST behind a disclosure instead of a confirm() dialog: works without JavaScript
 * and under the strict CSP.
 */
export function ConfirmDisclosure(props: {
  summary: string
  action: string
  csrfToken: string
  question: Child
  button: string
}) {
  return (
    <details class="confirm">
      <summary class="button secondary">{props.summary}</summary>
      <form method="post" action={props.action}>
        <CsrfField token={props.csrfToken} />
        <p>{props.question}</p>
        <button type="submit" class="danger">
          {props.button}
        </button>
      </form>
    </details>
  )
}
