import type { Component } from '../../../src/domain/types.ts'
import { ConsoleLayout, CsrfField, type ConsoleContext } from '../../layouts/console.tsx'
import { ConsoleAssets, FormErrors, type FormState } from '../../partials/console/common.tsx'
import { ComponentStatusSelects } from '../../partials/console/composer.tsx'
import {
  EventKindRow,
  ImpactRow,
  IncidentStatusRow,
  NameRow,
  NotifyRow,
  StartedAtRow,
  TextareaRow,
} from '../../partials/console/fields.tsx'

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
        <NameRow
          prefix={P}
          errors={errors}
          autofocus
          value={values.name ?? ''}
          placeholder="e.g. Elevated API error rates"
        />
        <div class="form-grid">
          <ImpactRow prefix={P} errors={errors} value={values.impact ?? 'minor'} />
          <IncidentStatusRow prefix={P} errors={errors} value={values.status ?? 'investigating'} />
          <StartedAtRow
            prefix={P}
            tz={props.tz}
            errors={errors}
            value={values.startedAt ?? ''}
            hint="Now, unless you change it to backdate."
          >
            <input
              type="hidden"
              name="startedAtShown"
              value={values.startedAtShown ?? values.startedAt ?? ''}
            />
          </StartedAtRow>
          <EventKindRow
            prefix={P}
            errors={errors}
            value={values.kind ?? ''}
            blank="Detection (default)"
          />
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
        <TextareaRow
          prefix={P}
          name="body"
          label="First message"
          errors={errors}
          value={values.body ?? ''}
          required
          submitOnCtrlEnter
          placeholder="We are investigating reports of …"
        />
        <NotifyRow values={values} label="Notify subscribers" />
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
