import { MAINTENANCE_STATUS_LABELS } from '../../../src/domain/enums.ts'
import type { Component, Maintenance } from '../../../src/domain/types.ts'
import { FieldError, type FieldErrors, type FormValues } from './common.tsx'
import { CheckboxRow, DateTimeRow } from './fields.tsx'

// Pieces shared by the console's maintenance screens: the schedule and reschedule forms' fields
// (named as the use cases name them, so an error lands next to its field) and the status badge.

/** The form field names, in the order the forms show them. */
export const MAINTENANCE_FIELDS = [
  'name',
  'scheduledFor',
  'scheduledUntil',
  'componentIds',
  'body',
  'autoStart',
  'autoComplete',
  'notify',
]

export function MaintenanceStatusBadge(props: {
  maintenance: Pick<Maintenance, 'status' | 'cancelledAt'>
}) {
  const { status, cancelledAt } = props.maintenance
  if (cancelledAt !== null)
    return <span class="badge maintenance-status maintenance-status-cancelled">Cancelled</span>
  return (
    <span class={`badge maintenance-status maintenance-status-${status}`}>
      {MAINTENANCE_STATUS_LABELS[status]}
    </span>
  )
}

/** The window's two ends as datetime-local fields in the page's zone. */
export function WindowRows(props: {
  prefix: string
  tz: string
  values: FormValues
  errors: FieldErrors
  /** Once it started, its start is history: shown, not editable. */
  startLocked?: boolean
}) {
  const { prefix, tz, values, errors } = props
  return (
    <div class="form-grid">
      {props.startLocked ? null : (
        <DateTimeRow
          prefix={prefix}
          name="scheduledFor"
          label={`Starts (${tz})`}
          errorLabel="Start"
          errors={errors}
          value={values.scheduledFor ?? ''}
        />
      )}
      <DateTimeRow
        prefix={prefix}
        name="scheduledUntil"
        label={`Ends (${tz})`}
        errorLabel="End"
        errors={errors}
        value={values.scheduledUntil ?? ''}
      />
    </div>
  )
}

/** One checkbox per component, named componentIds; the ticked ids are a comma list in values. */
export function ComponentCheckboxes(props: {
  prefix: string
  components: Component[]
  values: FormValues
  errors: FieldErrors
}) {
  const { prefix, components, errors } = props
  const chosen = new Set((props.values.componentIds ?? '').split(',').filter(Boolean))
  if (components.length === 0)
    return (
      <>
        <p class="muted">
          No components yet. <a href="/console/components">Add components</a> to mark what the work
          affects.
        </p>
        <FieldError prefix={prefix} name="componentIds" label="Components" errors={errors} />
      </>
    )
  return (
    <fieldset class="form-row maintenance-components">
      <legend>Affected components (shown as under maintenance while it runs)</legend>
      {components.map((c) => (
        <label class="inline">
          <input type="checkbox" name="componentIds" value={c.id} checked={chosen.has(c.id)} />{' '}
          {c.name}
        </label>
      ))}
      <FieldError prefix={prefix} name="componentIds" label="Components" errors={errors} />
    </fieldset>
  )
}

const ticked = (values: FormValues, name: string) =>
  values[name] === undefined || values[name] === 'on'

/** Auto start, auto complete and notify: ticked unless the form had them unticked. */
export function MaintenanceOptionRows(props: { values: FormValues }) {
  const { values } = props
  return (
    <fieldset class="form-row">
      <legend>Options</legend>
      <CheckboxRow
        name="autoStart"
        checked={ticked(values, 'autoStart')}
        label="Start automatically at the scheduled start"
      />
      <CheckboxRow
        name="autoComplete"
        checked={ticked(values, 'autoComplete')}
        label="Complete automatically at the scheduled end"
      />
      <CheckboxRow
        name="notify"
        checked={ticked(values, 'notify')}
        label="Notify subscribers (when scheduled, before it starts, when it starts and when it completes)"
      />
    </fieldset>
  )
}
