import {
  COMPONENT_STATUSES,
  COMPONENT_STATUS_LABELS,
  EVENT_KINDS,
  EVENT_KIND_LABELS,
  INCIDENT_STATUSES,
  INCIDENT_STATUS_LABELS,
} from '../../../src/domain/enums.ts'
import type { Component, Incident } from '../../../src/domain/types.ts'
import { CsrfField } from '../../layouts/console.tsx'
import { DOM } from '../../ids.ts'
import {
  FieldError,
  fieldId,
  FormErrors,
  invalidAttrs,
  type FieldErrors,
  type FormState,
  type FormValues,
} from './common.tsx'

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
        const value = props.values[name] ?? ''
        return (
          <div class="form-row component-select">
            <label for={fieldId(props.prefix, name)}>{c.name}</label>
            <select
              id={fieldId(props.prefix, name)}
              name={name}
              {...invalidAttrs(props.prefix, name, props.errors)}
            >
              <option value="" selected={value === ''}>
                No change ({COMPONENT_STATUS_LABELS[c.status]})
              </option>
              {COMPONENT_STATUSES.map((s) => (
                <option value={s} selected={value === s}>
                  {COMPONENT_STATUS_LABELS[s]}
                </option>
              ))}
            </select>
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
      <div class="form-row">
        <label for={fieldId(P, 'body')}>Message</label>
        <textarea
          id={fieldId(P, 'body')}
          name="body"
          required
          class="submit-on-ctrl-enter"
          placeholder="What is happening, what are you doing about it? Markdown: *emphasis*, `code`, links, lists."
          {...invalidAttrs(P, 'body', errors)}
        >
          {values.body ?? ''}
        </textarea>
        <FieldError prefix={P} name="body" label="Message" errors={errors} />
        <p class="hint muted">Ctrl+Enter posts.</p>
      </div>
      <div class="form-grid">
        <div class="form-row">
          <label for={fieldId(P, 'status')}>Status</label>
          <select id={fieldId(P, 'status')} name="status" {...invalidAttrs(P, 'status', errors)}>
            <option value="" selected={!values.status}>
              No change ({INCIDENT_STATUS_LABELS[incident.status]})
            </option>
            {INCIDENT_STATUSES.map((s) => (
              <option value={s} selected={values.status === s}>
                {INCIDENT_STATUS_LABELS[s]}
              </option>
            ))}
          </select>
          <FieldError prefix={P} name="status" label="Status" errors={errors} />
        </div>
        <div class="form-row">
          <label for={fieldId(P, 'at')}>Happened at ({props.tz})</label>
          <input
            type="datetime-local"
            id={fieldId(P, 'at')}
            name="at"
            value={values.at ?? ''}
            aria-describedby={errors.at ? `${fieldId(P, 'at')}-error` : `${fieldId(P, 'at')}-hint`}
            {...(errors.at ? { 'aria-invalid': 'true' } : {})}
          />
          <p class="hint muted" id={`${fieldId(P, 'at')}-hint`}>
            Leave blank for now; set it to backdate.
          </p>
          <FieldError prefix={P} name="at" label="Time" errors={errors} />
        </div>
        <div class="form-row">
          <label for={fieldId(P, 'kind')}>Kind</label>
          <select id={fieldId(P, 'kind')} name="kind" {...invalidAttrs(P, 'kind', errors)}>
            <option value="" selected={!values.kind}>
              Automatic
            </option>
            {EVENT_KINDS.map((k) => (
              <option value={k} selected={values.kind === k}>
                {EVENT_KIND_LABELS[k]}
              </option>
            ))}
          </select>
          <FieldError prefix={P} name="kind" label="Kind" errors={errors} />
        </div>
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
      <div class="form-row">
        <label class="inline">
          <input
            type="checkbox"
            name="notify"
            value="on"
            checked={values.notify === undefined || values.notify === 'on'}
          />{' '}
          Notify subscribers (public updates only)
        </label>
      </div>
      <div class="actions">
        <button type="submit">Post update</button>
      </div>
    </form>
  )
}
