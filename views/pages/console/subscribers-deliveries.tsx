import type { DeliveryProgress } from '../../../src/app/get-delivery-progress.ts'
import { visibleTarget } from '../../../src/app/list-subscribers.ts'
import { DELIVERY_STATES } from '../../../src/domain/enums.ts'
import type { Broadcast, Subscriber } from '../../../src/domain/types.ts'
import { ConsoleLayout, CsrfField, type ConsoleContext } from '../../layouts/console.tsx'
import { Time } from '../../partials/console/common.tsx'
import { DeliveryBar } from '../../partials/console/delivery-progress.tsx'
import { FormAlert } from '../../partials/form.tsx'
import {
  DELIVERY_STATE_LABELS,
  DeliveriesTable,
  subscriberPath,
  SubscribersAssets,
  type DeliveryRow,
} from './subscribers-common.tsx'

// Kinds added later (maintenance…) fall back to their name.
const KIND_LABELS: Partial<Record<Broadcast['kind'], string>> = {
  incident_opened: 'Incident opened',
  incident_updated: 'Incident update',
  incident_resolved: 'Incident resolved',
  component_updated: 'Component status change',
}

export interface DeliveriesPageProps {
  ctx: ConsoleContext
  filters: { broadcast: string; subscriber: string; state: string }
  broadcast: Broadcast | null
  progress: DeliveryProgress | null
  subscriber: Subscriber | null
  rows: DeliveryRow[]
  limit: number
  tz: string
  canWrite: boolean
  notice?: string | null
}

/** Deliveries of one broadcast (or one subscriber), with each failure's reason. */
export function DeliveriesPage(props: DeliveriesPageProps) {
  const { ctx, filters, broadcast, progress } = props
  return (
    <ConsoleLayout ctx={{ ...ctx, section: 'subscribers' }} title="Deliveries">
      <SubscribersAssets />
      <div class="page-head">
        <h1>Deliveries</h1>
      </div>
      <FormAlert message={props.notice} kind="ok" />
      {broadcast && (
        <section class="card broadcast-summary" aria-labelledby="broadcast-title">
          <h2 id="broadcast-title">
            {KIND_LABELS[broadcast.kind] ?? broadcast.kind.replace(/_/g, ' ')}
          </h2>
          <p class="muted">
            Posted <Time ms={broadcast.createdAt} tz={props.tz} />
            {broadcast.incidentId && (
              <>
                {' '}
                · <a href={`/console/incidents/${broadcast.incidentId}`}>the incident</a>
              </>
            )}
          </p>
          {progress && progress.total > 0 && (
            <>
              <DeliveryBar progress={progress} />
              <p>
                {progress.delivered} delivered, {progress.pending} pending, {progress.retrying}{' '}
                retrying, {progress.dead} failed, of {progress.total}.
              </p>
            </>
          )}
          {props.canWrite && progress && progress.dead > 0 && (
            <form method="post" action="/console/deliveries/replay">
              <CsrfField token={ctx.csrfToken} />
              <input type="hidden" name="broadcast" value={broadcast.id} />
              <button type="submit" class="secondary">
                Replay the {progress.dead} failed
              </button>
            </form>
          )}
        </section>
      )}
      {props.subscriber && (
        <p>
          Deliveries to{' '}
          <a href={subscriberPath(props.subscriber.id)}>
            {visibleTarget(props.subscriber, props.canWrite)}
          </a>
          .
        </p>
      )}
      <form method="get" action="/console/deliveries" class="toolbar">
        {filters.broadcast && <input type="hidden" name="broadcast" value={filters.broadcast} />}
        {filters.subscriber && <input type="hidden" name="subscriber" value={filters.subscriber} />}
        <label for="deliveries-state">State</label>
        <select id="deliveries-state" name="state">
          <option value="">Any</option>
          {DELIVERY_STATES.map((s) => (
            <option value={s} selected={filters.state === s}>
              {DELIVERY_STATE_LABELS[s]}
            </option>
          ))}
        </select>
        <button type="submit" class="secondary">
          Show
        </button>
      </form>
      <p class="muted">The latest {props.limit} at most, newest first.</p>
      <DeliveriesTable rows={props.rows} tz={props.tz} showSubscriber reveal={props.canWrite} />
    </ConsoleLayout>
  )
}
