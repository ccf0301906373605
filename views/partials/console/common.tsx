import {
  COMPONENT_STATUS_LABELS,
  IMPACT_LABELS,
  INCIDENT_STATUS_LABELS,
  type ComponentStatus,
  type Impact,
  type IncidentStatus,
} from '../../../src/domain/enums.ts'
import { formatInZone, toIsoWithOffset, type FormatStyle } from '../../../src/domain/time.ts'

// Small pieces shared by the console's incident and component screens.

/** Form state for re-rendering: the user's raw input and the first message per field. */
export type FormValues = Record<string, string>
export type FieldErrors = Record<string, string>
export interface FormState {
  values: FormValues
  errors: FieldErrors
}
export const emptyForm = (values: FormValues = {}): FormState => ({ values, errors: {} })

export function Time(props: { ms: number; tz: string; style?: FormatStyle }) {
  return (
    <time datetime={toIsoWithOffset(props.ms, props.tz)}>
      {formatInZone(props.ms, props.tz, props.style ?? 'datetime')}
    </time>
  )
}

export const ImpactBadge = (props: { impact: Impact }) => (
  <span class={`badge impact impact-${props.impact}`}>{IMPACT_LABELS[props.impact]} impact</span>
)

export const IncidentStatusBadge = (props: { status: IncidentStatus }) => (
  <span class={`badge incident-status incident-status-${props.status}`}>
    {INCIDENT_STATUS_LABELS[props.status]}
  </span>
)

export const ComponentStatusBadge = (props: { status: ComponentStatus }) => (
  <span class={`badge component-status status-${props.status}`}>
    {COMPONENT_STATUS_LABELS[props.status]}
  </span>
)

/** DOM id of a form field: the form's prefix plus the field name, safe for ids. */
export const fieldId = (prefix: string, name: string) =>
  `${prefix}-${name}`.replace(/[^A-Za-z0-9_-]/g, '-')

/** Attributes that tie an input to its error message. */
export function invalidAttrs(prefix: string, name: string, errors: FieldErrors) {
  return errors[name]
    ? { 'aria-invalid': 'true', 'aria-describedby': `${fieldId(prefix, name)}-error` }
    : {}
}

export function FieldError(props: {
  prefix: string
  name: string
  errors: FieldErrors
  label: string
}) {
  const message = props.errors[props.name]
  if (!message) return null
  return (
    <p class="field-error" id={`${fieldId(props.prefix, props.name)}-error`}>
      {props.label} {message}
    </p>
  )
}

/** Errors that belong to no field shown in the form (e.g. an unknown component id), on top. */
export function FormErrors(props: { errors: FieldErrors; fields: string[] }) {
  const known = new Set(props.fields)
  const other = Object.entries(props.errors).filter(([field]) => !known.has(field))
  if (other.length === 0) return null
  return (
    <div class="flash flash-error" role="alert">
      {other.map(([field, message]) => (
        <p>
          {field === 'form' ? '' : `${field}: `}
          {message}
        </p>
      ))}
    </div>
  )
}

/** The console's own script and the incident styles; both external, as the CSP requires. */
export const ConsoleAssets = () => (
  <>
    <link rel="stylesheet" href="/css/console-incidents.css" />
    <script src="/js/console.js" defer></script>
  </>
)
