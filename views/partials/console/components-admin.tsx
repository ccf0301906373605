import { COMPONENT_STATUSES, COMPONENT_STATUS_LABELS } from '../../../src/domain/enums.ts'
import type { Component, ComponentGroup } from '../../../src/domain/types.ts'
import { CsrfField } from '../../layouts/console.tsx'
import { DOM } from '../../ids.ts'
import { ComponentStatusBadge, FieldError, fieldId, FormErrors, type FormState } from './common.tsx'
import { CheckboxRow, NameRow, Select, SelectRow, TextRow } from './fields.tsx'

export interface ComponentsAdminProps {
  groups: ComponentGroup[]
  /** Ordered as the store lists them (group position, then position). */
  components: Component[]
  canWrite: boolean
  csrfToken: string
  /** The form that failed validation, by key: 'component:new', 'group:new', 'component:<id>', 'group:<id>'. */
  failed?: { key: string; form: FormState }
  /** A short confirmation after a successful change. */
  notice?: string
}

type Ctx = ComponentsAdminProps

const stateFor = (ctx: Ctx, key: string): FormState =>
  ctx.failed?.key === key ? ctx.failed.form : { values: {}, errors: {} }

/**
 * Groups and their components with every control; mutations re-render this whole section with
 * htmx (hx-target is inherited from it), or redirect back to the page without JS.
 */
export function ComponentsAdmin(props: ComponentsAdminProps) {
  const ungrouped = props.components.filter((c) => c.groupId === null)
  return (
    <section
      id={DOM.componentsAdmin}
      class="components-admin"
      hx-target="this"
      hx-swap="outerHTML"
      aria-label="Components and groups"
    >
      {props.notice && (
        <p class="flash flash-ok" role="status">
          {props.notice}
        </p>
      )}
      {props.components.length === 0 && props.groups.length === 0 && (
        <p class="muted">
          No components yet.{props.canWrite ? ' Create the first one below.' : ''}
        </p>
      )}
      {ungrouped.length > 0 && (
        <GroupBlock ctx={props} group={null} components={ungrouped} first last />
      )}
      {props.groups.map((g, i) => (
        <GroupBlock
          ctx={props}
          group={g}
          components={props.components.filter((c) => c.groupId === g.id)}
          first={i === 0}
          last={i === props.groups.length - 1}
        />
      ))}
      {props.canWrite && (
        <div class="create-forms">
          <CreateComponentForm ctx={props} />
          <CreateGroupForm ctx={props} />
        </div>
      )}
    </section>
  )
}

/** A one-button POST form (move, hide, show, delete). */
function ActionButton(props: {
  ctx: Ctx
  action: string
  label: string
  fields?: Record<string, string>
  confirm?: string
  danger?: boolean
  disabled?: boolean
  title?: string
}) {
  return (
    <form
      method="post"
      action={props.action}
      hx-post={props.action}
      hx-confirm={props.confirm}
      class="inline-form"
    >
      <CsrfField token={props.ctx.csrfToken} />
      {Object.entries(props.fields ?? {}).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      <button
        type="submit"
        class={props.danger ? 'danger small' : 'secondary small'}
        disabled={props.disabled}
        aria-label={props.title}
        title={props.title}
      >
        {props.label}
      </button>
    </form>
  )
}

function GroupBlock(props: {
  ctx: Ctx
  group: ComponentGroup | null
  components: Component[]
  first: boolean
  last: boolean
}) {
  const { ctx, group } = props
  const titleId = group ? `group-title-${group.id}` : 'group-title-none'
  return (
    <section class="card component-group" aria-labelledby={titleId}>
      <div class="group-head">
        <h2 id={titleId}>{group ? group.name : 'Without a group'}</h2>
        {group?.collapsed && <span class="badge muted">collapsed by default</span>}
        {ctx.canWrite && group && (
          <div class="actions group-actions">
            <ActionButton
              ctx={ctx}
              action={`/console/component-groups/${group.id}/move`}
              fields={{ direction: 'up' }}
              label="↑"
              title={`Move group ${group.name} up`}
              disabled={props.first}
            />
            <ActionButton
              ctx={ctx}
              action={`/console/component-groups/${group.id}/move`}
              fields={{ direction: 'down' }}
              label="↓"
              title={`Move group ${group.name} down`}
              disabled={props.last}
            />
            <ActionButton
              ctx={ctx}
              action={`/console/component-groups/${group.id}/delete`}
              label="Delete group"
              danger
              confirm={`Delete the group "${group.name}"? Its components stay, without a group.`}
            />
          </div>
        )}
      </div>
      {group?.description && <p class="muted">{group.description}</p>}
      {ctx.canWrite && group && <EditGroupForm ctx={ctx} group={group} />}
      {props.components.length === 0 ? (
        <p class="muted">No components in this group.</p>
      ) : (
        <table class="table components-table">
          <thead>
            <tr>
              <th scope="col">Component</th>
              <th scope="col">Status</th>
              <th scope="col">On the page</th>
              {ctx.canWrite && <th scope="col">Actions</th>}
            </tr>
          </thead>
          <tbody>
            {props.components.map((c, i) => (
              <ComponentRow
                ctx={ctx}
                component={c}
                first={i === 0}
                last={i === props.components.length - 1}
              />
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}

function ComponentRow(props: { ctx: Ctx; component: Component; first: boolean; last: boolean }) {
  const { ctx, component: c } = props
  const base = `/console/components/${c.id}`
  const state = stateFor(ctx, `component:${c.id}`)
  const P = `component-${c.id}`
  return (
    <tr id={`component-row-${c.id}`} class={c.visible ? '' : 'is-hidden'}>
      <td>
        <strong>{c.name}</strong>
        {c.description && <p class="muted small">{c.description}</p>}
        {ctx.canWrite && <EditComponentForm ctx={ctx} component={c} state={state} />}
      </td>
      <td>
        {ctx.canWrite ? (
          <form
            method="post"
            action={`${base}/status`}
            hx-post={`${base}/status`}
            hx-trigger="change, submit"
            class="status-form"
          >
            <CsrfField token={ctx.csrfToken} />
            <label class="visually-hidden" for={fieldId(P, 'status')}>
              Status of {c.name}
            </label>
            <Select
              prefix={P}
              name="status"
              errors={state.errors}
              options={COMPONENT_STATUSES}
              labels={COMPONENT_STATUS_LABELS}
              value={state.values.status ?? c.status}
              class={`status-${c.status}`}
            />
            <button type="submit" class="secondary small">
              Set
            </button>
            <FieldError prefix={P} name="status" label="Status" errors={state.errors} />
          </form>
        ) : (
          <ComponentStatusBadge status={c.status} />
        )}
      </td>
      <td>
        <span class="visibility-state">
          {c.visible ? 'Visible' : <span class="badge muted">Hidden</span>}
        </span>
        {ctx.canWrite && (
          <ActionButton
            ctx={ctx}
            action={`${base}/visibility`}
            fields={{ visible: c.visible ? 'false' : 'true' }}
            label={c.visible ? 'Hide' : 'Show'}
            title={`${c.visible ? 'Hide' : 'Show'} ${c.name} on the public page`}
          />
        )}
      </td>
      {ctx.canWrite && (
        <td>
          <div class="actions row-actions">
            <ActionButton
              ctx={ctx}
              action={`${base}/move`}
              fields={{ direction: 'up' }}
              label="↑"
              title={`Move ${c.name} up`}
              disabled={props.first}
            />
            <ActionButton
              ctx={ctx}
              action={`${base}/move`}
              fields={{ direction: 'down' }}
              label="↓"
              title={`Move ${c.name} down`}
              disabled={props.last}
            />
            <ActionButton
              ctx={ctx}
              action={`${base}/delete`}
              label="Delete"
              danger
              confirm={`Delete the component "${c.name}" and its status history?`}
            />
          </div>
        </td>
      )}
    </tr>
  )
}

function GroupSelect(props: { ctx: Ctx; prefix: string; value: string; state: FormState }) {
  return (
    <SelectRow
      prefix={props.prefix}
      name="groupId"
      label="Group"
      errors={props.state.errors}
      options={props.ctx.groups.map((g) => g.id)}
      labels={Object.fromEntries(props.ctx.groups.map((g) => [g.id, g.name]))}
      value={props.value}
      blank="No group"
    />
  )
}

function NameAndDescription(props: {
  prefix: string
  state: FormState
  name: string
  description: string
}) {
  const { prefix: P, state } = props
  return (
    <>
      <NameRow prefix={P} errors={state.errors} value={props.name} />
      <TextRow
        prefix={P}
        name="description"
        label="Description"
        errors={state.errors}
        maxlength={2000}
        value={props.description}
      />
    </>
  )
}

const hasFieldErrors = (state: FormState, fields: string[]) => fields.some((f) => state.errors[f])

function EditComponentForm(props: { ctx: Ctx; component: Component; state: FormState }) {
  const { ctx, component: c, state } = props
  const P = `component-${c.id}`
  const action = `/console/components/${c.id}`
  return (
    <details class="inline-edit" open={hasFieldErrors(state, ['name', 'description', 'groupId'])}>
      <summary>Edit</summary>
      <form method="post" action={action} hx-post={action}>
        <CsrfField token={ctx.csrfToken} />
        <NameAndDescription
          prefix={P}
          state={state}
          name={state.values.name ?? c.name}
          description={state.values.description ?? c.description ?? ''}
        />
        <GroupSelect
          ctx={ctx}
          prefix={P}
          value={state.values.groupId ?? c.groupId ?? ''}
          state={state}
        />
        <div class="actions">
          <button type="submit">Save</button>
        </div>
      </form>
    </details>
  )
}

function EditGroupForm(props: { ctx: Ctx; group: ComponentGroup }) {
  const { ctx, group: g } = props
  const state = stateFor(ctx, `group:${g.id}`)
  const P = `group-${g.id}`
  const action = `/console/component-groups/${g.id}`
  const collapsed = state.values.name !== undefined ? state.values.collapsed === 'on' : g.collapsed
  return (
    <details class="inline-edit" open={Object.keys(state.errors).length > 0}>
      <summary>Edit group</summary>
      <form method="post" action={action} hx-post={action}>
        <CsrfField token={ctx.csrfToken} />
        <NameAndDescription
          prefix={P}
          state={state}
          name={state.values.name ?? g.name}
          description={state.values.description ?? g.description ?? ''}
        />
        <CheckboxRow name="collapsed" checked={collapsed} label="Collapsed on the public page" />
        <div class="actions">
          <button type="submit">Save group</button>
        </div>
      </form>
    </details>
  )
}

const CREATE_COMPONENT_FIELDS = ['name', 'description', 'groupId', 'status', 'visible']

function CreateComponentForm(props: { ctx: Ctx }) {
  const { ctx } = props
  const state = stateFor(ctx, 'component:new')
  const { values, errors } = state
  const P = 'new-component'
  const visible = values.name !== undefined ? values.visible === 'on' : true
  return (
    <form
      method="post"
      action="/console/components"
      hx-post="/console/components"
      class="card"
      aria-labelledby="new-component-title"
    >
      <h2 id="new-component-title">New component</h2>
      <CsrfField token={ctx.csrfToken} />
      <FormErrors errors={errors} fields={CREATE_COMPONENT_FIELDS} />
      <NameAndDescription
        prefix={P}
        state={state}
        name={values.name ?? ''}
        description={values.description ?? ''}
      />
      <GroupSelect ctx={ctx} prefix={P} value={values.groupId ?? ''} state={state} />
      <SelectRow
        prefix={P}
        name="status"
        label="Status"
        errors={errors}
        options={COMPONENT_STATUSES}
        labels={COMPONENT_STATUS_LABELS}
        value={values.status ?? 'operational'}
      />
      <CheckboxRow name="visible" checked={visible} label="Visible on the public page" />
      <div class="actions">
        <button type="submit">Create component</button>
      </div>
    </form>
  )
}

function CreateGroupForm(props: { ctx: Ctx }) {
  const { ctx } = props
  const state = stateFor(ctx, 'group:new')
  const P = 'new-group'
  return (
    <form
      method="post"
      action="/console/component-groups"
      hx-post="/console/component-groups"
      class="card"
      aria-labelledby="new-group-title"
    >
      <h2 id="new-group-title">New group</h2>
      <CsrfField token={ctx.csrfToken} />
      <FormErrors errors={state.errors} fields={['name', 'description', 'collapsed']} />
      <NameAndDescription
        prefix={P}
        state={state}
        name={state.values.name ?? ''}
        description={state.values.description ?? ''}
      />
      <CheckboxRow
        name="collapsed"
        checked={state.values.collapsed === 'on'}
        label="Collapsed on the public page"
      />
      <div class="actions">
        <button type="submit">Create group</button>
      </div>
    </form>
  )
}
