import type { Child } from 'hono/jsx'
import {
  EVENT_KINDS,
  EVENT_KIND_LABELS,
  IMPACTS,
  IMPACT_LABELS,
  INCIDENT_STATUSES,
  INCIDENT_STATUS_LABELS,
} from '../../../src/domain/enums.ts'
import { FieldError, fieldId, invalidAttrs, type FieldErrors, type FormValues } from './common.tsx'

// The console's form rows: a label tied to its control by the form's prefix, the control, then
// the field's message. Ids come from fieldId(prefix, name), so one name never repeats in a page.

interface FieldProps {
  prefix: string
  name: string
  errors: FieldErrors
}

interface RowProps extends FieldProps {
  label: string
  /** What the error message starts with, when it is not the label. */
  errorLabel?: string
  /** Shown after the field's error. */
  after?: Child
}

export function FieldRow(props: RowProps & { children: Child }) {
  const { prefix, name } = props
  return (
    <div class="form-row">
      <label for={fieldId(prefix, name)}>{props.label}</label>
      {props.children}
      <FieldError
        prefix={prefix}
        name={name}
        label={props.errorLabel ?? props.label}
        errors={props.errors}
      />
      {props.after}
    </div>
  )
}

export interface SelectProps extends FieldProps {
  options: readonly string[]
  labels: Readonly<Record<string, string>>
  value: string
  /** The label of a first, blank option ("no change"), when the field offers one. */
  blank?: string
  class?: string
}

export function Select(props: SelectProps) {
  const { prefix, name } = props
  return (
    <select
      id={fieldId(prefix, name)}
      name={name}
      class={props.class}
      {...invalidAttrs(prefix, name, props.errors)}
    >
      {props.blank !== undefined && (
        <option value="" selected={props.value === ''}>
          {props.blank}
        </option>
      )}
      {props.options.map((o) => (
        <option value={o} selected={props.value === o}>
          {props.labels[o]}
        </option>
      ))}
    </select>
  )
}

export const SelectRow = (props: RowProps & SelectProps) => (
  <FieldRow {...props}>
    <Select {...props} />
  </FieldRow>
)

export function TextRow(
  props: RowProps & {
    value: string
    maxlength: number
    required?: boolean
    autofocus?: boolean
    placeholder?: string
  },
) {
  const { prefix, name } = props
  return (
    <FieldRow {...props}>
      <input
        type="text"
        id={fieldId(prefix, name)}
        name={name}
        required={props.required}
        maxlength={props.maxlength}
        autofocus={props.autofocus}
        value={props.value}
        placeholder={props.placeholder}
        {...invalidAttrs(prefix, name, props.errors)}
      />
    </FieldRow>
  )
}

export function TextareaRow(
  props: RowProps & {
    value: string
    required?: boolean
    /** Ctrl+Enter submits the form (public/js/console.js). */
    submitOnCtrlEnter?: boolean
    placeholder?: string
  },
) {
  const { prefix, name } = props
  return (
    <FieldRow {...props}>
      <textarea
        id={fieldId(prefix, name)}
        name={name}
        required={props.required}
        class={props.submitOnCtrlEnter ? 'submit-on-ctrl-enter' : undefined}
        placeholder={props.placeholder}
        {...invalidAttrs(prefix, name, props.errors)}
      >
        {props.value}
      </textarea>
    </FieldRow>
  )
}

/** A datetime-local field in the page's zone; a hint, when given, describes it until it errs. */
export function DateTimeRow(props: RowProps & { value: string; hint?: string; children?: Child }) {
  const { prefix, name } = props
  const id = fieldId(prefix, name)
  const invalid = invalidAttrs(prefix, name, props.errors)
  return (
    <FieldRow {...props}>
      <input
        type="datetime-local"
        id={id}
        name={name}
        value={props.value}
        {...(props.hint ? { 'aria-describedby': `${id}-hint`, ...invalid } : invalid)}
      />
      {props.children}
      {props.hint && (
        <p class="hint muted" id={`${id}-hint`}>
          {props.hint}
        </p>
      )}
    </FieldRow>
  )
}

export const CheckboxRow = (props: { name: string; checked: boolean; label: string }) => (
  <div class="form-row">
    <label class="inline">
      <input type="checkbox" name={props.name} value="on" checked={props.checked} /> {props.label}
    </label>
  </div>
)

/** Notify subscribers: ticked unless the re-rendered form had it unticked. */
export const NotifyRow = (props: { values: FormValues; label: string }) => (
  <CheckboxRow
    name="notify"
    checked={props.values.notify === undefined || props.values.notify === 'on'}
    label={props.label}
  />
)

// The incident forms' own fields, the same wherever an incident or an update is written.

interface EnumRowProps {
  prefix: string
  errors: FieldErrors
  value: string
  blank?: string
}

export const ImpactRow = (props: EnumRowProps) => (
  <SelectRow {...props} name="impact" label="Impact" options={IMPACTS} labels={IMPACT_LABELS} />
)

export const IncidentStatusRow = (props: EnumRowProps) => (
  <SelectRow
    {...props}
    name="status"
    label="Status"
    options={INCIDENT_STATUSES}
    labels={INCIDENT_STATUS_LABELS}
  />
)

export const EventKindRow = (props: EnumRowProps) => (
  <SelectRow {...props} name="kind" label="Kind" options={EVENT_KINDS} labels={EVENT_KIND_LABELS} />
)

/** A time an update happened, in the page's zone. */
export const HappenedAtRow = (props: {
  prefix: string
  errors: FieldErrors
  value: string
  tz: string
  hint?: string
}) => <DateTimeRow {...props} name="at" label={`Happened at (${props.tz})`} errorLabel="Time" />

/** When an incident started, in the page's zone. */
export const StartedAtRow = (props: {
  prefix: string
  errors: FieldErrors
  value: string
  tz: string
  hint?: string
  children?: Child
}) => (
  <DateTimeRow {...props} name="startedAt" label={`Started at (${props.tz})`} errorLabel="Start" />
)

/** The name of an incident, component or group. */
export const NameRow = (props: {
  prefix: string
  errors: FieldErrors
  value: string
  autofocus?: boolean
  placeholder?: string
}) => <TextRow {...props} name="name" label="Name" required maxlength={200} />
