import type { Component } from '../../../src/domain/types.ts'
import { ConsoleLayout, CsrfField, type ConsoleContext } from '../../layouts/console.tsx'
import { ConsoleAssets, FormErrors, type FormState } from '../../partials/console/common.tsx'
import { NameRow, TextareaRow } from '../../partials/console/fields.tsx'
import {
  ComponentCheckboxes,
  MAINTENANCE_FIELDS,
  MaintenanceOptionRows,
  WindowRows,
} from '../../partials/console/maintenance-fields.tsx'

const P = 'new-maintenance'

export interface NewMaintenancePageProps {
  ctx: ConsoleContext
  components: Component[]
  tz: string
  form: FormState
}

/** Scheduling maintenance: one form, the announcement included. */
export function NewMaintenancePage(props: NewMaintenancePageProps) {
  const { values, errors } = props.form
  return (
    <ConsoleLayout ctx={{ ...props.ctx, section: 'maintenance' }} title="Schedule maintenance">
      <ConsoleAssets />
      <p class="muted">
        <a href="/console/maintenance">← Maintenance</a>
      </p>
      <h1 class="page-title">Schedule maintenance</h1>
      <form method="post" action="/console/maintenance" class="card new-incident new-maintenance">
        <CsrfField token={props.ctx.csrfToken} />
        <FormErrors errors={errors} fields={MAINTENANCE_FIELDS} />
        <NameRow
          prefix={P}
          errors={errors}
          autofocus
          value={values.name ?? ''}
          placeholder="e.g. Database upgrade"
        />
        <WindowRows prefix={P} tz={props.tz} values={values} errors={errors} />
        <ComponentCheckboxes
          prefix={P}
          components={props.components}
          values={values}
          errors={errors}
        />
        <TextareaRow
          prefix={P}
          name="body"
          label="Message"
          errors={errors}
          value={values.body ?? ''}
          required
          submitOnCtrlEnter
          placeholder="What will be done, what customers may notice."
        />
        <MaintenanceOptionRows values={values} />
        <div class="actions">
          <button type="submit">Schedule maintenance</button>
          <a class="button secondary" href="/console/maintenance">
            Cancel
          </a>
        </div>
      </form>
    </ConsoleLayout>
  )
}
