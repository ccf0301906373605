import { TOKEN_SCOPES, type TokenScope } from '../../../src/domain/enums.ts'
import type { ApiToken } from '../../../src/domain/types.ts'
import { ConsoleLayout, CsrfField, type ConsoleContext } from '../../layouts/console.tsx'
import {
  ConfirmDisclosure,
  FormAlert,
  SelectField,
  TextField,
  type FieldErrors,
} from '../../partials/form.tsx'

export const SCOPE_DESCRIPTIONS: Record<TokenScope, string> = {
  read: 'Read: list and fetch components, groups and incidents',
  write: 'Write: everything your role allows, through the API',
}

export interface TokenRow {
  token: ApiToken
  ownerName: string
}

export interface NewTokenValues {
  name?: string
  scope?: string
}

export function TokensPage(props: {
  ctx: ConsoleContext
  tokens: TokenRow[]
  /** Whether the list holds other users' tokens (owners see all). */
  showOwner: boolean
  /** The raw token just created: shown on this response only. */
  created?: { name: string; secret: string } | null
  values?: NewTokenValues
  errors?: FieldErrors
  notice?: string | null
  formatDate: (ms: number) => string
}) {
  const { ctx } = props
  const scopes = ctx.user.role === 'viewer' ? (['read'] as const) : TOKEN_SCOPES
  return (
    <ConsoleLayout ctx={{ ...ctx, section: 'tokens' }} title="API tokens">
      <div class="page-title">
        <h1>API tokens</h1>
      </div>
      <p class="muted">
        Tokens authenticate scripts against <code>/api/v1</code> with{' '}
        <code>Authorization: Bearer hrld_…</code>. A token acts as its user; a read token can only
        read.
      </p>
      <FormAlert message={props.notice} kind="ok" />
      {props.created ? (
        <section class="card new-token" aria-labelledby="new-token-title">
          <h2 id="new-token-title">New token “{props.created.name}”</h2>
          <p>
            <strong>Copy it now.</strong> Herald keeps only a hash of it and cannot show it again.
          </p>
          <label for="new-token-value" class="visually-hidden">
            The new API token
          </label>
          <input
            id="new-token-value"
            class="token-value"
            type="text"
            readonly
            value={props.created.secret}
            autocomplete="off"
          />
          <p class="field-hint">Select the field and copy (Ctrl+C / ⌘C).</p>
        </section>
      ) : null}

      {props.tokens.length === 0 ? (
        <p class="muted">No API tokens yet.</p>
      ) : (
        <div class="table-wrap">
          <table class="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                {props.showOwner ? <th scope="col">Owner</th> : null}
                <th scope="col">Scope</th>
                <th scope="col">Token</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {props.tokens.map(({ token, ownerName }) => (
                <tr>
                  <td>{token.name}</td>
                  {props.showOwner ? <td>{ownerName}</td> : null}
                  <td>
                    <span class={`badge badge-scope-${token.scope}`}>{token.scope}</span>
                  </td>
                  <td>
                    <code>hrld_{token.prefix}…</code>
                  </td>
                  <td>{props.formatDate(token.createdAt)}</td>
                  <td>
                    {token.lastUsedAt === null ? 'never' : props.formatDate(token.lastUsedAt)}
                  </td>
                  <td>
                    <ConfirmDisclosure
                      summary="Revoke…"
                      action={`/console/tokens/${token.id}/revoke`}
                      csrfToken={ctx.csrfToken}
                      question={<>Revoke “{token.name}”? Scripts using it stop working at once.</>}
                      button={`Revoke ${token.name}`}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <section class="card">
        <h2>Create a token</h2>
        <form method="post" action="/console/tokens" class="form-grid">
          <CsrfField token={ctx.csrfToken} />
          <TextField
            name="name"
            label="Name"
            value={props.values?.name}
            required
            maxlength={100}
            hint="What will use it, e.g. “deploy pipeline”."
            errors={props.errors}
          />
          <SelectField
            name="scope"
            label="Scope"
            options={scopes.map((s) => ({ value: s, label: SCOPE_DESCRIPTIONS[s] }))}
            value={props.values?.scope ?? (ctx.user.role === 'viewer' ? 'read' : 'write')}
            errors={props.errors}
          />
          <div class="actions">
            <button type="submit">Create token</button>
          </div>
        </form>
      </section>
    </ConsoleLayout>
  )
}
