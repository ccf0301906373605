import { ConsoleBareLayout, CsrfField } from '../../layouts/console.tsx'
import { FormAlert, TextField, type FieldErrors } from '../../partials/form.tsx'

export function LoginPage(props: {
  csrfToken: string
  next: string
  email?: string
  errors?: FieldErrors
  message?: string | null
}) {
  return (
    <ConsoleBareLayout title="Sign in">
      <div class="card auth-card">
        <h1 class="page-title">Sign in to Herald</h1>
        <FormAlert message={props.message} />
        <form method="post" action="/console/login" class="stack">
          <CsrfField token={props.csrfToken} />
          <input type="hidden" name="next" value={props.next} />
          <TextField
            name="email"
            label="Email"
            type="email"
            value={props.email}
            required
            autocomplete="username"
            autofocus
            errors={props.errors}
          />
          <TextField
            name="password"
            label="Password"
            type="password"
            required
            autocomplete="current-password"
            errors={props.errors}
          />
          <div class="actions">
            <button type="submit">Sign in</button>
          </div>
        </form>
      </div>
    </ConsoleBareLayout>
  )
}
