import { MAINTENANCE_STATUSES, MAINTENANCE_STATUS_LABELS } from '../../../src/domain/enums.ts'
import { msToLocalDateTime } from '../../../src/domain/local-time.ts'
import type { Component, Maintenance, MaintenanceUpdate } from '../../../src/domain/types.ts'
import { ConsoleLayout, CsrfField, type ConsoleContext } from '../../layouts/console.tsx'
import { renderMarkdown } from '../../markdown.ts'
import {
  ComponentStatusBadge,
  ConsoleAssets,
  FormErrors,
  Time,
  type FormState,
} from '../../partials/console/common.tsx'
import { NameRow, NotifyRow, SelectRow, TextareaRow } from '../../partials/console/fields.tsx'
import {
  ComponentCheckboxes,
  MAINTENANCE_FIELDS,
  MaintenanceOptionRows,
  MaintenanceStatusBadge,
  WindowRows,
} from '../../partials/console/maintenance-fields.tsx'
import { ConfirmDisclosure } from '../../partials/form.tsx'

export const DEFAULT_CANCEL_MESSAGE = 'This maintenance has been cancelled.'

export interface MaintenancePageProps {
  ctx: ConsoleContext
  maintenance: Maintenance
  /** Newest first. */
  updates: MaintenanceUpdate[]
  /** Every component, for the edit form and names. */
  components: Component[]
  tz: string
  canWrite: boolean
  /** Owners may delete it (not while it runs). */
  canDelete: boolean
  forms: { edit: FormState; composer: FormState; cancel: FormState }
}

const maintenancePath = (id: string) => `/console/maintenance/${id}`

/** The maintenance view: facts, composer, timeline; edit, cancel and delete for who may. */
export function MaintenancePage(props: MaintenancePageProps) {
  const { maintenance: m, tz, forms } = props
  const over = m.status === 'completed' || m.cancelledAt !== null
  const running = m.status === 'in_progress' || m.status === 'verifying'
  const byId = new Map(props.components.map((c) => [c.id, c]))
  return (
    <ConsoleLayout ctx={{ ...props.ctx, section: 'maintenance' }} title={m.name}>
      <ConsoleAssets />
      <div class="incident-view maintenance-view">
        <div class="incident-main">
          <section class="incident-header card" aria-labelledby="maintenance-name">
            <p class="muted">
              <a href="/console/maintenance">← Maintenance</a>
            </p>
            <h1 id="maintenance-name" class="page-title">
              {m.name}
            </h1>
            <p class="badges">
              <MaintenanceStatusBadge maintenance={m} />
            </p>
            <dl class="facts">
              <div>
                <dt>Starts</dt>
                <dd>
                  <Time ms={m.scheduledFor} tz={tz} />
                </dd>
              </div>
              <div>
                <dt>Ends</dt>
                <dd>
                  <Time ms={m.scheduledUntil} tz={tz} />
                </dd>
              </div>
              <div>
                <dt>Started</dt>
                <dd>{m.startedAt === null ? 'Not yet' : <Time ms={m.startedAt} tz={tz} />}</dd>
              </div>
              <div>
                <dt>{m.cancelledAt !== null ? 'Cancelled' : 'Completed'}</dt>
                <dd>
                  {m.cancelledAt !== null ? (
                    <Time ms={m.cancelledAt} tz={tz} />
                  ) : m.completedAt === null ? (
                    'Not yet'
                  ) : (
                    <Time ms={m.completedAt} tz={tz} />
                  )}
                </dd>
              </div>
            </dl>
            <p class="muted maintenance-options">
              {m.autoStart ? 'Starts automatically' : 'Started by hand'} ·{' '}
              {m.autoComplete ? 'completes automatically' : 'completed by hand'} ·{' '}
              {m.notify ? 'subscribers are notified' : 'subscribers are not notified'}
            </p>
          </section>
          {props.canWrite && !over && (
            <MaintenanceComposer
              maintenance={m}
              csrfToken={props.ctx.csrfToken}
              form={forms.composer}
            />
          )}
          <section class="timeline-section" aria-labelledby="timeline-title">
            <h2 id="timeline-title">Timeline</h2>
            <ol class="timeline" aria-label="Timeline, newest first">
              {props.updates.map((u) => (
                <li class="event event-public">
                  <div class="event-meta">
                    <span class={`badge maintenance-status maintenance-status-${u.status}`}>
                      {MAINTENANCE_STATUS_LABELS[u.status]}
                    </span>
                    <Time ms={u.at} tz={tz} />
                    <span class="author">by {u.authorName ?? 'the schedule'}</span>
                  </div>
                  <div
                    class="markdown event-body"
                    dangerouslySetInnerHTML={{ __html: renderMarkdown(u.body) }}
                  />
                </li>
              ))}
            </ol>
          </section>
        </div>
        <aside class="incident-side">
          <section class="incident-components card" aria-labelledby="maintenance-components-title">
            <h2 id="maintenance-components-title">Affected components</h2>
            {m.componentIds.length === 0 ? (
              <p class="muted">No components are linked to this maintenance.</p>
            ) : (
              <ul class="component-statuses">
                {m.componentIds.map((id) => {
                  const c = byId.get(id)
                  return (
                    <li>
                      <span class="component-name">{c?.name ?? 'Deleted component'}</span>{' '}
                      {c && <ComponentStatusBadge status={c.status} />}
                    </li>
                  )
                })}
              </ul>
            )}
          </section>
          {props.canWrite && !over && <EditForm {...props} />}
          {props.canWrite && m.status === 'scheduled' && m.cancelledAt === null && (
            <CancelForm maintenance={m} csrfToken={props.ctx.csrfToken} form={forms.cancel} />
          )}
          {props.canDelete && !running && (
            <div class="card">
              <ConfirmDisclosure
                summary="Delete maintenance"
                action={`${maintenancePath(m.id)}/delete`}
                csrfToken={props.ctx.csrfToken}
                question="Delete this maintenance and its timeline? The audit log keeps a copy."
                button="Delete maintenance"
              />
            </div>
          )}
        </aside>
      </div>
    </ConsoleLayout>
  )
}

const C = 'maintenance-composer'

function MaintenanceComposer(props: {
  maintenance: Maintenance
  csrfToken: string
  form: FormState
}) {
  const { maintenance: m } = props
  const { values, errors } = props.form
  // Forward only: the statuses after the current one.
  const next = MAINTENANCE_STATUSES.slice(MAINTENANCE_STATUSES.indexOf(m.status) + 1)
  return (
    <form
      method="post"
      action={`${maintenancePath(m.id)}/updates`}
      class="composer card"
      aria-labelledby="maintenance-composer-title"
    >
      <h2 id="maintenance-composer-title">Post an update</h2>
      <CsrfField token={props.csrfToken} />
      <FormErrors errors={errors} fields={['body', 'status', 'notify']} />
      <TextareaRow
        prefix={C}
        name="body"
        label="Message"
        errors={errors}
        value={values.body ?? ''}
        required
        submitOnCtrlEnter
        placeholder="How the work is going. Markdown: *emphasis*, `code`, links, lists."
      />
      <SelectRow
        prefix={C}
        name="status"
        label="Status"
        errors={errors}
        options={next}
        labels={MAINTENANCE_STATUS_LABELS}
        value={values.status ?? ''}
        blank={`No change (${MAINTENANCE_STATUS_LABELS[m.status]})`}
      />
      <NotifyRow values={values} label="Notify subscribers" />
      <div class="actions">
        <button type="submit">Post update</button>
      </div>
    </form>
  )
}

const E = 'maintenance-edit'

function EditForm(props: MaintenancePageProps) {
  const { maintenance: m, tz } = props
  const { errors } = props.forms.edit
  const values = {
    name: m.name,
    scheduledFor: msToLocalDateTime(m.scheduledFor, tz),
    scheduledUntil: msToLocalDateTime(m.scheduledUntil, tz),
    componentIds: m.componentIds.join(','),
    autoStart: m.autoStart ? 'on' : 'off',
    autoComplete: m.autoComplete ? 'on' : 'off',
    notify: m.notify ? 'on' : 'off',
    ...props.forms.edit.values,
  }
  const started = m.status !== 'scheduled'
  return (
    <details class="card inline-edit" open={Object.keys(errors).length > 0}>
      <summary>{started ? 'Edit or extend' : 'Edit or reschedule'}</summary>
      <form method="post" action={maintenancePath(m.id)}>
        <CsrfField token={props.ctx.csrfToken} />
        <FormErrors errors={errors} fields={MAINTENANCE_FIELDS} />
        <NameRow prefix={E} errors={errors} value={values.name} />
        <WindowRows prefix={E} tz={tz} values={values} errors={errors} startLocked={started} />
        {started ? (
          <p class="muted">
            It has started: only its end can move, and its components stay as they are.
          </p>
        ) : (
          <ComponentCheckboxes
            prefix={E}
            components={props.components}
            values={values}
            errors={errors}
          />
        )}
        <MaintenanceOptionRows values={values} />
        <TextareaRow
          prefix={E}
          name="body"
          label="Message if the window moves (optional; posted and sent)"
          errors={errors}
          value={props.forms.edit.values.body ?? ''}
        />
        <div class="actions">
          <button type="submit">Save</button>
        </div>
      </form>
    </details>
  )
}

const X = 'maintenance-cancel'

function CancelForm(props: { maintenance: Maintenance; csrfToken: string; form: FormState }) {
  const { values, errors } = props.form
  return (
    <details class="card inline-edit confirm" open={Object.keys(errors).length > 0}>
      <summary>Cancel maintenance</summary>
      <form method="post" action={`${maintenancePath(props.maintenance.id)}/cancel`}>
        <CsrfField token={props.csrfToken} />
        <FormErrors errors={errors} fields={['body', 'notify']} />
        <p class="muted">It will not start; the page hides it and calendars mark it cancelled.</p>
        <TextareaRow
          prefix={X}
          name="body"
          label="Message"
          errors={errors}
          value={values.body ?? DEFAULT_CANCEL_MESSAGE}
        />
        <NotifyRow values={values} label="Notify subscribers" />
        <div class="actions">
          <button type="submit" class="danger">
            Cancel maintenance
          </button>
        </div>
      </form>
    </details>
  )
}
