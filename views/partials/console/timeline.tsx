import {
  COMPONENT_STATUS_LABELS,
  EVENT_KIND_LABELS,
  VISIBILITIES,
} from '../../../src/domain/enums.ts'
import { msToLocalDateTime } from '../../../src/domain/local-time.ts'
import type { TimelineEvent } from '../../../src/domain/types.ts'
import type { DeliveryProgress } from '../../../src/app/get-delivery-progress.ts'
import { CsrfField } from '../../layouts/console.tsx'
import { DOM, eventDomId } from '../../ids.ts'
import { renderMarkdown } from '../../markdown.ts'
import { DeliveryProgressView } from './delivery-progress.tsx'
import { FieldError, FormErrors, IncidentStatusBadge, Time, type FormState } from './common.tsx'
import { EventKindRow, HappenedAtRow, IncidentStatusRow, TextareaRow } from './fields.tsx'

// An event posted more than this after its `at` counts as backdated and says so.
const BACKDATED_AFTER_MS = 60_000

export interface TimelineContext {
  incidentId: string
  tz: string
  csrfToken: string
  canWrite: boolean
  /** Deleting the only event is refused; its Delete button is not offered. */
  canDelete: boolean
  componentNames: Map<string, string>
  /** Per event id, how far its broadcast got (public events that notified subscribers). */
  progress?: Map<string, DeliveryProgress>
}

export const eventPath = (incidentId: string, eventId: string) =>
  `/console/incidents/${incidentId}/events/${eventId}`

/** The whole timeline, newest first; one event may be shown as its edit form. */
export function Timeline(props: {
  ctx: TimelineContext
  events: TimelineEvent[]
  editing?: { eventId: string; form: FormState }
}) {
  return (
    <ol id={DOM.timeline} class="timeline" aria-label="Timeline, newest first">
      <TimelineItems {...props} />
    </ol>
  )
}

/** The timeline's items alone: what replaces the list's content when an event lands mid-list. */
export function TimelineItems(props: {
  ctx: TimelineContext
  events: TimelineEvent[]
  editing?: { eventId: string; form: FormState }
}) {
  return (
    <>
      {props.events.map((event) =>
        props.editing?.eventId === event.id ? (
          <EventEditForm ctx={props.ctx} event={event} form={props.editing.form} />
        ) : (
          <TimelineEventItem ctx={props.ctx} event={event} />
        ),
      )}
    </>
  )
}

export function TimelineEventItem(props: { ctx: TimelineContext; event: TimelineEvent }) {
  const { ctx, event } = props
  const internal = event.visibility === 'internal'
  const backdated = event.postedAt - event.at > BACKDATED_AFTER_MS
  const path = eventPath(ctx.incidentId, event.id)
  const target = `#${eventDomId(event.id)}`
  return (
    <li id={eventDomId(event.id)} class={`event event-${event.visibility}`}>
      <div class="event-meta">
        {internal && <span class="badge internal">Internal note</span>}
        {event.status && <IncidentStatusBadge status={event.status} />}
        {event.kind && <span class="badge kind">{EVENT_KIND_LABELS[event.kind]}</span>}
        <Time ms={event.at} tz={ctx.tz} />
        <span class="author">by {event.authorName ?? 'unknown'}</span>
        {backdated ? (
          <span class="posted muted">
            posted later at <Time ms={event.postedAt} tz={ctx.tz} />
          </span>
        ) : (
          internal && (
            <span class="posted muted">
              posted <Time ms={event.postedAt} tz={ctx.tz} />
            </span>
          )
        )}
        {event.editedAt !== null && (
          <span class="edited muted">
            edited <Time ms={event.editedAt} tz={ctx.tz} />
          </span>
        )}
      </div>
      <div
        class="markdown event-body"
        dangerouslySetInnerHTML={{ __html: renderMarkdown(event.body) }}
      />
      {event.componentChanges.length > 0 && (
        <ul class="event-components">
          {event.componentChanges.map((ch) => (
            <li>
              {ctx.componentNames.get(ch.componentId) ?? 'Deleted component'} →{' '}
              <span class={`status-${ch.status} status-text`}>
                {COMPONENT_STATUS_LABELS[ch.status]}
              </span>
            </li>
          ))}
        </ul>
      )}
      {!internal && (
        <p class="muted notify-note">{event.notify ? 'Subscribers notified' : 'Not broadcast'}</p>
      )}
      {!internal && ctx.progress?.has(event.id) && (
        <DeliveryProgressView
          incidentId={ctx.incidentId}
          eventId={event.id}
          progress={ctx.progress.get(event.id) ?? null}
        />
      )}
      {ctx.canWrite && (
        <div class="actions event-actions">
          <a
            class="button secondary"
            href={`${path}/edit`}
            hx-get={`${path}/edit`}
            hx-target={target}
            hx-swap="outerHTML"
          >
            Edit
          </a>
          {ctx.canDelete && (
            <form
              method="post"
              action={`${path}/delete`}
              hx-post={`${path}/delete`}
              hx-target={target}
              hx-swap="outerHTML"
              hx-confirm="Delete this update? The audit log keeps a copy."
            >
              <CsrfField token={ctx.csrfToken} />
              <button type="submit" class="secondary">
                Delete
              </button>
            </form>
          )}
        </div>
      )}
    </li>
  )
}

const EDIT_FIELDS = ['body', 'at', 'status', 'visibility', 'kind']

/** An event as an inline edit form (it replaces the event's list item). */
export function EventEditForm(props: {
  ctx: TimelineContext
  event: TimelineEvent
  form: FormState
}) {
  const { ctx, event, form } = props
  const P = `edit-${event.id}`
  const path = eventPath(ctx.incidentId, event.id)
  const target = `#${eventDomId(event.id)}`
  const v = {
    body: form.values.body ?? event.body,
    at: form.values.at ?? msToLocalDateTime(event.at, ctx.tz),
    status: form.values.status ?? event.status ?? '',
    visibility: form.values.visibility ?? event.visibility,
    kind: form.values.kind ?? event.kind ?? '',
  }
  return (
    <li id={eventDomId(event.id)} class={`event event-${event.visibility} event-editing`}>
      <form method="post" action={path} hx-post={path} hx-target={target} hx-swap="outerHTML">
        <CsrfField token={ctx.csrfToken} />
        <FormErrors errors={form.errors} fields={EDIT_FIELDS} />
        <TextareaRow
          prefix={P}
          name="body"
          label="Message"
          errors={form.errors}
          value={v.body}
          required
        />
        <div class="form-grid">
          <HappenedAtRow prefix={P} tz={ctx.tz} errors={form.errors} value={v.at} />
          <IncidentStatusRow
            prefix={P}
            errors={form.errors}
            value={v.status}
            blank="No status change"
          />
          <EventKindRow prefix={P} errors={form.errors} value={v.kind} blank="None" />
        </div>
        <fieldset class="form-row">
          <legend>Visibility</legend>
          {VISIBILITIES.map((vis) => (
            <label class="inline">
              <input type="radio" name="visibility" value={vis} checked={v.visibility === vis} />{' '}
              {vis === 'public' ? 'Public update' : 'Internal note'}
            </label>
          ))}
          <FieldError prefix={P} name="visibility" label="Visibility" errors={form.errors} />
        </fieldset>
        {event.componentChanges.length > 0 && (
          <p class="muted">
            Component changes are history and stay as recorded:{' '}
            {event.componentChanges
              .map(
                (ch) =>
                  `${ctx.componentNames.get(ch.componentId) ?? 'Deleted component'} → ${COMPONENT_STATUS_LABELS[ch.status]}`,
              )
              .join(', ')}
          </p>
        )}
        <div class="actions">
          <button type="submit">Save</button>
          <a
            class="button secondary"
            href={`/console/incidents/${ctx.incidentId}`}
            hx-get={path}
            hx-target={target}
            hx-swap="outerHTML"
          >
            Cancel
          </a>
        </div>
      </form>
    </li>
  )
}
