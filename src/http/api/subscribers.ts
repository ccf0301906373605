import { z } from 'zod'
import { visibleTarget } from '../../app/list-subscribers.ts'
import { Id } from '../../app/schemas.ts'
import { DELIVERY_STATES, SUBSCRIBER_CHANNELS, SUBSCRIBER_STATES } from '../../domain/enums.ts'
import { AppError } from '../../domain/errors.ts'
import type { Delivery, Subscriber } from '../../domain/types.ts'
import { toAppError } from '../errors.tsx'
import { iso, isoOrNull } from './time.ts'

// /api/v1 subscribers: request schemas and response shapes. A webhook's signing secret appears in
// the creation response only; the manage token and confirmation hash never leave the server.

const Channel = z.enum(SUBSCRIBER_CHANNELS, {
  error: `must be one of ${SUBSCRIBER_CHANNELS.join(', ')}`,
})

export const ApiCreateSubscriber = z.strictObject({
  channel: Channel,
  target: z
    .string({ error: 'must be a string: an e-mail address or an https:// URL' })
    .trim()
    .min(1, 'must not be empty')
    .max(2000, 'must be at most 2000 characters'),
  components: z
    .array(Id, { error: 'must be an array of component ids' })
    .max(500, 'must list at most 500 components')
    .optional(),
  confirmed: z.boolean({ error: 'must be true or false' }).optional(),
})

const QueryInt = (min: number, max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d{1,8}$/, `must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, `must be from ${min} to ${max}`)
        .max(max, `must be from ${min} to ${max}`),
    )
    .default(fallback)

export const ApiSubscriberListQuery = z.object({
  channel: Channel.optional(),
  state: z
    .enum(SUBSCRIBER_STATES, { error: `must be one of ${SUBSCRIBER_STATES.join(', ')}` })
    .optional(),
  search: z.string().max(200, 'must be at most 200 characters').optional(),
  component: z.string().max(64, 'must be a component id').optional(),
  limit: QueryInt(1, 500, 50),
  offset: QueryInt(0, 10_000_000, 0),
})

export const ApiDeliveryListQuery = z.object({
  state: z
    .enum(DELIVERY_STATES, { error: `must be one of ${DELIVERY_STATES.join(', ')}` })
    .optional(),
  limit: QueryInt(1, 1000, 100),
})

/** `reveal`: full endpoint URLs for owners and responders; viewers get the origin only. */
export function apiSubscriber(s: Subscriber, reveal = true) {
  return {
    id: s.id,
    channel: s.channel,
    target: visibleTarget(s, reveal),
    state: s.state,
    all_components: s.allComponents,
    components: s.componentIds,
    groups: s.groupIds,
    failure_streak: s.failureStreak,
    created_at: iso(s.createdAt),
    confirmed_at: isoOrNull(s.confirmedAt),
    unsubscribed_at: isoOrNull(s.unsubscribedAt),
  }
}

/** The creation answer: a webhook's signing secret, this once. */
export function apiCreatedSubscriber(s: Subscriber) {
  return { ...apiSubscriber(s), ...(s.channel === 'webhook' ? { secret: s.secret } : {}) }
}

export function apiDelivery(d: Delivery) {
  return {
    id: d.id,
    broadcast_id: d.broadcastId,
    subscriber_id: d.subscriberId,
    incident_id: d.incidentId,
    state: d.state,
    attempts: d.attempts,
    last_error: d.lastError,
    last_status: d.lastStatus,
    created_at: iso(d.createdAt),
    updated_at: iso(d.updatedAt),
    delivered_at: isoOrNull(d.deliveredAt),
    next_attempt_at: d.state === 'pending' || d.state === 'retrying' ? iso(d.nextAttemptAt) : null,
  }
}

// The use case names its inputs (componentIds, groupIds); the API calls them otherwise.
const API_FIELDS: Record<string, string> = { componentIds: 'components', groupIds: 'groups' }

/** Runs a subscriber use case, renaming the fields its errors name to the API's. */
export async function inSubscriberTerms<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (err) {
    const appErr = toAppError(err)
    if (!appErr || appErr.issues.length === 0) throw err
    const issues = appErr.issues.map((i) => {
      const [head = '', ...rest] = i.field.split('.')
      return { field: [API_FIELDS[head] ?? head, ...rest].join('.'), message: i.message }
    })
    const message =
      appErr.code === 'VALIDATION'
        ? issues.map((i) => `${i.field}: ${i.message}`).join('; ')
        : appErr.message
    throw new AppError(appErr.code, message, { issues })
  }
}
