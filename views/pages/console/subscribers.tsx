import { visibleTarget, type SubscriberList } from '../../../src/app/list-subscribers.ts'
import {
  SUBSCRIBER_CHANNEL_LABELS,
  SUBSCRIBER_CHANNELS,
  SUBSCRIBER_STATES,
} from '../../../src/domain/enums.ts'
import type { Component, ComponentGroup } from '../../../src/domain/types.ts'
import { ConsoleLayout, CsrfField, type ConsoleContext } from '../../layouts/console.tsx'
import { Time, type FormState } from '../../partials/console/common.tsx'
import { ConfirmDisclosure, FormAlert } from '../../partials/form.tsx'
import {
  ChannelBadge,
  described,
  Row,
  scopeText,
  SUBSCRIBER_STATE_LABELS,
  subscriberPath,
  SubscribersAssets,
  SubscriberStateBadge,
} from './subscribers-common.tsx'

export interface SubscriberFilters {
  q: string
  channel: string
  state: string
  component: string
}

/** The list's address with these filters (blank ones left out) and page. */
export function subscribersListPath(filters: SubscriberFilters, page = 1): string {
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(filters)) if (v) params.set(k, v)
  if (page > 1) params.set('page', String(page))
  const qs = params.toString()
  return `/console/subscribers${qs ? `?${qs}` : ''}`
}

export interface SubscribersPageProps {
  ctx: ConsoleContext
  list: SubscriberList
  filters: SubscriberFilters
  page: number
  pageCount: number
  /** Visible components and the groups, for the filter, the add form and the scope column. */
  components: Component[]
  groups: ComponentGroup[]
  tz: string
  canWrite: boolean
  notice?: string | null
  add: FormState
  importForm: FormState
}

export function SubscribersPage(props: SubscribersPageProps) {
  const { ctx, list, filters } = props
  const componentNames = new Map(props.components.map((c) => [c.id, c.name]))
  const groupNames = new Map(props.groups.map((g) => [g.id, g.name]))
  const allCount = SUBSCRIBER_STATES.reduce((n, s) => n + list.byState[s], 0)
  const filtered = Boolean(filters.q || filters.channel || filters.state || filters.component)
  return (
    <ConsoleLayout ctx={{ ...ctx, section: 'subscribers' }} title="Subscribers">
      <SubscribersAssets />
      <div class="page-head">
        <h1>Subscribers</h1>
      </div>
      <FormAlert message={props.notice} kind="ok" />

      <nav class="state-counts" aria-label="Subscribers by state">
        <a
          href={subscribersListPath({ ...filters, state: '' })}
          aria-current={filters.state === '' ? 'true' : undefined}
        >
          All <span class="count">{allCount}</span>
        </a>
        {SUBSCRIBER_STATES.map((s) => (
          <a
            href={subscribersListPath({ ...filters, state: s })}
            aria-current={filters.state === s ? 'true' : undefined}
            class={`state-${s}`}
          >
            {SUBSCRIBER_STATE_LABELS[s]} <span class="count">{list.byState[s]}</span>
          </a>
        ))}
      </nav>

      <form
        method="get"
        action="/console/subscribers"
        class="toolbar subscriber-filters"
        role="search"
      >
        <label for="filter-q" class="visually-hidden">
          Search addresses
        </label>
        <input
          id="filter-q"
          type="search"
          name="q"
          value={filters.q}
          placeholder={props.canWrite ? 'Search addresses and URLs' : 'Search e-mail addresses'}
          maxlength={200}
        />
        <label for="filter-channel" class="visually-hidden">
          Channel
        </label>
        <select id="filter-channel" name="channel">
          <option value="">Any channel</option>
          {SUBSCRIBER_CHANNELS.map((ch) => (
            <option value={ch} selected={filters.channel === ch}>
              {SUBSCRIBER_CHANNEL_LABELS[ch]}
            </option>
          ))}
        </select>
        <label for="filter-state" class="visually-hidden">
          State
        </label>
        <select id="filter-state" name="state">
          <option value="">Any state</option>
          {SUBSCRIBER_STATES.map((s) => (
            <option value={s} selected={filters.state === s}>
              {SUBSCRIBER_STATE_LABELS[s]}
            </option>
          ))}
        </select>
        <label for="filter-component" class="visually-hidden">
          Component
        </label>
        <select id="filter-component" name="component">
          <option value="">Any component</option>
          {props.components.map((c) => (
            <option value={c.id} selected={filters.component === c.id}>
              {c.name}
            </option>
          ))}
        </select>
        <button type="submit" class="secondary">
          Filter
        </button>
        {filtered && <a href="/console/subscribers">Clear</a>}
      </form>

      <p class="muted" id="subscriber-total">
        {list.total === 1 ? '1 subscriber' : `${list.total} subscribers`}
        {filtered ? ' match.' : '.'}
      </p>

      {list.subscribers.length === 0 ? (
        <p class="empty">
          {filtered ? 'No subscribers match these filters.' : 'No subscribers yet.'}
        </p>
      ) : (
        <div class="table-wrap">
          <table class="table subscribers-table">
            <thead>
              <tr>
                <th scope="col">Address</th>
                <th scope="col">Channel</th>
                <th scope="col">State</th>
                <th scope="col">Components</th>
                <th scope="col">Added</th>
                {props.canWrite && (
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {list.subscribers.map((sub) => (
                <tr id={`subscriber-${sub.id}`}>
                  <td class="target">
                    <a href={subscriberPath(sub.id)}>{visibleTarget(sub, props.canWrite)}</a>
                  </td>
                  <td>
                    <ChannelBadge channel={sub.channel} />
                  </td>
                  <td>
                    <SubscriberStateBadge state={sub.state} />
                  </td>
                  <td>{scopeText(sub, componentNames, groupNames)}</td>
                  <td>
                    <Time ms={sub.createdAt} tz={props.tz} style="date" />
                  </td>
                  {props.canWrite && (
                    <td class="actions">
                      {(sub.state === 'quarantined' || sub.state === 'unsubscribed') && (
                        <ActionButton
                          action={`${subscriberPath(sub.id)}/reactivate`}
                          csrfToken={ctx.csrfToken}
                          label="Reactivate"
                        />
                      )}
                      {sub.state === 'quarantined' && (
                        <ActionButton
                          action={`${subscriberPath(sub.id)}/replay`}
                          csrfToken={ctx.csrfToken}
                          label="Replay failed"
                        />
                      )}
                      {sub.channel === 'webhook' && (
                        <ConfirmDisclosure
                          summary="Rotate secret…"
                          action={`${subscriberPath(sub.id)}/rotate-secret`}
                          csrfToken={ctx.csrfToken}
                          question={
                            <>
                              Make a new signing secret for {sub.target}? The old one keeps signing
                              alongside it for 24 hours.
                            </>
                          }
                          button="Rotate secret"
                        />
                      )}
                      <ConfirmDisclosure
                        summary="Remove…"
                        action={`${subscriberPath(sub.id)}/remove`}
                        csrfToken={ctx.csrfToken}
                        question={
                          <>Remove {sub.target} and its delivery history? This cannot be undone.</>
                        }
                        button="Remove subscriber"
                      />
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {props.pageCount > 1 && (
        <nav class="pagination" aria-label="Subscriber pages">
          {props.page > 1 && (
            <a href={subscribersListPath(filters, props.page - 1)} rel="prev">
              ← Previous
            </a>
          )}
          <span class="muted">
            Page {props.page} of {props.pageCount}
          </span>
          {props.page < props.pageCount && (
            <a href={subscribersListPath(filters, props.page + 1)} rel="next">
              Next →
            </a>
          )}
        </nav>
      )}

      {props.canWrite && (
        <div class="subscriber-forms">
          <AddSubscriberForm {...props} />
          <ImportForm csrfToken={ctx.csrfToken} form={props.importForm} />
        </div>
      )}
    </ConsoleLayout>
  )
}

const ActionButton = (props: { action: string; csrfToken: string; label: string }) => (
  <form method="post" action={props.action} class="inline-action">
    <CsrfField token={props.csrfToken} />
    <input type="hidden" name="back" value="list" />
    <button type="submit" class="secondary small">
      {props.label}
    </button>
  </form>
)

const ADD_FIELDS = ['channel', 'target', 'componentIds', 'groupIds', 'confirmed']

function AddSubscriberForm(props: SubscribersPageProps) {
  const { values, errors } = props.add
  const chosen = new Set((values.componentIds ?? '').split(',').filter(Boolean))
  const chosenGroups = new Set((values.groupIds ?? '').split(',').filter(Boolean))
  const other = Object.entries(errors).filter(([k]) => !ADD_FIELDS.includes(k))
  return (
    <section class="card" aria-labelledby="add-title">
      <h2 id="add-title">Add a subscriber</h2>
      <form method="post" action="/console/subscribers" class="add-subscriber">
        <CsrfField token={props.ctx.csrfToken} />
        {other.length > 0 && (
          <div class="flash flash-error" role="alert">
            {other.map(([, m]) => (
              <p>{m}</p>
            ))}
          </div>
        )}
        <div class="form-grid">
          <Row id="add-channel" label="Channel" error={errors.channel}>
            <select id="add-channel" name="channel" {...described('add-channel', errors.channel)}>
              {SUBSCRIBER_CHANNELS.map((ch) => (
                <option value={ch} selected={(values.channel ?? 'email') === ch}>
                  {SUBSCRIBER_CHANNEL_LABELS[ch]}
                </option>
              ))}
            </select>
          </Row>
          <Row
            id="add-target"
            label="Address"
            error={errors.target}
            hint="An e-mail address, or the https:// URL of the webhook (Slack, Discord, Teams: their incoming-webhook URL)."
          >
            <input
              id="add-target"
              name="target"
              type="text"
              required
              maxlength={2000}
              value={values.target ?? ''}
              autocomplete="off"
              {...described('add-target', errors.target, true)}
            />
          </Row>
        </div>
        {(props.components.length > 0 || props.groups.length > 0) && (
          <fieldset class="form-row scope-choice">
            <legend>Components (none ticked: all of them)</legend>
            {props.groups.map((g) => (
              <label class="inline">
                <input
                  type="checkbox"
                  name="groupIds"
                  value={g.id}
                  checked={chosenGroups.has(g.id)}
                />{' '}
                {g.name} (whole group)
              </label>
            ))}
            {props.components.map((c) => (
              <label class="inline">
                <input
                  type="checkbox"
                  name="componentIds"
                  value={c.id}
                  checked={chosen.has(c.id)}
                />{' '}
                {c.name}
              </label>
            ))}
            {errors.componentIds && <p class="field-error">{errors.componentIds}</p>}
            {errors.groupIds && <p class="field-error">{errors.groupIds}</p>}
          </fieldset>
        )}
        <div class="form-row">
          <label class="inline">
            <input
              type="checkbox"
              name="confirmed"
              value="on"
              checked={values.confirmed === undefined || values.confirmed === 'on'}
            />{' '}
            Pre-confirmed (e-mail: the address is active at once; unticked, a confirmation mail is
            sent first)
          </label>
        </div>
        <div class="actions">
          <button type="submit">Add subscriber</button>
        </div>
      </form>
    </section>
  )
}

function ImportForm(props: { csrfToken: string; form: FormState }) {
  const { values, errors } = props.form
  const error = errors.csv ?? errors.file
  return (
    <section class="card" aria-labelledby="import-title">
      <h2 id="import-title">Import from CSV</h2>
      <form
        method="post"
        action="/console/subscribers/import"
        enctype="multipart/form-data"
        class="import-subscribers"
      >
        <CsrfField token={props.csrfToken} />
        <p class="muted">
          A header row, then one subscriber per line: an <code>email</code> column alone, or{' '}
          <code>channel,target,components</code> (components by name or id, separated by{' '}
          <code>;</code>). Imported addresses are active at once; rejected rows are reported by
          line.
        </p>
        <Row id="import-csv" label="Paste CSV" error={error}>
          <textarea id="import-csv" name="csv" rows={6} {...described('import-csv', error)}>
            {values.csv ?? ''}
          </textarea>
        </Row>
        <Row id="import-file" label="…or upload a file" hint="At most 5 MB.">
          <input id="import-file" type="file" name="file" accept=".csv,text/csv,text/plain" />
        </Row>
        <div class="actions">
          <button type="submit">Import</button>
        </div>
      </form>
    </section>
  )
}
