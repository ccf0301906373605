import { visibleTarget } from '../../../src/app/list-subscribers.ts'
import type { Subscriber } from '../../../src/domain/types.ts'
import { ConsoleLayout, CsrfField, type ConsoleContext } from '../../layouts/console.tsx'
import { Time } from '../../partials/console/common.tsx'
import { deliveriesPath } from '../../partials/console/delivery-progress.tsx'
import { ConfirmDisclosure, FormAlert } from '../../partials/form.tsx'
import {
  ChannelBadge,
  DeliveriesTable,
  subscriberPath,
  SubscribersAssets,
  SubscriberStateBadge,
  type DeliveryRow,
} from './subscribers-common.tsx'

export interface SubscriberPageProps {
  ctx: ConsoleContext
  subscriber: Subscriber
  scope: string
  deliveries: DeliveryRow[]
  /** More deliveries exist than are listed. */
  truncated: boolean
  tz: string
  canWrite: boolean
  notice?: string | null
  /** A signing secret just made (new webhook or rotation): shown on this response only. */
  newSecret?: { secret: string; rotated: boolean } | null
}

export function SubscriberPage(props: SubscriberPageProps) {
  const { ctx, subscriber: sub } = props
  const path = subscriberPath(sub.id)
  const dead = props.deliveries.filter((r) => r.delivery.state === 'dead').length
  const target = visibleTarget(sub, props.canWrite)
  const rotating = sub.previousSecretUntil !== null && sub.previousSecret !== null
  return (
    <ConsoleLayout ctx={{ ...ctx, section: 'subscribers' }} title={target}>
      <SubscribersAssets />
      <p>
        <a href="/console/subscribers">← Subscribers</a>
      </p>
      <div class="page-head">
        <h1 class="subscriber-target">{target}</h1>
      </div>
      <FormAlert message={props.notice} kind="ok" />
      {props.newSecret && (
        <section class="card new-secret" aria-labelledby="new-secret-title">
          <h2 id="new-secret-title">
            {props.newSecret.rotated ? 'New signing secret' : 'Signing secret'}
          </h2>
          <p>
            <strong>Copy it now.</strong> It is shown only this once; the receiver verifies the{' '}
            <code>webhook-signature</code> header with it (Standard Webhooks).
          </p>
          {props.newSecret.rotated && (
            <p>
              The old secret keeps signing alongside the new one for 24 hours
              {sub.previousSecretUntil !== null && (
                <>
                  {' '}
                  (until <Time ms={sub.previousSecretUntil} tz={props.tz} />)
                </>
              )}
              , so the receiver can switch over without missing a message.
            </p>
          )}
          <label for="new-secret-value" class="visually-hidden">
            The signing secret
          </label>
          <input
            id="new-secret-value"
            class="token-value secret-value"
            type="text"
            readonly
            value={props.newSecret.secret}
            autocomplete="off"
          />
        </section>
      )}

      <section class="card" aria-labelledby="details-title">
        <h2 id="details-title">Details</h2>
        <dl class="subscriber-details">
          <dt>Channel</dt>
          <dd>
            <ChannelBadge channel={sub.channel} />
          </dd>
          <dt>State</dt>
          <dd>
            <SubscriberStateBadge state={sub.state} />
          </dd>
          <dt>Components</dt>
          <dd>{props.scope}</dd>
          <dt>Added</dt>
          <dd>
            <Time ms={sub.createdAt} tz={props.tz} />
          </dd>
          <dt>Confirmed</dt>
          <dd>
            {sub.confirmedAt !== null ? <Time ms={sub.confirmedAt} tz={props.tz} /> : 'not yet'}
          </dd>
          {sub.unsubscribedAt !== null && (
            <>
              <dt>Unsubscribed</dt>
              <dd>
                <Time ms={sub.unsubscribedAt} tz={props.tz} />
              </dd>
            </>
          )}
          {sub.channel !== 'email' && (
            <>
              <dt>Failures in a row</dt>
              <dd>{sub.failureStreak}</dd>
            </>
          )}
          {sub.channel === 'webhook' && (
            <>
              <dt>Signing secret</dt>
              <dd>
                {sub.secret ? 'Set (shown only when it is made)' : 'None'}
                {rotating && (sub.previousSecretUntil ?? 0) > 0 && (
                  <>
                    ; the previous one also signs until{' '}
                    <Time ms={sub.previousSecretUntil!} tz={props.tz} />
                  </>
                )}
              </dd>
            </>
          )}
        </dl>
        {props.canWrite && (
          <div class="actions subscriber-actions">
            {(sub.state === 'quarantined' || sub.state === 'unsubscribed') && (
              <form method="post" action={`${path}/reactivate`}>
                <CsrfField token={ctx.csrfToken} />
                <button type="submit" class="secondary">
                  Reactivate
                </button>
              </form>
            )}
            {sub.channel === 'webhook' && (
              <ConfirmDisclosure
                summary="Rotate secret…"
                action={`${path}/rotate-secret`}
                csrfToken={ctx.csrfToken}
                question={
                  <>
                    Make a new signing secret? The old one keeps signing alongside it for 24 hours.
                  </>
                }
                button="Rotate secret"
              />
            )}
            <ConfirmDisclosure
              summary="Remove…"
              action={`${path}/remove`}
              csrfToken={ctx.csrfToken}
              question={<>Remove {sub.target} and its delivery history? This cannot be undone.</>}
              button="Remove subscriber"
            />
          </div>
        )}
      </section>

      <section class="card" aria-labelledby="deliveries-title">
        <div class="page-head">
          <h2 id="deliveries-title">Deliveries</h2>
          {props.canWrite && (
            <form method="post" action={`${path}/replay`}>
              <CsrfField token={ctx.csrfToken} />
              <button type="submit" class="secondary" disabled={dead === 0 && !props.truncated}>
                Replay failed deliveries
              </button>
            </form>
          )}
        </div>
        <p class="muted">
          Newest first.{' '}
          {props.truncated && (
            <>
              Only the latest are listed;{' '}
              <a href={deliveriesPath({ subscriber: sub.id, state: 'dead' })}>
                list the failed ones
              </a>
              .
            </>
          )}
        </p>
        <DeliveriesTable
          rows={props.deliveries}
          tz={props.tz}
          showSubscriber={false}
          reveal={props.canWrite}
        />
      </section>
    </ConsoleLayout>
  )
}
