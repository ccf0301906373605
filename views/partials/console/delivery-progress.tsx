import type { DeliveryProgress } from '../../../src/app/get-delivery-progress.ts'

// One timeline event's broadcast, as a stacked bar (delivered / pending / retrying / dead) with
// counts and failure reasons. While anything is left to send, the fragment polls itself; the
// complete answer carries no hx-* attributes, so polling stops. The bar is inline SVG: its
// geometry lives in attributes, which the CSP (no style attributes) allows.

export const deliveryProgressPath = (incidentId: string, eventId: string) =>
  `/console/incidents/${incidentId}/events/${eventId}/delivery`

export const deliveriesPath = (query: {
  broadcast?: string
  subscriber?: string
  state?: string
}) => {
  const params = new URLSearchParams()
  if (query.broadcast) params.set('broadcast', query.broadcast)
  if (query.subscriber) params.set('subscriber', query.subscriber)
  if (query.state) params.set('state', query.state)
  const qs = params.toString()
  return `/console/deliveries${qs ? `?${qs}` : ''}`
}

export const POLL_TRIGGER = 'every 2s'

/** Whole percent delivered; 100 only when every delivery arrived. */
export function deliveredPercent(p: DeliveryProgress): number {
  if (p.total === 0) return p.complete ? 100 : 0
  return Math.floor((p.delivered * 100) / p.total)
}

function summary(p: DeliveryProgress): string {
  if (p.total === 0)
    return p.expanded ? 'No subscribers matched this update.' : 'Queued for delivery…'
  if (!p.expanded && p.delivered === 0 && p.retrying === 0 && p.dead === 0)
    return `Queued for delivery to ${p.total} ${p.total === 1 ? 'subscriber' : 'subscribers'}…`
  const head = `${p.delivered} of ${p.total} delivered (${deliveredPercent(p)} %)`
  if (p.complete) return p.dead ? `${head}; ${p.dead} failed.` : `${head}.`
  return p.expanded ? `${head}; sending…` : `${head}; still adding subscribers…`
}

const SEGMENTS = [
  { key: 'delivered', label: 'delivered' },
  { key: 'pending', label: 'pending' },
  { key: 'retrying', label: 'retrying' },
  { key: 'dead', label: 'failed' },
] as const

export function DeliveryBar(props: { progress: DeliveryProgress }) {
  const p = props.progress
  let x = 0
  const rects = SEGMENTS.map((s) => {
    const width = p.total ? (p[s.key] * 100) / p.total : 0
    const rect =
      width > 0 ? <rect class={`seg seg-${s.key}`} x={x} y="0" width={width} height="1" /> : null
    x += width
    return rect
  })
  return (
    <svg
      class="delivery-bar"
      viewBox="0 0 100 1"
      preserveAspectRatio="none"
      role="img"
      aria-label={`Delivery: ${SEGMENTS.map((s) => `${p[s.key]} ${s.label}`).join(', ')} of ${p.total}`}
    >
      <rect class="seg seg-track" x="0" y="0" width="100" height="1" />
      {rects}
    </svg>
  )
}

export function DeliveryProgressView(props: {
  incidentId: string
  eventId: string
  progress: DeliveryProgress | null
}) {
  const p = props.progress
  if (!p)
    return (
      <div class="delivery-progress">
        <p class="muted">Not broadcast.</p>
      </div>
    )
  const poll = p.complete
    ? {}
    : {
        'hx-get': deliveryProgressPath(props.incidentId, props.eventId),
        'hx-trigger': POLL_TRIGGER,
        'hx-target': 'this',
        'hx-swap': 'outerHTML',
      }
  return (
    <div
      class={`delivery-progress${p.complete ? ' is-complete' : ' is-polling'}`}
      data-delivered-percent={String(deliveredPercent(p))}
      {...poll}
    >
      <p class="delivery-summary">
        <strong>Subscribers:</strong> {summary(p)}{' '}
        <a href={deliveriesPath({ broadcast: p.broadcastId })}>Deliveries</a>
      </p>
      {p.total > 0 && <DeliveryBar progress={p} />}
      {p.total > 0 && (
        <ul class="delivery-legend">
          {SEGMENTS.map((s) => (
            <li class={`legend-${s.key}`}>
              {p[s.key]} {s.label}
            </li>
          ))}
        </ul>
      )}
      {p.failures.length > 0 && (
        <div class="delivery-failures">
          <p>Why deliveries failed or are being retried:</p>
          <ul>
            {p.failures.map((f) => (
              <li>
                <code>{f.reason}</code> × {f.count}
              </li>
            ))}
          </ul>
          <p>
            <a
              href={deliveriesPath({
                broadcast: p.broadcastId,
                state: p.dead ? 'dead' : 'retrying',
              })}
            >
              See the failed deliveries
            </a>
          </p>
        </div>
      )}
    </div>
  )
}
