import Papa from 'papaparse'
import { z } from 'zod'
import { SUBSCRIBER_CHANNELS, type SubscriberChannel } from '../domain/enums.ts'
import { AppError, invalid, notFound } from '../domain/errors.ts'
import type { Subscriber } from '../domain/types.ts'
import { assertRole, type Actor } from './actor.ts'
import { audit } from './audit.ts'
import { mailIdentity, pageBaseUrl } from './broadcast/assemble.ts'
import { buildConfirmationEmail } from './broadcast/formats/email.ts'
import type { Deps } from './deps.ts'
import { getSettings } from './get-settings.ts'
import type { Change } from './ports.ts'
import { Email } from './validation.ts'

// Subscribing, confirming, managing and unsubscribing; the console's and API's subscriber
// administration. The public answers never reveal whether an address was already subscribed.

const SECRET_ROTATION_MS = 24 * 3_600_000

const ChannelSchema = z.enum(SUBSCRIBER_CHANNELS, {
  error: 'Choose email, webhook, slack, discord or teams',
})
const IdList = z.array(z.string().trim().min(1).max(64)).max(500, 'Choose at most 500').default([])

export const SubscribeInput = z.object({
  channel: ChannelSchema.default('email'),
  target: z.string({ error: 'Enter an address' }).trim().min(1, 'Enter an address').max(2000),
  /** Empty (or absent) components and groups mean every component. */
  componentIds: IdList,
  groupIds: IdList,
})
export type SubscribeInput = z.input<typeof SubscribeInput>

type D = Pick<Deps, 'store' | 'clock' | 'ids' | 'secrets' | 'config' | 'mailer' | 'log'>

/** Checks the target for its channel: an e-mail address, or an https URL (http only for allowed hosts). */
export function normalizeTarget(
  deps: Pick<Deps, 'config'>,
  channel: SubscriberChannel,
  target: string,
): string {
  if (channel === 'email') {
    const r = Email.safeParse(target)
    if (!r.success)
      throw invalid('target', r.error.issues[0]?.message ?? 'Enter a valid email address')
    return r.data
  }
  let url: URL
  try {
    url = new URL(target)
  } catch {
    throw invalid('target', 'Enter the full https:// address of the endpoint')
  }
  const allowed =
    deps.config.WEBHOOK_ALLOWED_HOSTS.includes(url.hostname.toLowerCase()) ||
    deps.config.WEBHOOK_ALLOWED_HOSTS.includes(url.host.toLowerCase())
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && allowed))
    throw invalid('target', 'Use an https:// address')
  if (url.username || url.password)
    throw invalid('target', 'Leave user names and passwords out of the address')
  return url.toString()
}

async function checkScope(deps: Pick<Deps, 'store'>, componentIds: string[], groupIds: string[]) {
  if (componentIds.length) {
    const known = new Set(
      (await deps.store.listComponents()).filter((c) => c.visible).map((c) => c.id),
    )
    const unknown = componentIds.find((id) => !known.has(id))
    if (unknown) throw invalid('componentIds', `unknown component ${unknown}`)
  }
  if (groupIds.length) {
    const known = new Set((await deps.store.listGroups()).map((g) => g.id))
    const unknown = groupIds.find((id) => !known.has(id))
    if (unknown) throw invalid('groupIds', `unknown group ${unknown}`)
  }
}

function newWebhookSecret(deps: Pick<Deps, 'secrets'>): string {
  let bin = ''
  for (const b of deps.secrets.bytes(24)) bin += String.fromCharCode(b)
  return `whsec_${btoa(bin)}`
}

function blankSubscriber(
  deps: Pick<Deps, 'ids' | 'clock' | 'secrets'>,
  channel: SubscriberChannel,
  target: string,
): Subscriber {
  return {
    id: deps.ids.next(),
    channel,
    target,
    state: 'pending',
    allComponents: true,
    componentIds: [],
    groupIds: [],
    manageToken: deps.secrets.token(24),
    confirmTokenHash: null,
    confirmExpiresAt: null,
    secret: channel === 'webhook' ? newWebhookSecret(deps) : null,
    previousSecret: null,
    previousSecretUntil: null,
    failureStreak: 0,
    createdAt: deps.clock.now(),
    confirmedAt: null,
    unsubscribedAt: null,
  }
}

function withScope(sub: Subscriber, componentIds: string[], groupIds: string[]): Subscriber {
  const all = componentIds.length === 0 && groupIds.length === 0
  return {
    ...sub,
    allComponents: all,
    componentIds: all ? [] : componentIds,
    groupIds: all ? [] : groupIds,
  }
}

async function sendConfirmation(deps: D, sub: Subscriber, token: string): Promise<void> {
  const settings = await getSettings(deps)
  const base = pageBaseUrl(deps, settings)
  const outcome = await deps.mailer.send(
    buildConfirmationEmail(
      {
        pageName: settings.pageName,
        confirmUrl: `${base}/subscriptions/confirm/${token}`,
        manageUrl: `${base}/subscriptions/${sub.manageToken}`,
        expiresAt: sub.confirmExpiresAt ?? deps.clock.now(),
        timeZone: settings.timeZone,
      },
      sub.target,
      mailIdentity(deps, settings),
    ),
  )
  if (!outcome.ok)
    deps.log.warn('confirmation mail not sent', { subscriber: sub.id, reason: outcome.reason })
}

async function pendingWithToken(
  deps: D,
  sub: Subscriber,
): Promise<{ sub: Subscriber; token: string }> {
  const token = deps.secrets.token(24)
  return {
    token,
    sub: {
      ...sub,
      state: 'pending',
      confirmTokenHash: await deps.secrets.sha256(token),
      confirmExpiresAt: deps.clock.now() + deps.config.CONFIRM_TTL_HOURS * 3_600_000,
    },
  }
}

export interface SubscribeResult {
  /** What to tell the visitor: the same for a new and a known e-mail address. */
  outcome: 'confirmation_sent' | 'subscribed'
  /** Only for endpoint channels (always new): its manage link and, for webhooks, the secret. */
  subscriber: Subscriber | null
  /**
   * The confirmation mail, already on its way (settled at once when none is due). The answer must
   * not wait for it: how long an SMTP round trip takes would tell a new address from a known one.
   * Never rejects.
   */
  sending: Promise<void>
}

const NOTHING_TO_SEND: Promise<void> = Promise.resolve()

/** The public form. Rate-limited per client address by the caller's key. */
export async function subscribe(
  deps: D,
  raw: SubscribeInput,
  clientKey: string,
): Promise<SubscribeResult> {
  const hits = await deps.store.hitRateLimit(`subscribe:${clientKey}`, 3_600_000, deps.clock.now())
  if (hits > deps.config.SUBSCRIBE_MAX_PER_HOUR)
    throw new AppError(
      'RATE_LIMITED',
      'Too many subscription requests from your address; try again later.',
      {
        retryAfterSeconds: 3600 - Math.floor((deps.clock.now() % 3_600_000) / 1000),
      },
    )
  const input = SubscribeInput.parse(raw)
  const target = normalizeTarget(deps, input.channel, input.target)
  await checkScope(deps, input.componentIds, input.groupIds)

  if (input.channel !== 'email') {
    const now = deps.clock.now()
    const sub: Subscriber = {
      ...withScope(
        blankSubscriber(deps, input.channel, target),
        input.componentIds,
        input.groupIds,
      ),
      state: 'active',
      confirmedAt: now,
    }
    await deps.store.commit([{ type: 'subscriber.insert', subscriber: sub }])
    return { outcome: 'subscribed', subscriber: sub, sending: NOTHING_TO_SEND }
  }

  const existing = await deps.store.getSubscriberByTarget('email', target)
  if (existing && existing.state === 'active') {
    // Known and confirmed: change nothing and send nothing, but answer exactly as for a new one.
    return { outcome: 'confirmation_sent', subscriber: null, sending: NOTHING_TO_SEND }
  }
  const base = existing
    ? { ...existing, unsubscribedAt: null }
    : blankSubscriber(deps, 'email', target)
  const { sub, token } = await pendingWithToken(
    deps,
    withScope(base, input.componentIds, input.groupIds),
  )
  await deps.store.commit([
    existing
      ? { type: 'subscriber.update', subscriber: sub }
      : { type: 'subscriber.insert', subscriber: sub },
  ])
  const sending = sendConfirmation(deps, sub, token).catch((error: unknown) =>
    deps.log.warn('confirmation mail not sent', { subscriber: sub.id, reason: String(error) }),
  )
  return { outcome: 'confirmation_sent', subscriber: null, sending }
}

export async function confirmSubscription(
  deps: Pick<Deps, 'store' | 'clock' | 'secrets'>,
  token: string,
): Promise<{ subscriber: Subscriber; already: boolean }> {
  const sub = await deps.store.getSubscriberByConfirmHash(await deps.secrets.sha256(token))
  if (!sub || sub.state === 'unsubscribed')
    throw new AppError(
      'NOT_FOUND',
      'This confirmation link is not valid. Subscribe again to get a new one.',
    )
  if (sub.state === 'active') return { subscriber: sub, already: true }
  if ((sub.confirmExpiresAt ?? 0) < deps.clock.now())
    throw new AppError(
      'NOT_FOUND',
      'This confirmation link has expired. Subscribe again to get a new one.',
    )
  const now = deps.clock.now()
  const after: Subscriber = { ...sub, state: 'active', confirmedAt: now }
  await deps.store.commit([{ type: 'subscriber.update', subscriber: after }])
  return { subscriber: after, already: false }
}

export async function subscriberByManageToken(
  deps: Pick<Deps, 'store'>,
  token: string,
): Promise<Subscriber> {
  const sub = token.length >= 16 ? await deps.store.getSubscriberByManageToken(token) : null
  if (!sub) throw new AppError('NOT_FOUND', 'This subscription link is not valid.')
  return sub
}

export const ScopeInput = z.object({ componentIds: IdList, groupIds: IdList })

/** From the manage page: which components to hear about. */
export async function updateSubscriptionScope(
  deps: Pick<Deps, 'store'>,
  token: string,
  raw: z.input<typeof ScopeInput>,
): Promise<Subscriber> {
  const sub = await subscriberByManageToken(deps, token)
  const input = ScopeInput.parse(raw)
  await checkScope(deps, input.componentIds, input.groupIds)
  const after = withScope(sub, input.componentIds, input.groupIds)
  await deps.store.commit([{ type: 'subscriber.update', subscriber: after }])
  return after
}

/** RFC 8058 one-click and the manage page's button: no login, no confirmation step. */
export async function unsubscribe(
  deps: Pick<Deps, 'store' | 'clock'>,
  token: string,
): Promise<Subscriber> {
  const sub = await subscriberByManageToken(deps, token)
  if (sub.state === 'unsubscribed') return sub
  const after: Subscriber = { ...sub, state: 'unsubscribed', unsubscribedAt: deps.clock.now() }
  await deps.store.commit([{ type: 'subscriber.update', subscriber: after }])
  return after
}

/**
 * Back from the manage page after an unsubscribe. An e-mail address that never confirmed must
 * confirm now (the manage link travels in the confirmation mail itself).
 */
export async function resubscribe(deps: D, token: string): Promise<Subscriber> {
  const sub = await subscriberByManageToken(deps, token)
  if (sub.state !== 'unsubscribed') return sub
  if (sub.channel === 'email' && sub.confirmedAt === null) {
    const pending = await pendingWithToken(deps, { ...sub, unsubscribedAt: null })
    await deps.store.commit([{ type: 'subscriber.update', subscriber: pending.sub }])
    await sendConfirmation(deps, pending.sub, pending.token)
    return pending.sub
  }
  const after: Subscriber = {
    ...sub,
    state: 'active',
    unsubscribedAt: null,
    confirmedAt: deps.clock.now(),
  }
  await deps.store.commit([{ type: 'subscriber.update', subscriber: after }])
  return after
}

// Console and API administration.

export const AddSubscriberInput = z.object({
  channel: ChannelSchema,
  target: z.string({ error: 'Enter an address' }).trim().min(1, 'Enter an address').max(2000),
  componentIds: IdList,
  groupIds: IdList,
  /** Pre-confirmed e-mail: active at once (the team vouches for the address). */
  confirmed: z.boolean().default(true),
})
export type AddSubscriberInput = z.input<typeof AddSubscriberInput>

export async function addSubscriber(
  deps: D,
  actor: Actor,
  raw: AddSubscriberInput,
): Promise<Subscriber> {
  assertRole(actor, 'owner', 'responder')
  const input = AddSubscriberInput.parse(raw)
  const target = normalizeTarget(deps, input.channel, input.target)
  await checkScope(deps, input.componentIds, input.groupIds)
  if (input.channel === 'email' && (await deps.store.getSubscriberByTarget('email', target)))
    throw new AppError('CONFLICT', 'This address is already subscribed', {
      issues: [{ field: 'target', message: 'is already subscribed' }],
    })
  const base = withScope(
    blankSubscriber(deps, input.channel, target),
    input.componentIds,
    input.groupIds,
  )
  const now = deps.clock.now()
  let sub: Subscriber
  let token: string | null = null
  if (input.channel === 'email' && !input.confirmed) {
    const pending = await pendingWithToken(deps, base)
    sub = pending.sub
    token = pending.token
  } else sub = { ...base, state: 'active', confirmedAt: now }
  await deps.store.commit([
    { type: 'subscriber.insert', subscriber: sub },
    audit(deps, actor, 'subscriber.add', { type: 'subscriber', id: sub.id }, null, redact(sub)),
  ])
  if (token) await sendConfirmation(deps, sub, token)
  return sub
}

/** What the audit log may keep: never the signing secrets or the manage capability. */
export function redact(sub: Subscriber) {
  return {
    id: sub.id,
    channel: sub.channel,
    target: sub.channel === 'email' ? sub.target : sub.target.replace(/\?.*$/, '?…'),
    state: sub.state,
    allComponents: sub.allComponents,
    componentIds: sub.componentIds,
    groupIds: sub.groupIds,
  }
}

export async function removeSubscriber(
  deps: Pick<Deps, 'store' | 'clock' | 'ids'>,
  actor: Actor,
  id: string,
): Promise<void> {
  assertRole(actor, 'owner', 'responder')
  const sub = await deps.store.getSubscriber(id)
  if (!sub) throw notFound('Subscriber', id)
  await deps.store.commit([
    { type: 'subscriber.delete', id },
    audit(deps, actor, 'subscriber.remove', { type: 'subscriber', id }, redact(sub), null),
  ])
}

/** A new secret; the old one keeps signing (alongside) for a day so receivers can switch over. */
export async function rotateWebhookSecret(
  deps: Pick<Deps, 'store' | 'clock' | 'ids' | 'secrets'>,
  actor: Actor,
  id: string,
): Promise<Subscriber> {
  assertRole(actor, 'owner', 'responder')
  const sub = await deps.store.getSubscriber(id)
  if (!sub) throw notFound('Subscriber', id)
  if (sub.channel !== 'webhook')
    throw invalid('channel', 'only webhook subscribers have a signing secret')
  const now = deps.clock.now()
  const after: Subscriber = {
    ...sub,
    secret: newWebhookSecret(deps),
    previousSecret: sub.secret,
    previousSecretUntil: now + SECRET_ROTATION_MS,
  }
  await deps.store.commit([
    { type: 'subscriber.update', subscriber: after },
    audit(deps, actor, 'subscriber.rotate_secret', { type: 'subscriber', id }, null, null),
  ])
  return after
}

/** Quarantined (or unsubscribed by the team's decision) back to active. */
export async function reactivateSubscriber(
  deps: Pick<Deps, 'store' | 'clock' | 'ids'>,
  actor: Actor,
  id: string,
): Promise<Subscriber> {
  assertRole(actor, 'owner', 'responder')
  const sub = await deps.store.getSubscriber(id)
  if (!sub) throw notFound('Subscriber', id)
  if (sub.state === 'active') return sub
  if (sub.state === 'pending') throw invalid('state', 'the address has not confirmed yet')
  const after: Subscriber = { ...sub, state: 'active', failureStreak: 0, unsubscribedAt: null }
  await deps.store.commit([
    { type: 'subscriber.update', subscriber: after },
    audit(
      deps,
      actor,
      'subscriber.reactivate',
      { type: 'subscriber', id },
      redact(sub),
      redact(after),
    ),
  ])
  return after
}

/** Dead deliveries go out again with their original ids (receivers can de-duplicate). */
export async function replayDeliveries(
  deps: Pick<Deps, 'store' | 'clock' | 'ids'>,
  actor: Actor,
  query: { subscriberId?: string; broadcastId?: string },
): Promise<number> {
  assertRole(actor, 'owner', 'responder')
  if (!query.subscriberId && !query.broadcastId)
    throw invalid('subscriberId', 'say which deliveries to replay')
  const dead = await deps.store.listDeliveries({ ...query, state: 'dead', limit: 10_000 })
  if (dead.length === 0) return 0
  const now = deps.clock.now()
  const changes: Change[] = [{ type: 'delivery.replay', ids: dead.map((d) => d.id), at: now }]
  if (query.subscriberId) {
    const sub = await deps.store.getSubscriber(query.subscriberId)
    if (sub?.state === 'quarantined')
      changes.push({
        type: 'subscriber.update',
        subscriber: { ...sub, state: 'active', failureStreak: 0 },
      })
  }
  changes.push(
    audit(
      deps,
      actor,
      'delivery.replay',
      { type: 'deliveries', id: query.subscriberId ?? query.broadcastId! },
      null,
      {
        count: dead.length,
      },
    ),
  )
  await deps.store.commit(changes)
  return dead.length
}

export interface ImportReport {
  added: number
  skipped: { line: number; target: string; reason: string }[]
}

/**
 * CSV with a header row: `email` alone, or `channel,target[,components]` (components separated by
 * spaces or semicolons, by id or name). Imported e-mail addresses are pre-confirmed; each bad row is
 * reported with its line and nothing else is lost.
 */
export async function importSubscribers(deps: D, actor: Actor, csv: string): Promise<ImportReport> {
  assertRole(actor, 'owner', 'responder')
  if (csv.length > 5_000_000) throw invalid('file', 'Use a file of at most 5 MB')
  const parsed = Papa.parse<Record<string, string>>(csv.replace(/^\uFEFF/, ''), {
    header: true,
    skipEmptyLines: 'greedy',
    transformHeader: (h) => h.trim().toLowerCase(),
  })
  const fields = parsed.meta.fields ?? []
  if (!fields.includes('email') && !fields.includes('target'))
    throw invalid(
      'file',
      'The first row must name an "email" column, or "channel" and "target" columns',
    )
  const components = (await deps.store.listComponents()).filter((c) => c.visible)
  const byKey = new Map<string, string>()
  for (const c of components) {
    byKey.set(c.id, c.id)
    byKey.set(c.name.trim().toLowerCase(), c.id)
  }
  const report: ImportReport = { added: 0, skipped: [] }
  const seen = new Set<string>()
  const changes: Change[] = []
  const now = deps.clock.now()
  for (const [index, row] of parsed.data.entries()) {
    const line = index + 2
    const channelText = (row.channel ?? 'email').trim().toLowerCase() || 'email'
    const targetText = (row.target ?? row.email ?? '').trim()
    const skip = (reason: string) =>
      report.skipped.push({ line, target: targetText.slice(0, 200), reason })
    const channel = ChannelSchema.safeParse(channelText)
    if (!channel.success) {
      skip(`unknown channel "${channelText.slice(0, 40)}"`)
      continue
    }
    let target: string
    try {
      target = normalizeTarget(deps, channel.data, targetText)
    } catch (error) {
      skip(error instanceof AppError ? (error.issues[0]?.message ?? error.message) : 'unreadable')
      continue
    }
    const componentIds: string[] = []
    let unknown: string | null = null
    for (const part of (row.components ?? '')
      .split(/[;|]/)
      .map((p) => p.trim())
      .filter(Boolean)) {
      const id = byKey.get(part.toLowerCase()) ?? byKey.get(part)
      if (!id) unknown = part
      else componentIds.push(id)
    }
    if (unknown) {
      skip(`unknown component "${unknown.slice(0, 80)}"`)
      continue
    }
    const key = `${channel.data}:${target.toLowerCase()}`
    if (
      seen.has(key) ||
      (channel.data === 'email' && (await deps.store.getSubscriberByTarget('email', target)))
    ) {
      skip('already subscribed')
      continue
    }
    seen.add(key)
    const sub: Subscriber = {
      ...withScope(blankSubscriber(deps, channel.data, target), componentIds, []),
      state: 'active',
      confirmedAt: now,
    }
    changes.push({ type: 'subscriber.insert', subscriber: sub })
    report.added++
  }
  // A one-column file has no delimiter to detect; that is not an error in any row.
  const rowErrors = parsed.errors.filter((e) => e.code !== 'UndetectableDelimiter')
  if (rowErrors.length)
    for (const e of rowErrors.slice(0, 50))
      report.skipped.push({ line: (e.row ?? 0) + 2, target: '', reason: e.message })
  changes.push(
    audit(deps, actor, 'subscriber.import', { type: 'subscribers', id: 'import' }, null, {
      added: report.added,
      skipped: report.skipped.length,
    }),
  )
  await deps.store.commit(changes)
  return report
}
