import type { Addressee, Broadcast, Delivery } from '../../domain/types.ts'
import type { Deps } from '../deps.ts'
import { getSettings } from '../get-settings.ts'
import type { Change, HttpAttempt, SendOutcome } from '../ports.ts'
import { assembleContent, mailIdentity, pageBaseUrl } from './assemble.ts'
import type { BroadcastContent, MailIdentity, Recipient } from './content.ts'
import { discordBody, slackBody, teamsBody } from './formats/chat.ts'
import { emailTemplate } from './formats/email.ts'
import { webhookTemplate } from './formats/statuspage.ts'
import { signWebhook } from './sign.ts'

// The delivery worker, the same on both runtimes: lease due deliveries, expand broadcasts into
// new deliveries in batches (written already leased when nothing holds them back), send, record
// outcomes. Every step is a database write that a crash can interrupt without losing anything: an
// unexpanded broadcast is expanded again (idempotently), an expired lease is reclaimed, and a
// retried delivery keeps its id (the webhook-id / Message-ID).

export interface DispatchOptions {
  /**
   * Subscribers turned into pending deliveries per write by `expand()` (the Workers queue job).
   * The pump itself expands as it claims: a claim batch at a time, written already leased.
   */
  expandBatch: number
  /** Deliveries leased per claim. */
  claimBatch: number
  /** How long a claimed delivery is ours before another sender may take it over. */
  leaseMs: number
  /** Sends in flight at once. */
  concurrency: number
  /** Attempts before a retryable failure is given up as dead. */
  maxAttempts: number
  /** Consecutive dead deliveries before a webhook subscriber is quarantined. */
  quarantineAfter: number
  /** Per-request timeout for webhooks. */
  webhookTimeoutMs: number
}

export const DEFAULT_DISPATCH: DispatchOptions = {
  expandBatch: 1000,
  claimBatch: 200,
  leaseMs: 120_000,
  concurrency: 50,
  maxAttempts: 10,
  quarantineAfter: 5,
  webhookTimeoutMs: 15_000,
}

type D = Pick<Deps, 'store' | 'clock' | 'config' | 'mailer' | 'http' | 'log' | 'ids' | 'secrets'>

/** Expands up to `maxBatches` batches of pending broadcasts; returns how many batches it wrote. */
export async function expandBroadcasts(
  deps: Pick<Deps, 'store' | 'clock'>,
  opts: Pick<DispatchOptions, 'expandBatch'> & { maxBatches?: number; only?: string[] },
): Promise<number> {
  let written = 0
  const max = opts.maxBatches ?? Infinity
  const list = opts.only
    ? (await Promise.all(opts.only.map((id) => deps.store.getBroadcast(id)))).filter(
        (b): b is Broadcast => b !== null && b.expandedAt === null,
      )
    : await deps.store.listUnexpandedBroadcasts(20)
  for (const b of list) {
    let after = b.expandedThrough
    while (written < max) {
      const through = await deps.store.expansionBound(b, after, opts.expandBatch)
      await deps.store.commit([
        { type: 'broadcast.expand', broadcastId: b.id, after, through, at: deps.clock.now() },
      ])
      written++
      if (through === null) break
      after = through
    }
    if (written >= max) break
  }
  return written
}

/**
 * Expands broadcasts still pending, a batch at a time, writing each new delivery already leased
 * (store.expandAndLease) until `want` are leased or `maxBatches` batches are written. A fan-out's
 * deliveries are then written twice (leased, settled), not three times (pending, leased, settled),
 * and no more of a big broadcast is expanded than is about to be sent.
 */
async function expandLeasing(
  deps: Pick<Deps, 'store'>,
  opts: { want: number; at: number; leaseUntil: number; maxBatches: number },
): Promise<{ leased: Delivery[]; batches: number }> {
  const leased: Delivery[] = []
  let batches = 0
  for (const b of await deps.store.listUnexpandedBroadcasts(20)) {
    let after = b.expandedThrough
    while (batches < opts.maxBatches && leased.length < opts.want) {
      const through = await deps.store.expansionBound(b, after, opts.want - leased.length)
      const step = { broadcastId: b.id, after, through, at: opts.at }
      for (const d of await deps.store.expandAndLease(step, opts.leaseUntil)) leased.push(d)
      batches++
      if (through === null) break
      after = through
    }
    if (batches >= opts.maxBatches || leased.length >= opts.want) break
  }
  return { leased, batches }
}

/** Backoff for the n-th failed attempt (1-based): 30 s doubling to a 6 h cap, ±20 % jitter. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(30_000 * 2 ** Math.max(0, attempt - 1), 6 * 3_600_000)
  return Math.round(base * (0.8 + 0.4 * random()))
}

/** Retry-After as seconds or an HTTP date, capped at a day; null when absent or unreadable. */
export function retryAfterMs(value: string | null, now: number): number | null {
  if (!value) return null
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) return Math.min(Number(trimmed) * 1000, 86_400_000)
  const at = Date.parse(trimmed)
  if (Number.isNaN(at)) return null
  return Math.min(Math.max(0, at - now), 86_400_000)
}

type Verdict =
  | { state: 'delivered'; status: number | null }
  | { state: 'retry'; reason: string; status: number | null; afterMs: number | null }
  | { state: 'dead'; reason: string; status: number | null }

export function judgeHttp(attempt: HttpAttempt, now: number): Verdict {
  if (attempt.kind === 'refused') return { state: 'dead', reason: attempt.reason, status: null }
  if (attempt.kind === 'error')
    return { state: 'retry', reason: attempt.reason, status: null, afterMs: null }
  const { status } = attempt
  if (status >= 200 && status < 300) return { state: 'delivered', status }
  if (status === 429 || status === 408 || status >= 500)
    return {
      state: 'retry',
      reason: `HTTP ${status}`,
      status,
      afterMs: retryAfterMs(attempt.retryAfter, now),
    }
  if (status >= 300 && status < 400)
    return { state: 'dead', reason: `HTTP ${status}: redirects are not followed`, status }
  return { state: 'dead', reason: `HTTP ${status}`, status }
}

function judgeMail(outcome: SendOutcome): Verdict {
  if (outcome.ok) return { state: 'delivered', status: null }
  return outcome.permanent
    ? { state: 'dead', reason: outcome.reason, status: null }
    : { state: 'retry', reason: outcome.reason, status: null, afterMs: null }
}

export interface Dispatcher {
  /** Expands and delivers until nothing is due; returns the number of deliveries settled. */
  drain(opts?: { maxRounds?: number }): Promise<number>
  expand(only?: string[]): Promise<number>
}

export function createDispatcher(deps: D, options: Partial<DispatchOptions> = {}): Dispatcher {
  const opts = { ...DEFAULT_DISPATCH, concurrency: deps.config.DELIVERY_CONCURRENCY, ...options }
  // Content is read once per broadcast and reused for every recipient; a few broadcasts are live
  // at a time, so a small map suffices.
  const contents = new Map<string, Promise<BroadcastContent | null>>()
  const templates = new Map<string, ReturnType<typeof emailTemplate>>()
  const webhookTemplates = new Map<string, ReturnType<typeof webhookTemplate>>()
  const contentFor = (broadcastId: string) => {
    let hit = contents.get(broadcastId)
    if (!hit) {
      hit = deps.store.getBroadcast(broadcastId).then((b) => (b ? assembleContent(deps, b) : null))
      contents.set(broadcastId, hit)
      hit.catch(() => contents.delete(broadcastId))
      if (contents.size > 32) contents.delete(contents.keys().next().value as string)
    }
    return hit
  }

  const sendOne = async (
    d: Delivery,
    sub: Addressee | undefined,
    ctx: { base: string; identity: MailIdentity; now: number },
  ): Promise<Verdict> => {
    if (!sub) return { state: 'dead', reason: 'subscriber removed', status: null }
    if (sub.state !== 'active')
      return { state: 'dead', reason: `subscriber ${sub.state}`, status: null }
    const content = await contentFor(d.broadcastId)
    if (!content)
      return { state: 'dead', reason: 'the update was deleted before sending', status: null }
    const recipient: Recipient = {
      subscriberId: sub.id,
      deliveryId: d.id,
      channel: sub.channel,
      target: sub.target,
      manageUrl: `${ctx.base}/subscriptions/${sub.manageToken}`,
      unsubscribeUrl: `${ctx.base}/subscriptions/${sub.manageToken}/unsubscribe`,
    }
    if (sub.channel === 'email') {
      const key = `${d.broadcastId}\n${ctx.identity.from}\n${ctx.identity.replyTo}\n${ctx.identity.host}`
      const template = remember(templates, key, () => emailTemplate(content, ctx.identity))
      return judgeMail(await deps.mailer.send(template(recipient)))
    }
    const body =
      sub.channel === 'webhook'
        ? remember(webhookTemplates, d.broadcastId, () => webhookTemplate(content))(recipient)
        : sub.channel === 'slack'
          ? slackBody(content, recipient)
          : sub.channel === 'discord'
            ? discordBody(content, recipient)
            : teamsBody(content, recipient)
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'Herald-Webhooks/1.0',
    }
    if (sub.channel === 'webhook' && sub.secret) {
      const secrets = [sub.secret]
      if (sub.previousSecret && (sub.previousSecretUntil ?? 0) > ctx.now)
        secrets.push(sub.previousSecret)
      Object.assign(
        headers,
        await signWebhook({
          secrets,
          id: d.id,
          timestamp: Math.floor(ctx.now / 1000),
          body,
          hmac: deps.secrets.hmacSha256,
        }),
      )
    }
    const attempt = await deps.http.post(sub.target, {
      headers,
      body,
      timeoutMs: opts.webhookTimeoutMs,
    })
    return judgeHttp(attempt, deps.clock.now())
  }

  const settle = (d: Delivery, sub: Addressee | undefined, v: Verdict, now: number): Change[] => {
    const changes: Change[] = []
    if (v.state === 'delivered') {
      changes.push({
        type: 'delivery.settle',
        id: d.id,
        state: 'delivered',
        at: now,
        status: v.status,
      })
    } else if (v.state === 'retry' && d.attempts < opts.maxAttempts) {
      const wait = Math.max(v.afterMs ?? 0, v.afterMs === null ? backoffMs(d.attempts) : 0)
      changes.push({
        type: 'delivery.settle',
        id: d.id,
        state: 'retrying',
        at: now,
        nextAttemptAt: now + wait,
        error: v.reason,
        status: v.status,
      })
    } else {
      const reason =
        v.state === 'retry' ? `gave up after ${d.attempts} attempts: ${v.reason}` : v.reason
      changes.push({
        type: 'delivery.settle',
        id: d.id,
        state: 'dead',
        at: now,
        error: reason,
        status: v.status,
      })
    }
    // Streaks matter for endpoints only; a bounced address is dead per delivery.
    if (sub && sub.channel !== 'email' && sub.state === 'active') {
      if (v.state === 'delivered' && sub.failureStreak > 0)
        changes.push({
          type: 'subscriber.outcome',
          id: sub.id,
          ok: true,
          quarantineAt: opts.quarantineAfter,
        })
      else if (
        changes[0]!.type === 'delivery.settle' &&
        (changes[0] as { state: string }).state === 'dead'
      )
        changes.push({
          type: 'subscriber.outcome',
          id: sub.id,
          ok: false,
          quarantineAt: opts.quarantineAfter,
        })
    }
    return changes
  }

  type Ctx = { base: string; identity: MailIdentity; now: number }
  interface Job {
    d: Delivery
    sub: Addressee | undefined
    ctx: Ctx
  }

  /**
   * Leases up to one batch: due deliveries first (retries, and ones held back behind an earlier
   * update), then new ones from broadcasts still expanding, with their subscribers and the page's
   * identity. `expanded` counts the expansion batches written.
   */
  const claim = async (): Promise<{ jobs: Job[]; expanded: number }> => {
    const now = deps.clock.now()
    const leaseUntil = now + opts.leaseMs
    await deps.store.reclaimExpiredLeases(now)
    const claimed = await deps.store.claimDeliveries(now, leaseUntil, opts.claimBatch)
    let expanded = 0
    if (claimed.length < opts.claimBatch) {
      const fresh = await expandLeasing(deps, {
        want: opts.claimBatch - claimed.length,
        at: now,
        leaseUntil,
        maxBatches: 5,
      })
      expanded = fresh.batches
      for (const d of fresh.leased) claimed.push(d)
    }
    if (claimed.length === 0) return { jobs: [], expanded }
    const subs = new Map(
      (await deps.store.getAddressees(claimed.map((d) => d.subscriberId))).map((s) => [s.id, s]),
    )
    const settings = await getSettings(deps)
    const ctx = { base: pageBaseUrl(deps, settings), identity: mailIdentity(deps, settings), now }
    return { jobs: claimed.map((d) => ({ d, sub: subs.get(d.subscriberId), ctx })), expanded }
  }

  /** Sends one delivery and returns its outcome as changes; `quarantined` collects subscribers. */
  const deliver = async (job: Job, quarantined: Addressee[]): Promise<Change[]> => {
    const { d, sub, ctx } = job
    let verdict: Verdict
    try {
      verdict = await sendOne(d, sub, ctx)
    } catch (error) {
      // A bug or an unexpected throw is retried, never lost.
      verdict = {
        state: 'retry',
        reason: `internal error: ${String(error)}`.slice(0, 300),
        status: null,
        afterMs: null,
      }
      deps.log.error('delivery failed unexpectedly', { delivery: d.id, error: String(error) })
    }
    const settled = settle(d, sub, verdict, deps.clock.now())
    if (sub && settled.some((c) => c.type === 'subscriber.outcome' && !c.ok)) {
      sub.failureStreak++
      if (sub.failureStreak >= opts.quarantineAfter && sub.state === 'active') {
        sub.state = 'quarantined'
        quarantined.push(sub)
      }
    }
    return settled
  }

  /** Records outcomes in one write, then says which subscribers were quarantined. */
  const record = async (changes: Change[], quarantined: Addressee[], ctx: Ctx) => {
    await deps.store.commit(batchDelivered(changes))
    for (const sub of quarantined)
      deps.log.warn('webhook subscriber quarantined after repeated failures', {
        subscriber: sub.id,
        channel: sub.channel,
      })
    if (quarantined.length) await tellOwners(deps, quarantined, ctx)
  }

  /**
   * Claims, sends and records until nothing is due (or `maxClaims` batches were claimed), as one
   * pipeline: `concurrency` sends stay in flight throughout, the next batch is claimed while the
   * current one is still sending, and outcomes are written a batch at a time behind the sends.
   * Rounds that waited for their slowest send and for their own writes left the transport idle
   * between batches. A crash loses nothing: an outcome not yet written leaves its delivery
   * leased, and the lease is reclaimed (same id, so a resend is recognisable).
   */
  const pumpOnce = async (maxClaims: number): Promise<{ sent: number; claims: number }> => {
    const queue: Job[] = []
    let head = 0
    let claims = 0
    let dry = false
    let claiming: Promise<void> | null = null
    let failure: unknown = null
    let sent = 0
    let pending: Change[] = []
    let pendingQuarantined: Addressee[] = []
    let lastCtx: Ctx | null = null
    let writes: Promise<void> = Promise.resolve()

    const claimMore = (): Promise<void> => {
      if (claiming) return claiming
      if (claims >= maxClaims) {
        dry = true
        return Promise.resolve()
      }
      claims++
      // `.finally` runs after `claiming` is set, however soon the claim settles: clearing it
      // inside the claim could run first, leave a settled promise behind, and keep the workers
      // awaiting it for ever (a pass that reached `maxClaims` with its queue empty did).
      claiming = (async () => {
        try {
          const { jobs, expanded } = await claim()
          if (jobs.length === 0 && expanded === 0) dry = true
          // Drop the jobs already taken: a pass can run through every delivery of a fan-out.
          queue.splice(0, head)
          head = 0
          for (const job of jobs) queue.push(job)
        } catch (error) {
          failure ??= error
          dry = true
        }
      })().finally(() => {
        claiming = null
      })
      return claiming
    }

    const flush = () => {
      if (pending.length === 0 || !lastCtx) return writes
      const changes = pending
      const quarantined = pendingQuarantined
      const ctx = lastCtx
      pending = []
      pendingQuarantined = []
      writes = writes
        .then(() => record(changes, quarantined, ctx))
        .catch((error: unknown) => {
          failure ??= error
        })
      return writes
    }

    const worker = async () => {
      for (;;) {
        if (failure) return
        // Claim ahead once the queue is down to one more send per slot.
        if (!dry && queue.length - head <= opts.concurrency) void claimMore()
        const job = head < queue.length ? queue[head++] : undefined
        if (!job) {
          if (claiming) await claiming
          else if (dry) return
          continue
        }
        const changes = await deliver(job, pendingQuarantined)
        pending.push(...changes)
        lastCtx = job.ctx
        sent++
        if (pending.length >= opts.claimBatch) void flush()
      }
    }
    await Promise.all(Array.from({ length: opts.concurrency }, worker))
    if (claiming) await claiming
    await flush()
    if (failure) throw failure
    return { sent, claims }
  }

  // A pass ends when a claim finds nothing due. Outcomes it had not written yet may have been what
  // held the next deliveries back (one subscriber's updates to one incident go out in order), so
  // another pass follows any pass that sent something.
  const pump = async (maxClaims: number): Promise<number> => {
    let sent = 0
    let claims = 0
    while (claims < maxClaims) {
      const pass = await pumpOnce(maxClaims - claims)
      sent += pass.sent
      claims += pass.claims
      if (pass.sent === 0) break
    }
    return sent
  }

  return {
    expand: (only) =>
      expandBroadcasts(deps, { expandBatch: opts.expandBatch, ...(only ? { only } : {}) }),
    drain: ({ maxRounds = Infinity } = {}) => pump(maxRounds),
  }
}

/** The page owner is told by e-mail (and the console shows the quarantined state). */
async function tellOwners(
  deps: D,
  subs: Addressee[],
  ctx: { base: string; identity: MailIdentity },
): Promise<void> {
  const owners = (await deps.store.listUsers()).filter((u) => u.role === 'owner')
  const lines = subs.map((s) => `- ${s.channel} ${safeTarget(s.target)}`).join('\n')
  for (const owner of owners) {
    const outcome = await deps.mailer.send({
      from: ctx.identity.from,
      to: owner.email,
      subject: `Webhook subscribers quarantined after repeated failures`,
      text:
        `These subscribers kept failing and no longer receive updates:\n\n${lines}\n\n` +
        `Review them and replay their dead deliveries at ${ctx.base}/console/subscribers?state=quarantined\n`,
      html: '',
      messageId: `<quarantine-${deps.ids.next()}@${ctx.identity.host}>`,
      headers: {},
    })
    if (!outcome.ok)
      deps.log.warn('could not tell the owner about a quarantine', { reason: outcome.reason })
  }
}

/** A webhook URL's origin and path only: query strings often carry the endpoint's own secret. */
export function safeTarget(target: string): string {
  try {
    const u = new URL(target)
    return `${u.origin}${u.pathname}`
  } catch {
    return target.slice(0, 80)
  }
}

/** A few broadcasts are live at a time: per-broadcast work is kept for the 32 most recent. */
function remember<T>(memo: Map<string, T>, key: string, make: () => T): T {
  let value = memo.get(key)
  if (value === undefined) {
    value = make()
    memo.set(key, value)
    if (memo.size > 32) memo.delete(memo.keys().next().value as string)
  }
  return value
}

/** Folds single "delivered" outcomes into one change per status code (far fewer statements). */
function batchDelivered(changes: Change[]): Change[] {
  const out: Change[] = []
  const groups = new Map<string, { ids: string[]; at: number; status: number | null }>()
  for (const c of changes) {
    if (c.type === 'delivery.settle' && c.state === 'delivered') {
      const status = c.status ?? null
      const key = String(status)
      const group = groups.get(key) ?? { ids: [], at: c.at, status }
      group.ids.push(c.id)
      group.at = Math.max(group.at, c.at)
      groups.set(key, group)
    } else out.push(c)
  }
  for (const g of groups.values()) out.push({ type: 'delivery.delivered', ...g })
  return out
}
