import { z } from 'zod'
import { SUBSCRIBER_CHANNELS, SUBSCRIBER_STATES, type SubscriberState } from '../domain/enums.ts'
import type { Subscriber } from '../domain/types.ts'
import type { Deps } from './deps.ts'
import type { SubscriberQuery } from './ports.ts'

// The console's and API's subscriber list: one page of a filtered list, the filtered total, and
// the count per state under the other filters (what each state filter would show).

// A blank form field means "any": the filter form always submits every field.
const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v)

export const ListSubscribersInput = z.object({
  search: z.preprocess(
    blankToUndefined,
    z.string().trim().max(200, 'Use at most 200 characters').optional(),
  ),
  channel: z.preprocess(
    blankToUndefined,
    z
      .enum(SUBSCRIBER_CHANNELS, { error: 'must be one of email, webhook, slack, discord, teams' })
      .optional(),
  ),
  state: z.preprocess(
    blankToUndefined,
    z
      .enum(SUBSCRIBER_STATES, {
        error: 'must be one of pending, active, quarantined, unsubscribed',
      })
      .optional(),
  ),
  componentId: z.preprocess(blankToUndefined, z.string().trim().max(64).optional()),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
})
export type ListSubscribersInput = z.input<typeof ListSubscribersInput>

export interface SubscriberList {
  subscribers: Subscriber[]
  total: number
  /** Under the same search, channel and component filters, ignoring the state filter. */
  byState: Record<SubscriberState, number>
  limit: number
  offset: number
}

export async function listSubscribers(
  deps: Pick<Deps, 'store'>,
  raw: ListSubscribersInput = {},
  opts: {
    countStates?: boolean
    /** False for readers who see endpoint URLs masked (see visibleTarget). */
    reveal?: boolean
  } = {},
): Promise<SubscriberList> {
  const input = ListSubscribersInput.parse(raw)
  if (opts.reveal === false && input.search) {
    // A substring search over masked URLs would let a reader probe the hidden part letter by
    // letter: their search covers e-mail addresses only.
    if (input.channel && input.channel !== 'email') {
      const none = Object.fromEntries(SUBSCRIBER_STATES.map((s) => [s, 0]))
      return {
        subscribers: [],
        total: 0,
        byState: none as Record<SubscriberState, number>,
        limit: input.limit,
        offset: input.offset,
      }
    }
    input.channel = 'email'
  }
  const base: SubscriberQuery = {
    ...(input.search ? { search: input.search } : {}),
    ...(input.channel ? { channel: input.channel } : {}),
    ...(input.componentId ? { componentId: input.componentId } : {}),
  }
  const query: SubscriberQuery = { ...base, ...(input.state ? { state: input.state } : {}) }
  const [subscribers, total, stateCounts] = await Promise.all([
    deps.store.listSubscribers({ ...query, limit: input.limit, offset: input.offset }),
    deps.store.countSubscribers(query),
    opts.countStates === false
      ? Promise.resolve(SUBSCRIBER_STATES.map(() => 0))
      : Promise.all(
          SUBSCRIBER_STATES.map((state) => deps.store.countSubscribers({ ...base, state })),
        ),
  ])
  const byState = Object.fromEntries(
    SUBSCRIBER_STATES.map((s, i) => [s, stateCounts[i] ?? 0]),
  ) as Record<SubscriberState, number>
  return { subscribers, total, byState, limit: input.limit, offset: input.offset }
}

/**
 * The target as a viewer may see it. An endpoint URL is a credential (anyone holding a Slack or
 * Discord webhook URL can post to the channel), so readers who cannot manage subscribers get its
 * origin only; e-mail addresses are shown as they are.
 */
export function visibleTarget(
  sub: Pick<Subscriber, 'channel' | 'target'>,
  reveal: boolean,
): string {
  if (reveal || sub.channel === 'email') return sub.target
  try {
    return `${new URL(sub.target).origin}/…`
  } catch {
    return '…'
  }
}
