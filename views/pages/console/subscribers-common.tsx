import type { Child } from 'hono/jsx'
import {
  SUBSCRIBER_CHANNEL_LABELS,
  type DeliveryState,
  type SubscriberState,
} from '../../../src/domain/enums.ts'
import { visibleTarget } from '../../../src/app/list-subscribers.ts'
import type { Addressee, Delivery, Subscriber } from '../../../src/domain/types.ts'
import { Time } from '../../partials/console/common.tsx'

// Pieces shared by the subscriber pages: state badges, the scope summary, form rows with their
// error messages, and the deliveries table (subscriber page and per-broadcast list).

export const SubscribersAssets = () => <link rel="stylesheet" href="/css/console-subscribers.css" />

export const subscriberPath = (id: string) => `/console/subscribers/${encodeURIComponent(id)}`

export const SUBSCRIBER_STATE_LABELS: Record<SubscriberState, string> = {
  pending: 'Pending confirmation',
  active: 'Active',
  quarantined: 'Quarantined',
  unsubscribed: 'Unsubscribed',
}

const STATE_BADGE: Record<SubscriberState, string> = {
  pending: 'badge-info',
  active: 'badge-ok',
  quarantined: 'badge-danger',
  unsubscribed: 'badge-muted',
}

export const SubscriberStateBadge = (props: { state: SubscriberState }) => (
  <span class={`badge ${STATE_BADGE[props.state]} subscriber-state-${props.state}`}>
    {SUBSCRIBER_STATE_LABELS[props.state]}
  </span>
)

export const ChannelBadge = (props: { channel: Subscriber['channel'] }) => (
  <span class="badge badge-muted channel">{SUBSCRIBER_CHANNEL_LABELS[props.channel]}</span>
)

export const DELIVERY_STATE_LABELS: Record<DeliveryState, string> = {
  pending: 'Pending',
  sending: 'Sending',
  retrying: 'Retrying',
  delivered: 'Delivered',
  dead: 'Failed',
}

const DELIVERY_BADGE: Record<DeliveryState, string> = {
  pending: 'badge-info',
  sending: 'badge-info',
  retrying: 'badge-warn',
  delivered: 'badge-ok',
  dead: 'badge-danger',
}

export const DeliveryStateBadge = (props: { state: DeliveryState }) => (
  <span class={`badge ${DELIVERY_BADGE[props.state]} delivery-state-${props.state}`}>
    {DELIVERY_STATE_LABELS[props.state]}
  </span>
)

/** "All components", or the chosen components' and groups' names. */
export function scopeText(
  sub: Subscriber,
  componentNames: Map<string, string>,
  groupNames: Map<string, string>,
): string {
  if (sub.allComponents) return 'All components'
  const names = [
    ...sub.componentIds.map((id) => componentNames.get(id) ?? 'deleted component'),
    ...sub.groupIds.map((id) => `${groupNames.get(id) ?? 'deleted group'} (group)`),
  ]
  return names.length ? names.join(', ') : 'All components'
}

/** A labelled control with its hint and error, ids prefixed so two forms can share a page. */
export function Row(props: {
  id: string
  label: string
  error?: string | undefined
  hint?: Child
  children: Child
}) {
  return (
    <div class={props.error ? 'form-row has-error' : 'form-row'}>
      <label for={props.id}>{props.label}</label>
      {props.children}
      {props.hint ? (
        <p class="field-hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      {props.error ? (
        <p class="field-error" id={`${props.id}-error`}>
          {props.error}
        </p>
      ) : null}
    </div>
  )
}

/** aria attributes tying a control to its hint and error. */
export function described(id: string, error: string | undefined, hint = false) {
  const ids = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ')
  return {
    ...(ids ? { 'aria-describedby': ids } : {}),
    ...(error ? { 'aria-invalid': 'true' } : {}),
  }
}

export interface DeliveryRow {
  delivery: Delivery
  /** Shown in the per-broadcast list; absent on a subscriber's own page. */
  subscriber?: Addressee | null
}

/** Deliveries with their state, attempts and the last failure, timestamps in the page's zone. */
export function DeliveriesTable(props: {
  rows: DeliveryRow[]
  tz: string
  showSubscriber: boolean
  /** Full endpoint URLs (owners and responders); viewers see their origin only. */
  reveal: boolean
}) {
  if (props.rows.length === 0) return <p class="empty">No deliveries.</p>
  return (
    <div class="table-wrap">
      <table class="table deliveries-table">
        <thead>
          <tr>
            {props.showSubscriber && <th scope="col">Subscriber</th>}
            <th scope="col">State</th>
            <th scope="col">Attempts</th>
            <th scope="col">Last error</th>
            <th scope="col">Last status</th>
            <th scope="col">Created</th>
            <th scope="col">Next attempt</th>
            <th scope="col">Delivered</th>
            <th scope="col">Delivery id</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map(({ delivery: d, subscriber }) => (
            <tr class={`delivery delivery-${d.state}`}>
              {props.showSubscriber && (
                <td>
                  {subscriber ? (
                    <a href={subscriberPath(subscriber.id)}>
                      {visibleTarget(subscriber, props.reveal)}
                    </a>
                  ) : (
                    <span class="muted">removed</span>
                  )}
                </td>
              )}
              <td>
                <DeliveryStateBadge state={d.state} />
              </td>
              <td>{d.attempts}</td>
              <td class="delivery-error">{d.lastError ? <code>{d.lastError}</code> : '—'}</td>
              <td>{d.lastStatus ?? '—'}</td>
              <td>
                <Time ms={d.createdAt} tz={props.tz} />
              </td>
              <td>
                {d.state === 'pending' || d.state === 'retrying' ? (
                  <Time ms={d.nextAttemptAt} tz={props.tz} />
                ) : (
                  '—'
                )}
              </td>
              <td>{d.deliveredAt !== null ? <Time ms={d.deliveredAt} tz={props.tz} /> : '—'}</td>
              <td>
                <code class="small">{d.id}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
