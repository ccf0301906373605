import {
  and,
  asc,
  count,
  desc,
  eq,
  gt,
  inArray,
  or,
  sql,
  type SQL,
  type SQLWrapper,
} from 'drizzle-orm'
import type {
  Change,
  CapturedMail,
  DeliveryCounts,
  Store,
  SubscriberQuery,
} from '../../app/ports.ts'
import { DELIVERY_STATES } from '../../domain/enums.ts'
import type { Addressee, Broadcast, Delivery, Subscriber } from '../../domain/types.ts'
import type { RunAtomic, SqliteDb, WriteQuery } from './drizzle-store.ts'
import * as s from './schema.ts'

// The broadcast half of the store: subscribers, broadcasts, deliveries and the dev mailbox. The
// heavy lifting is set-based SQL (expanding a broadcast is one INSERT … SELECT per batch, claiming
// is one UPDATE … RETURNING), so no subscriber list ever passes through memory whole.

const CHUNK = 90
// Ids per json_each() parameter: one statement for a whole claim batch.
const ID_LIST = 1000
function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

type SubscriberRow = typeof s.subscribers.$inferSelect
type BroadcastRow = typeof s.broadcasts.$inferSelect

function subscriberRow(sub: Subscriber): typeof s.subscribers.$inferInsert {
  const { componentIds: _c, groupIds: _g, ...row } = sub
  return { ...row, targetKey: targetKey(sub.target) }
}

export function targetKey(target: string): string {
  return target.trim().toLowerCase()
}

function toBroadcast(row: BroadcastRow): Broadcast {
  return { ...row, componentIds: JSON.parse(row.componentIds) as string[] }
}

function toMail(row: typeof s.capturedMail.$inferSelect): CapturedMail {
  return { ...row, headers: JSON.parse(row.headers) as Record<string, string> }
}

/** Subscribers that hear about broadcast `b`: active, subscribed before it, and in scope. */
function matches(b: { componentIds: string[]; createdAt: number }): SQL {
  const scoped = b.componentIds.length
    ? sql`(${s.subscribers.allComponents} = 1 or exists (select 1 from ${s.subscriberScopes} sc
        where sc.subscriber_id = ${s.subscribers.id}
        and (sc.component_id in (select value from json_each(${JSON.stringify(b.componentIds)}))
          or (sc.group_id <> '' and sc.group_id in (select c.group_id from ${s.components} c
            where c.id in (select value from json_each(${JSON.stringify(b.componentIds)})))))))`
    : sql`1 = 1`
  return sql`${s.subscribers.state} = 'active' and ${s.subscribers.confirmedAt} <= ${b.createdAt} and ${scoped}`
}

type ExpandStep = Omit<Extract<Change, { type: 'broadcast.expand' }>, 'type'>
type LeasedRow = { id: string; subscriber_id: string; incident_id: string | null; state: string }

export function createBroadcastStore(db: SqliteDb, atomic: RunAtomic) {
  // better-sqlite3 runs db.run() at once; D1 returns a lazy statement for batch(). Atomic write
  // sets need the lazy form on both (`rows()` on Node for a statement with RETURNING).
  const isAsync = (db as unknown as { resultKind: string }).resultKind === 'async'
  const raw = (query: SQL): WriteQuery => (isAsync ? db.run(query) : { run: () => db.run(query) })
  const returning = (query: SQL): WriteQuery =>
    isAsync ? db.all(query) : { rows: () => db.all(query) }

  /**
   * One batch of a broadcast's expansion: its matching subscribers with after < id <= through
   * become deliveries (ids `d_<broadcast>_<subscriber>`, so a second run writes nothing), and the
   * cursor moves. With `leaseUntil`, each delivery that may go out at once (no earlier delivery of
   * the same incident to the same subscriber still open) is written already leased, its first
   * attempt counted, as claimDeliveries would leave it, and the first statement returns those:
   * a fan-out's delivery is then written twice (leased, settled) instead of three times. The
   * others are written pending for a later claim.
   */
  const expandQueries = (step: ExpandStep, leaseUntil: number | null): WriteQuery[] => {
    const { broadcastId, after, through, at } = step
    const range = sql`${after === null ? sql`1 = 1` : sql`${s.subscribers.id} > ${after}`}
      and ${through === null ? sql`1 = 1` : sql`${s.subscribers.id} <= ${through}`}`
    // The broadcast row supplies its own scope, so the statement needs nothing read beforehand.
    const scope = sql`${s.subscribers.state} = 'active' and ${s.subscribers.confirmedAt} <= b.created_at
      and (${s.subscribers.allComponents} = 1 or b.component_ids = '[]' or exists (
        select 1 from ${s.subscriberScopes} sc where sc.subscriber_id = ${s.subscribers.id}
        and (sc.component_id in (select value from json_each(b.component_ids))
          or (sc.group_id <> '' and sc.group_id in (select c.group_id from ${s.components} c
            where c.id in (select value from json_each(b.component_ids)))))))`
    const insert =
      leaseUntil === null
        ? raw(sql`insert or ignore into ${s.deliveries}
            (id, broadcast_id, subscriber_id, incident_id, state, attempts, next_attempt_at,
             created_at, updated_at)
            select 'd_' || b.id || '_' || ${s.subscribers.id}, b.id, ${s.subscribers.id}, b.incident_id,
              'pending', 0, ${at}, ${at}, ${at}
            from ${s.subscribers} join ${s.broadcasts} b on b.id = ${broadcastId}
            where ${range} and ${scope}`)
        : returning(sql`insert or ignore into ${s.deliveries}
            (id, broadcast_id, subscriber_id, incident_id, state, attempts, next_attempt_at,
             lease_until, created_at, updated_at)
            select n.id, n.broadcast_id, n.subscriber_id, n.incident_id,
              case when n.held then 'pending' else 'sending' end, case when n.held then 0 else 1 end,
              ${at}, case when n.held then null else ${leaseUntil} end, ${at}, ${at}
            from (select 'd_' || b.id || '_' || ${s.subscribers.id} as id, b.id as broadcast_id,
                ${s.subscribers.id} as subscriber_id, b.incident_id as incident_id,
                exists (select 1 from ${s.deliveries} e where e.subscriber_id = ${s.subscribers.id}
                  and e.incident_id = b.incident_id and e.id < 'd_' || b.id || '_' || ${s.subscribers.id}
                  and e.state not in ('delivered', 'dead')) as held
              from ${s.subscribers} join ${s.broadcasts} b on b.id = ${broadcastId}
              where ${range} and ${scope}) n
            returning id, subscriber_id, incident_id, state`)
    return [
      insert,
      // The first batch also counts everyone the broadcast will reach, once, for the console's
      // progress bar while expansion is under way.
      ...(after === null
        ? [
            raw(sql`update ${s.broadcasts} set recipients = (select count(*) from
                ${s.subscribers} join ${s.broadcasts} b on b.id = ${broadcastId} where ${scope})
              where ${s.broadcasts.id} = ${broadcastId} and ${s.broadcasts.recipients} is null`),
          ]
        : []),
      db
        .update(s.broadcasts)
        .set({ expandedThrough: through ?? after, expandedAt: through === null ? at : null })
        .where(eq(s.broadcasts.id, broadcastId)),
    ]
  }

  // The dispatcher's own statements run once per batch of a fan-out, all the time it runs: they
  // are prepared once, and id lists cross as one JSON parameter (json_each), so a batch is one
  // statement whatever its size (D1 allows 100 bound parameters; this needs one). Building a
  // drizzle query and preparing it cost more than SQLite's own work on these.
  const idsIn = (column: SQLWrapper) =>
    sql`${column} in (select value from json_each(${sql.placeholder('ids')}))`
  const hot = {
    claim: db
      .update(s.deliveries)
      .set({
        state: 'sending',
        leaseUntil: sql`${sql.placeholder('leaseUntil')}`,
        attempts: sql`${s.deliveries.attempts} + 1`,
        updatedAt: sql`${sql.placeholder('now')}`,
      })
      .where(
        inArray(
          s.deliveries.id,
          sql`(select d.id from ${s.deliveries} d indexed by deliveries_open_due_idx
            where d.state in ('pending', 'retrying') and d.next_attempt_at <= ${sql.placeholder('now')}
            and not exists (select 1 from ${s.deliveries} e
              where e.subscriber_id = d.subscriber_id and e.incident_id = d.incident_id
              and e.id < d.id and e.state not in ('delivered', 'dead'))
            order by d.next_attempt_at, d.id limit ${sql.placeholder('limit')})`,
        ),
      )
      .returning()
      .prepare(),
    reclaim: db
      .update(s.deliveries)
      .set({
        state: 'retrying',
        leaseUntil: null,
        updatedAt: sql`${sql.placeholder('now')}`,
        lastError: 'sender stopped before recording an outcome',
      })
      .where(
        and(
          eq(s.deliveries.state, 'sending'),
          sql`${s.deliveries.leaseUntil} < ${sql.placeholder('now')}`,
        ),
      )
      .returning({ id: s.deliveries.id })
      .prepare(),
    subscribers: db.select().from(s.subscribers).where(idsIn(s.subscribers.id)).prepare(),
    scopes: db
      .select()
      .from(s.subscriberScopes)
      .where(idsIn(s.subscriberScopes.subscriberId))
      .prepare(),
    delivered: db
      .update(s.deliveries)
      .set({
        state: 'delivered',
        leaseUntil: null,
        updatedAt: sql`${sql.placeholder('at')}`,
        deliveredAt: sql`${sql.placeholder('at')}`,
        lastError: null,
        lastStatus: sql`${sql.placeholder('status')}`,
      })
      .where(idsIn(s.deliveries.id))
      .prepare(),
  }

  const attachScopes = async (rows: SubscriberRow[]): Promise<Subscriber[]> => {
    if (rows.length === 0) return []
    const byId = new Map(
      rows.map((r) => [r.id, { components: [] as string[], groups: [] as string[] }]),
    )
    for (const ids of chunks(
      rows.map((r) => r.id),
      ID_LIST,
    )) {
      const scopes = await hot.scopes.all({ ids: JSON.stringify(ids) })
      for (const sc of scopes) {
        const entry = byId.get(sc.subscriberId)
        if (!entry) continue
        if (sc.componentId) entry.components.push(sc.componentId)
        if (sc.groupId) entry.groups.push(sc.groupId)
      }
    }
    return rows.map(({ targetKey: _k, ...r }) => ({
      ...r,
      componentIds: byId.get(r.id)?.components ?? [],
      groupIds: byId.get(r.id)?.groups ?? [],
    }))
  }

  const scopeRows = (sub: Subscriber) => [
    ...sub.componentIds.map((componentId) => ({ subscriberId: sub.id, componentId, groupId: '' })),
    ...sub.groupIds.map((groupId) => ({ subscriberId: sub.id, componentId: '', groupId })),
  ]
  const insertScopes = (sub: Subscriber): WriteQuery[] =>
    chunks(scopeRows(sub), 30).map((rows) => db.insert(s.subscriberScopes).values(rows))

  const subscriberWhere = (q: SubscriberQuery) => {
    const conds: SQL[] = []
    if (q.channel) conds.push(eq(s.subscribers.channel, q.channel))
    if (q.state) conds.push(eq(s.subscribers.state, q.state))
    if (q.search?.trim()) {
      const pattern = `%${q.search
        .trim()
        .toLowerCase()
        .replace(/[\\%_]/g, (c) => `\\${c}`)}%`
      conds.push(sql`${s.subscribers.targetKey} like ${pattern} escape '\\'`)
    }
    if (q.componentId) {
      conds.push(
        or(
          eq(s.subscribers.allComponents, true),
          sql`exists (select 1 from ${s.subscriberScopes} sc where sc.subscriber_id = ${s.subscribers.id}
            and (sc.component_id = ${q.componentId} or sc.group_id = (select group_id from ${s.components} where id = ${q.componentId})))`,
        )!,
      )
    }
    return conds.length ? and(...conds) : undefined
  }

  const writeQueries = (change: Change): WriteQuery[] | null => {
    switch (change.type) {
      case 'subscriber.insert':
        return [
          db.insert(s.subscribers).values(subscriberRow(change.subscriber)),
          ...insertScopes(change.subscriber),
        ]
      case 'subscriber.update':
        return [
          db
            .update(s.subscribers)
            .set(subscriberRow(change.subscriber))
            .where(eq(s.subscribers.id, change.subscriber.id)),
          db
            .delete(s.subscriberScopes)
            .where(eq(s.subscriberScopes.subscriberId, change.subscriber.id)),
          ...insertScopes(change.subscriber),
        ]
      case 'subscriber.delete':
        return [
          db.delete(s.deliveries).where(eq(s.deliveries.subscriberId, change.id)),
          db.delete(s.subscriberScopes).where(eq(s.subscriberScopes.subscriberId, change.id)),
          db.delete(s.subscribers).where(eq(s.subscribers.id, change.id)),
        ]
      case 'subscriber.outcome':
        return [
          change.ok
            ? db
                .update(s.subscribers)
                .set({ failureStreak: 0 })
                .where(eq(s.subscribers.id, change.id))
            : db
                .update(s.subscribers)
                .set({
                  failureStreak: sql`${s.subscribers.failureStreak} + 1`,
                  state: sql`case when ${s.subscribers.failureStreak} + 1 >= ${change.quarantineAt}
                    and ${s.subscribers.state} = 'active' then 'quarantined' else ${s.subscribers.state} end`,
                })
                .where(eq(s.subscribers.id, change.id)),
        ]
      case 'broadcast.insert':
        return [
          db.insert(s.broadcasts).values({
            ...change.broadcast,
            componentIds: JSON.stringify(change.broadcast.componentIds),
          }),
        ]
      case 'broadcast.expand':
        return expandQueries(change, null)
      case 'delivery.settle':
        return [
          db
            .update(s.deliveries)
            .set({
              state: change.state,
              leaseUntil: null,
              updatedAt: change.at,
              lastError: change.error ?? null,
              lastStatus: change.status ?? null,
              ...(change.state === 'delivered' ? { deliveredAt: change.at } : {}),
              ...(change.nextAttemptAt !== undefined
                ? { nextAttemptAt: change.nextAttemptAt }
                : {}),
            })
            .where(eq(s.deliveries.id, change.id)),
        ]
      case 'delivery.delivered':
        return chunks(change.ids, ID_LIST).map((ids) => {
          const values = { ids: JSON.stringify(ids), at: change.at, status: change.status }
          // D1's batch() takes query builders, not prepared statements.
          return isAsync
            ? db
                .update(s.deliveries)
                .set({
                  state: 'delivered',
                  leaseUntil: null,
                  updatedAt: change.at,
                  deliveredAt: change.at,
                  lastError: null,
                  lastStatus: change.status,
                })
                .where(sql`${s.deliveries.id} in (select value from json_each(${values.ids}))`)
            : { run: () => hot.delivered.run(values) }
        })
      case 'delivery.replay':
        return chunks(change.ids).map((ids) =>
          db
            .update(s.deliveries)
            .set({
              state: 'pending',
              attempts: 0,
              nextAttemptAt: change.at,
              leaseUntil: null,
              updatedAt: change.at,
            })
            .where(
              and(inArray(s.deliveries.id, ids), inArray(s.deliveries.state, ['dead', 'retrying'])),
            ),
        )
      case 'mail.capture':
        return [
          db
            .insert(s.capturedMail)
            .values({ ...change.mail, headers: JSON.stringify(change.mail.headers) }),
        ]
      default:
        return null
    }
  }

  const reads = {
    async getSubscriber(id: string) {
      const rows = await db.select().from(s.subscribers).where(eq(s.subscribers.id, id))
      return (await attachScopes(rows))[0] ?? null
    },
    async getSubscriberByTarget(channel: Subscriber['channel'], target: string) {
      const rows = await db
        .select()
        .from(s.subscribers)
        .where(
          and(eq(s.subscribers.channel, channel), eq(s.subscribers.targetKey, targetKey(target))),
        )
      return (await attachScopes(rows))[0] ?? null
    },
    async getSubscriberByManageToken(token: string) {
      const rows = await db.select().from(s.subscribers).where(eq(s.subscribers.manageToken, token))
      return (await attachScopes(rows))[0] ?? null
    },
    async getSubscriberByConfirmHash(hash: string) {
      const rows = await db
        .select()
        .from(s.subscribers)
        .where(eq(s.subscribers.confirmTokenHash, hash))
      return (await attachScopes(rows))[0] ?? null
    },
    async getAddressees(ids: string[]) {
      const out: Addressee[] = []
      for (const part of chunks([...new Set(ids)], ID_LIST)) {
        for (const { targetKey: _k, ...row } of await hot.subscribers.all({
          ids: JSON.stringify(part),
        }))
          out.push(row)
      }
      return out
    },
    async listSubscribers(q: SubscriberQuery = {}) {
      const rows = await db
        .select()
        .from(s.subscribers)
        .where(subscriberWhere(q))
        .orderBy(desc(s.subscribers.createdAt), desc(s.subscribers.id))
        .limit(q.limit ?? 50)
        .offset(q.offset ?? 0)
      return attachScopes(rows)
    },
    async countSubscribers(q: SubscriberQuery = {}) {
      const [row] = await db.select({ n: count() }).from(s.subscribers).where(subscriberWhere(q))
      return row?.n ?? 0
    },
    async countRecipients(componentIds: string[]) {
      const [row] = await db
        .select({ n: count() })
        .from(s.subscribers)
        .where(matches({ componentIds, createdAt: Number.MAX_SAFE_INTEGER }))
      return row?.n ?? 0
    },

    async getBroadcast(id: string) {
      const [row] = await db.select().from(s.broadcasts).where(eq(s.broadcasts.id, id))
      return row ? toBroadcast(row) : null
    },
    async listUnexpandedBroadcasts(limit: number) {
      const rows = await db
        .select()
        .from(s.broadcasts)
        .where(sql`${s.broadcasts.expandedAt} is null`)
        .orderBy(asc(s.broadcasts.id))
        .limit(limit)
      return rows.map(toBroadcast)
    },
    async expansionBound(b: Broadcast, after: string | null, batchSize: number) {
      const rows = await db
        .select({ id: s.subscribers.id })
        .from(s.subscribers)
        .where(and(after === null ? undefined : gt(s.subscribers.id, after), matches(b)))
        .orderBy(asc(s.subscribers.id))
        .limit(1)
        .offset(batchSize - 1)
      return rows[0]?.id ?? null
    },
    async countAwaitingExpansion(b: Broadcast) {
      if (b.expandedAt !== null) return 0
      const after = b.expandedThrough
      const [row] = await db
        .select({ n: count() })
        .from(s.subscribers)
        .where(and(after === null ? undefined : gt(s.subscribers.id, after), matches(b)))
      return row?.n ?? 0
    },
    async listBroadcastsFor(q: { incidentId?: string; eventIds?: string[] }) {
      const conds: SQL[] = []
      if (q.incidentId) conds.push(eq(s.broadcasts.incidentId, q.incidentId))
      if (q.eventIds) {
        if (q.eventIds.length === 0) return []
        conds.push(inArray(s.broadcasts.eventId, q.eventIds.slice(0, CHUNK)))
      }
      const rows = await db
        .select()
        .from(s.broadcasts)
        .where(and(...conds))
        .orderBy(asc(s.broadcasts.id))
      return rows.map(toBroadcast)
    },
    async deliveryCounts(broadcastIds: string[]) {
      const out = new Map<string, DeliveryCounts>()
      for (const id of broadcastIds) out.set(id, zeroCounts())
      for (const ids of chunks(broadcastIds)) {
        const rows = await db
          .select({ broadcastId: s.deliveries.broadcastId, state: s.deliveries.state, n: count() })
          .from(s.deliveries)
          .where(inArray(s.deliveries.broadcastId, ids))
          .groupBy(s.deliveries.broadcastId, s.deliveries.state)
        for (const r of rows) out.get(r.broadcastId)![r.state] = r.n
      }
      return out
    },

    async expandAndLease(step: ExpandStep, leaseUntil: number): Promise<Delivery[]> {
      const [rows] = await atomic(expandQueries(step, leaseUntil))
      const leased: Delivery[] = []
      for (const r of rows as LeasedRow[]) {
        if (r.state !== 'sending') continue
        leased.push({
          id: r.id,
          broadcastId: step.broadcastId,
          subscriberId: r.subscriber_id,
          incidentId: r.incident_id,
          state: 'sending',
          attempts: 1,
          nextAttemptAt: step.at,
          leaseUntil,
          lastError: null,
          lastStatus: null,
          createdAt: step.at,
          updatedAt: step.at,
          deliveredAt: null,
        })
      }
      return leased.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    },
    async claimDeliveries(now: number, leaseUntil: number, limit: number): Promise<Delivery[]> {
      // One statement: choosing and leasing cannot interleave with another sender's claim.
      const rows = await hot.claim.all({ now, leaseUntil, limit })
      return rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    },
    async reclaimExpiredLeases(now: number) {
      return (await hot.reclaim.all({ now })).length
    },
    async nextDeliveryDue() {
      const [row] = await db
        .select({ at: sql<number | null>`min(${s.deliveries.nextAttemptAt})` })
        .from(s.deliveries)
        .where(inArray(s.deliveries.state, ['pending', 'retrying']))
      return row?.at ?? null
    },
    async listDeliveries(q: {
      subscriberId?: string
      broadcastId?: string
      state?: Delivery['state']
      limit?: number
    }) {
      const conds: SQL[] = []
      if (q.subscriberId) conds.push(eq(s.deliveries.subscriberId, q.subscriberId))
      if (q.broadcastId) conds.push(eq(s.deliveries.broadcastId, q.broadcastId))
      if (q.state) conds.push(eq(s.deliveries.state, q.state))
      // Spelled out so SQLite may use the partial index of failures (it does not infer it).
      if (q.state === 'retrying' || q.state === 'dead')
        conds.push(inArray(s.deliveries.state, ['retrying', 'dead']))
      return db
        .select()
        .from(s.deliveries)
        .where(and(...conds))
        .orderBy(desc(s.deliveries.id))
        .limit(q.limit ?? 100)
    },
    async getDelivery(id: string) {
      const [row] = await db.select().from(s.deliveries).where(eq(s.deliveries.id, id))
      return row ?? null
    },

    async listCapturedMail(limit: number) {
      const rows = await db
        .select()
        .from(s.capturedMail)
        .orderBy(desc(s.capturedMail.createdAt), desc(s.capturedMail.id))
        .limit(limit)
      return rows.map(toMail)
    },
    async getCapturedMail(id: string) {
      const [row] = await db.select().from(s.capturedMail).where(eq(s.capturedMail.id, id))
      return row ? toMail(row) : null
    },
  } satisfies Partial<Store>

  return { writeQueries, reads }
}

function zeroCounts(): DeliveryCounts {
  return Object.fromEntries(DELIVERY_STATES.map((k) => [k, 0])) as DeliveryCounts
}
