import { DOM } from '../../ids.ts'

// "N subscribers will be notified", next to a Notify checkbox. In the composer it refreshes itself
// when the component selection (or visibility, or Notify) changes; without JS it shows the count
// for the incident's components, as rendered.

export const recipientsPath = (incidentId: string) => `/console/incidents/${incidentId}/recipients`

export type NotifyBlock = 'internal' | 'off' | null

export function notifyCountText(count: number, block: NotifyBlock = null): string {
  if (block === 'internal') return 'Internal notes are never sent to subscribers.'
  const who = count === 1 ? '1 subscriber' : `${count === 0 ? 'No' : count} subscribers`
  if (block === 'off') return `Notify is off: ${who.replace(/^No/, 'no')} would be notified.`
  return `${who} will be notified.`
}

export function NotifyCount(props: {
  count: number
  /** The composer's live version; the resolve form's stays as rendered. */
  incidentId?: string
  block?: NotifyBlock
}) {
  // Only the inputs that change the answer go along, not the message body.
  const include = [
    `#${DOM.composer} select[name^='components.']`,
    `#${DOM.composer} input[name='visibility']`,
    `#${DOM.composer} input[name='notify']`,
  ].join(', ')
  const live = props.incidentId
    ? {
        'hx-get': recipientsPath(props.incidentId),
        'hx-trigger': `change from:#${DOM.composer}`,
        'hx-include': include,
        // The composer form sets hx-target for its own post; this must not inherit it.
        'hx-target': 'this',
        'hx-swap': 'outerHTML',
        'hx-sync': 'this:queue last',
      }
    : {}
  return (
    <p class="notify-count muted" data-count={String(props.count)} {...live}>
      {notifyCountText(props.count, props.block ?? null)}
    </p>
  )
}
