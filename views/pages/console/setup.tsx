import { ConsoleBareLayout, CsrfField } from '../../layouts/console.tsx'
import {
  FormAlert,
  NewPasswordField,
  TextField,
  TimeZoneField,
  type FieldErrors,
} from '../../partials/form.tsx'

export interface SetupValues {
  name?: string
  email?: string
  pageName?: string
  timeZone?: string
}

/** First run: the owner account and the basics of the page, in one form. */
export function SetupPage(props: {
  csrfToken: string
  values: SetupValues
  errors?: FieldErrors
  message?: string | null
}) {
  const { values, errors } = props
  return (
    <ConsoleBareLayout title="Set up Herald">
      <div class="card auth-card">
        <h1 class="page-title">Welcome to Herald</h1>
        <p class="muted">
          Create the owner account. The owner manages users and settings; you can add your team
          afterwards.
        </p>
        <FormAlert message={props.message} />
        <form method="post" action="/console/setup" class="stack">
          <CsrfField token={props.csrfToken} />
          <fieldset>
            <legend>Your account</legend>
            <TextField
              name="name"
              label="Name"
              value={values.name}
              required
              maxlength={100}
              autocomplete="name"
              autofocus
              errors={errors}
            />
            <TextField
              name="email"
              label="Email"
              type="email"
              value={values.email}
              required
              autocomplete="username"
              errors={errors}
            />
            <NewPasswordField label="Password" errors={errors} />
            <TextField
              name="confirm"
              label="Repeat the password"
              type="password"
              required
              autocomplete="new-password"
              errors={errors}
            />
          </fieldset>
          <fieldset>
            <legend>Your status page</legend>
            <TextField
              name="pageName"
              label="Page name"
              value={values.pageName}
              required
              maxlength={100}
              hint="Shown as the title of the public page, e.g. “Acme Status”."
              errors={errors}
            />
            <TimeZoneField
              value={values.timeZone}
              hint="Times on the page and in the console are shown in this zone."
              errors={errors}
            />
          </fieldset>
          <div class="actions">
            <button type="submit">Create owner and sign in</button>
          </div>
        </form>
      </div>
    </ConsoleBareLayout>
  )
}
