import {
  EVENT_KINDS,
  EVENT_KIND_LABELS,
  IMPACTS,
  IMPACT_LABELS,
  INCIDENT_STATUSES,
  INCIDENT_STATUS_LABELS,
} from '../../../src/domain/enums.ts'
import type { Component } from '../../../src/domain/types.ts'
import { ConsoleLayout, CsrfField, type ConsoleContext } from '../../layouts/console.tsx'
import {
  ConsoleAssets,
  FieldError,
  fieldId,
  FormErrors,
  invalidAttrs,
  type FormState,
} from '../../partials/console/common.tsx'
import { ComponentStatusSelects } from '../../partials/console/composer.tsx'

const P = 'new-incident'
const FIELDS = ['name', 'impact', 'status', 'body', 'startedAt', 'kind', 'notify']

export interface NewIncidentPageProps {
  ctx: ConsoleContext
  components: Component[]
  tz: string
  form: FormState
}

/** Opening an incident: one form, the first public update included. */
export function NewIncidentPage(props: NewIncidentPageProps) {
  const { values, errors } = props.form
  const impact = values.impact ?? 'minor'
  const status = values.status ?? 'investigating'
  return (
    <ConsoleLayout ctx={{ ...props.ctx, section: 'incidents' }} title="New incident">
      <ConsoleAssets />
      <p class="muted">
        <a href="/console">← Incidents</a>
      </p>
      <h1 class="page-title">New incident</h1>
      <form method="post" action="/console/incidents" class="card new-incident">
        <CsrfField token={props.ctx.csrfToken} />
        <FormErrors
          errors={errors}
          fields={[...FIELDS, ...props.components.map((c) => `components.${c.id}`)]}
        />
        <div class="form-row">
          <label for={fieldId(P, 'name')}>Name</label>
          <input
            type="text"
            id={fieldId(P, 'name')}
            name="name"
            required
            maxlength={200}
            autofocus
            value={values.name ?? ''}
            placeholder="e.g. Elevated API error rates"
            {...invalidAttrs(P, 'name', errors)}
          />
          <FieldError prefix={P} name="name" label="Name" errors={errors} />
        </div>
        <div class="form-grid">
          <div class="form-row">
            <label for={fieldId(P, 'impact')}>Impact</label>
            <select id={fieldId(P, 'impact')} name="impact" {...invalidAttrs(P, 'impact', errors)}>
              {IMPACTS.map((i) => (
                <option value={i} selected={impact === i}>
                  {IMPACT_LABELS[i]}
                </option>
              ))}
            </select>
            <FieldError prefix={P} name="impact" label="Impact" errors={errors} />
          </div>
          <div class="form-row">
            <label for={fieldId(P, 'status')}>Status</label>
            <select id={fieldId(P, 'status')} name="status" {...invalidAttrs(P, 'status', errors)}>
              {INCIDENT_STATUSES.map((s) => (
                <option value={s} selected={status === s}>
                  {INCIDENT_STATUS_LABELS[s]}
                </option>
              ))}
            </select>
            <FieldError prefix={P} name="status" label="Status" errors={errors} />
          </div>
          <div class="form-row">
            <label for={fieldId(P, 'startedAt')}>Started at ({props.tz})</label>
            <input
              type="datetime-local"
              id={fieldId(P, 'startedAt')}
              name="startedAt"
              value={values.startedAt ?? ''}
              aria-describedby={`${fieldId(P, 'startedAt')}-hint`}
              {...invalidAttrs(P, 'startedAt', errors)}
            />
            <input
              type="hidden"
              name="startedAtShown"
              value={values.startedAtShown ?? values.startedAt ?? ''}
            />
            <p class="hint muted" id={`${fieldId(P, 'startedAt')}-hint`}>
              Now, unless you change it to backdate.
            </p>
            <FieldError prefix={P} name="startedAt" label="Start" errors={errors} />
          </div>
          <div class="form-row">
            <label for={fieldId(P, 'kind')}>Kind</label>
            <select id={fieldId(P, 'kind')} name="kind" {...invalidAttrs(P, 'kind', errors)}>
              <option value="" selected={!values.kind}>
                Detection (default)
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
        {props.components.length > 0 ? (
          <fieldset class="form-row component-selects">
            <legend>Affected components</legend>
            <ComponentStatusSelects
              prefix={P}
              components={props.components}
              values={values}
              errors={errors}
            />
          </fieldset>
        ) : (
          <p class="muted">
            No components yet. <a href="/console/components">Add components</a> to mark what is
            affected.
          </p>
        )}
        <div class="form-row">
          <label for={fieldId(P, 'body')}>First message</label>
          <textarea
            id={fieldId(P, 'body')}
            name="body"
            required
            class="submit-on-ctrl-enter"
            placeholder="We are investigating reports of …"
            {...invalidAttrs(P, 'body', errors)}
          >
            {values.body ?? ''}
          </textarea>
          <FieldError prefix={P} name="body" label="First message" errors={errors} />
        </div>
        <div class="form-row">
          <label class="inline">
            <input
              type="checkbox"
              name="notify"
              value="on"
              checked={values.notify === undefined || values.notify === 'on'}
            />{' '}
            Notify subscribers
          </label>
        </div>
        <div class="actions">
          <button type="submit">Open incident</button>
          <a class="button secondary" href="/console">
            Cancel
          </a>
        </div>
      </form>
    </ConsoleLayout>
  )
}
