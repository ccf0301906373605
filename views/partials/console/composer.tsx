import {
  COMPONENT_STATUSES,
  COMPONENT_STATUS_LABELS,
  INCIDENT_STATUS_LABELS,
} from '../../../src/domain/enums.ts'
import type { Component, Incident } from '../../../src/domain/types.ts'
import { CsrfField } from '../../layouts/console.tsx'
import { DOM } from '../../ids.ts'
import {
  FieldError,
  fieldId,
  FormErrors,
  type FieldErrors,
  type FormState,
  type FormValues,
} from './common.tsx'
import {
  EventKindRow,
  HappenedAtRow,
  IncidentStatusRow,
  NotifyRow,
  Select,
  TextareaRow,
} from './fields.tsx'
import { NotifyCount } from './notify-count.tsx'

const P = 'composer'
const FIELDS = ['body', 'status', 'at', 'visibility', 'kind', 'notify', 'components']

/**
 * One select per component, defaulting to "no change". Field names are `components.<id>`, the
 * same path the use cases name in their errors, so a message lands next to its select.
 */
export function ComponentStatusSelects(props: {
  prefix: string
  components: Component[]
  values: FormValues
  errors: FieldErrors
}) {
  return (
    <>
      {props.components.map((c) => {
        const name = `components.${c.id}`
        return (
          <div class="form-row component-select">
            <label for={fieldId(props.prefix, name)}>{c.name}</label>
            <Select
              prefix={props.prefix}
              name={name}
              errors={props.errors}
              options={COMPONENT_STATUSES}
              labels={COMPONENT_STATUS_LABELS}
              value={props.values[name] ?? ''}
              blank={`No change (${COMPONENT_STATUS_LABELS[c.status]})`}
            />
            <FieldError prefix={props.prefix} name={name} label={c.name} errors={props.errors} />
          </div>
        )
      })}
    </>
  )
}

export interface ComposerProps {
  incident: Incident
  /** Every component; the incident's affected ones are offered first. */
  components: Component[]
  tz: string
  csrfToken: string
  form: FormState
  oob?: boolean
  /** Active subscribers an update would reach (the incident's and the chosen components). */
  recipients?: number
}

/** The timeline composer: one form, posted with htmx into the timeline (or normally without JS). */
export function Composer(props: ComposerProps) {
  const { incident, form } = props
  const { values, errors } = form
  const action = `/console/incidents/${incident.id}/updates`
  const affected = new Set(incident.componentIds)
  const first = props.components.filter((c) => affected.has(c.id))
  const others = props.components.filter((c) => !affected.has(c.id))
  const othersTouched = others.some(
    (c) => values[`components.${c.id}`] || errors[`components.${c.id}`],
  )
  const visibility = values.visibility ?? 'public'
  return (
    <form
      id={DOM.composer}
      class="composer card"
      method="post"
      action={action}
      hx-post={action}
      hx-target={`#${DOM.timeline}`}
      hx-swap="afterbegin"
      hx-swap-oob={props.oob ? 'true' : undefined}
      aria-labelledby="composer-title"
    >
      <h2 id="composer-title">Post an update</h2>
      <CsrfField token={props.csrfToken} />
      <FormErrors
        errors={errors}
        fields={[...FIELDS, ...props.components.map((c) => `components.${c.id}`)]}
      />
      <TextareaRow
        prefix={P}
        name="body"
        label="Message"
        errors={errors}
        value={values.body ?? ''}
        required
        submitOnCtrlEnter
        placeholder="What is happening, what are you doing about it? Markdown: *emphasis*, `code`, links, lists."
        after={<p class="hint muted">Ctrl+Enter posts.</p>}
      />
      <div class="form-grid">
        <IncidentStatusRow
          prefix={P}
          errors={errors}
          value={values.status ?? ''}
          blank={`No change (${INCIDENT_STATUS_LABELS[incident.status]})`}
        />
        <HappenedAtRow
          prefix={P}
          tz={props.tz}
          errors={errors}
          value={values.at ?? ''}
          hint="Leave blank for now; set it to backdate."
        />
        <EventKindRow prefix={P} errors={errors} value={values.kind ?? ''} blank="Automatic" />
      </div>
      {props.components.length > 0 && (
        <fieldset class="form-row component-selects">
          <legend>Component statuses</legend>
          <ComponentStatusSelects prefix={P} components={first} values={values} errors={errors} />
          {others.length > 0 && (
            <details open={othersTouched || first.length === 0}>
              <summary>{first.length ? 'Other components' : 'Components'}</summary>
              <ComponentStatusSelects
                prefix={P}
                components={others}
                values={values}
                errors={errors}
              />
            </details>
          )}
          <FieldError prefix={P} name="components" label="Components" errors={errors} />
        </fieldset>
      )}
      <fieldset class="form-row">
        <legend>Visibility</legend>
        <label class="inline">
          <input
            type="radio"
            name="visibility"
            value="public"
            checked={visibility !== 'internal'}
          />{' '}
          Public update (on the status page)
        </label>
        <label class="inline">
          <input
            type="radio"
            name="visibility"
            value="internal"
            checked={visibility === 'internal'}
          />{' '}
          Internal note (console and postmortem only; cannot change statuses)
        </label>
        <FieldError prefix={P} name="visibility" label="Visibility" errors={errors} />
      </fieldset>
      <NotifyRow values={values} label="Notify subscribers (public updates only)" />
      {props.recipients !== undefined && (
        <NotifyCount
          incidentId={incident.id}
          count={props.recipients}
          block={visibility === 'internal' ? 'internal' : values.notify === 'off' ? 'off' : null}
        />
      )}
      <div class="actions">
        <button type="submit">Post update</button>
      </div>
    </form>
  )
}
