import { ConsoleLayout, CsrfField, type ConsoleContext } from '../../layouts/console.tsx'
import { CheckboxRow } from '../../partials/console/fields.tsx'
import { FormAlert, TextField, TimeZoneField, type FieldErrors } from '../../partials/form.tsx'

export interface SettingsValues {
  pageName?: string
  pageUrl?: string | null
  timeZone?: string
  logoUrl?: string | null
  mailFrom?: string | null
  mailReplyTo?: string | null
  notifyComponentChanges?: boolean
  maintenanceReminderMinutes?: number | string
}

export function SettingsPage(props: {
  ctx: ConsoleContext
  values: SettingsValues
  errors?: FieldErrors
  notice?: string | null
}) {
  const { values, errors } = props
  return (
    <ConsoleLayout ctx={{ ...props.ctx, section: 'settings' }} title="Settings">
      <div class="page-title">
        <h1>Settings</h1>
      </div>
      <FormAlert message={props.notice} kind="ok" />
      {errors && Object.keys(errors).length ? (
        <FormAlert message="Some settings need attention; see the messages below." />
      ) : null}
      <section class="card">
        <form method="post" action="/console/settings" class="stack">
          <CsrfField token={props.ctx.csrfToken} />
          <TextField
            name="pageName"
            label="Page name"
            value={values.pageName}
            required
            maxlength={100}
            errors={errors}
          />
          <TextField
            name="pageUrl"
            label="Public URL"
            type="url"
            value={values.pageUrl}
            placeholder="https://status.example.com"
            hint="Where customers reach the page; used in links sent out. Optional."
            errors={errors}
          />
          <TimeZoneField
            value={values.timeZone}
            hint="Times on the public page and in the console are shown in this zone."
            errors={errors}
          />
          <TextField
            name="logoUrl"
            label="Logo URL"
            type="url"
            value={values.logoUrl}
            placeholder="https://example.com/logo.svg"
            hint="An https:// image shown at the top of the page. Optional."
            errors={errors}
          />
          <h2>Notifications</h2>
          <TextField
            name="mailFrom"
            label="Mail from"
            value={values.mailFrom}
            placeholder="Acme Status <status@example.com>"
            hint="Sender of subscriber e-mail. Leave blank to use the MAIL_FROM setting."
            errors={errors}
          />
          <TextField
            name="mailReplyTo"
            label="Reply-to address"
            type="email"
            value={values.mailReplyTo}
            placeholder="support@example.com"
            hint="Where replies to subscriber e-mail go. Optional."
            errors={errors}
          />
          <CheckboxRow
            name="notifyComponentChanges"
            checked={values.notifyComponentChanges === true}
            label="Notify subscribers when a component's status changes outside an incident"
          />
          <TextField
            name="maintenanceReminderMinutes"
            label="Maintenance reminder (minutes before start)"
            type="number"
            value={
              values.maintenanceReminderMinutes === undefined
                ? '60'
                : String(values.maintenanceReminderMinutes)
            }
            hint="Subscribers are reminded this long before a scheduled maintenance starts; 0 turns reminders off."
            errors={errors}
          />
          <div class="actions">
            <button type="submit">Save settings</button>
          </div>
        </form>
      </section>
    </ConsoleLayout>
  )
}
