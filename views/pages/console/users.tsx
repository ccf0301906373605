import { ROLES, type Role } from '../../../src/domain/enums.ts'
import type { User } from '../../../src/domain/types.ts'
import { ConsoleLayout, CsrfField, type ConsoleContext } from '../../layouts/console.tsx'
import {
  ConfirmDisclosure,
  FormAlert,
  NewPasswordField,
  SelectField,
  TextField,
  type FieldErrors,
} from '../../partials/form.tsx'

export const ROLE_LABELS: Record<Role, string> = {
  owner: 'Owner',
  responder: 'Responder',
  viewer: 'Viewer',
}
const ROLE_HINT =
  'Owners manage everything, including users, settings and the audit log; responders run ' +
  'incidents and components; viewers read the console and change nothing.'

export interface NewUserValues {
  email?: string
  name?: string
  role?: string
}

export function UsersPage(props: {
  ctx: ConsoleContext
  users: User[]
  values?: NewUserValues
  errors?: FieldErrors
  message?: string | null
  notice?: string | null
  formatDate: (ms: number) => string
}) {
  const { ctx, users } = props
  const me = ctx.user
  return (
    <ConsoleLayout ctx={{ ...ctx, section: 'users' }} title="Users">
      <div class="page-title">
        <h1>Users</h1>
      </div>
      <FormAlert message={props.message} />
      <FormAlert message={props.notice} kind="ok" />
      <div class="table-wrap">
        <table class="table table-stack">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Added</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr>
                <td>
                  {u.name}
                  {u.id === me.id ? (
                    <>
                      {' '}
                      <span class="badge badge-muted">you</span>
                    </>
                  ) : null}
                </td>
                <td data-label="Email">{u.email}</td>
                <td data-label="Role">
                  <span class={`badge badge-role-${u.role}`}>{u.role}</span>
                </td>
                <td data-label="Added">{props.formatDate(u.createdAt)}</td>
                <td>
                  <div class="actions">
                    <form method="post" action={`/console/users/${u.id}/role`} class="inline-form">
                      <CsrfField token={ctx.csrfToken} />
                      <label class="visually-hidden" for={`role-${u.id}`}>
                        Role of {u.name}
                      </label>
                      <select id={`role-${u.id}`} name="role">
                        {ROLES.map((r) => (
                          <option value={r} selected={r === u.role}>
                            {ROLE_LABELS[r]}
                          </option>
                        ))}
                      </select>
                      <button type="submit" class="secondary">
                        Change role
                      </button>
                    </form>
                    {u.id === me.id ? null : (
                      <ConfirmDisclosure
                        summary="Remove…"
                        action={`/console/users/${u.id}/remove`}
                        csrfToken={ctx.csrfToken}
                        question={
                          <>Remove {u.name}? Their sessions and API tokens stop working at once.</>
                        }
                        button={`Remove ${u.name}`}
                      />
                    )}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <section class="card">
        <h2>Add a user</h2>
        <p class="muted">
          Choose an initial password and share it with them securely; they sign in with their email.
        </p>
        <form method="post" action="/console/users" class="form-grid">
          <CsrfField token={ctx.csrfToken} />
          <TextField
            name="name"
            label="Name"
            value={props.values?.name}
            required
            maxlength={100}
            errors={props.errors}
          />
          <TextField
            name="email"
            label="Email"
            type="email"
            value={props.values?.email}
            required
            autocomplete="off"
            errors={props.errors}
          />
          <SelectField
            name="role"
            label="Role"
            options={ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }))}
            value={props.values?.role ?? 'responder'}
            hint={ROLE_HINT}
            errors={props.errors}
          />
          <NewPasswordField label="Initial password" errors={props.errors} />
          <div class="actions">
            <button type="submit">Add user</button>
          </div>
        </form>
      </section>
    </ConsoleLayout>
  )
}
