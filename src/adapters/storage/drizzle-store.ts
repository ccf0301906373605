import {
  and,
  asc,
  count,
  desc,
  eq,
  gte,
  inArray,
  isNotNull,
  isNull,
  lt,
  or,
  sql,
} from 'drizzle-orm'
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core'
import type { Change, IncidentQuery, Store } from '../../app/ports.ts'
import type {
  ApiToken,
  AuditEntry,
  Component,
  ComponentChange,
  ComponentGroup,
  Incident,
  TimelineEvent,
} from '../../domain/types.ts'
import { createBroadcastStore } from './broadcast-store.ts'
import { createMaintenanceStore } from './maintenance-store.ts'
import { createPostmortemStore } from './postmortem-store.ts'
import * as s from './schema.ts'

// Works on any drizzle SQLite database (better-sqlite3 or D1): every read is awaited, every write
// goes through `atomic`, which the runtime supplies (atomic.node.ts, atomic.worker.ts).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type SqliteDb = BaseSQLiteDatabase<'sync' | 'async', any, typeof s>
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type WriteQuery = any
/**
 * Runs a write set as one transaction and answers each statement's rows: a statement with
 * RETURNING (on Node, a query with `rows()`) gives the rows it wrote, every other one `[]`.
 */
export type RunAtomic = (queries: WriteQuery[]) => Promise<unknown[][]>

// D1 allows at most 100 bound parameters per statement: chunk id lists, and multi-row inserts by
// CHUNK / columns per row.
const CHUNK = 90
function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

type IncidentRow = typeof s.incidents.$inferSelect
type EventRow = typeof s.incidentEvents.$inferSelect

function toEvent(row: EventRow): TimelineEvent {
  return {
    ...row,
    componentChanges: JSON.parse(row.componentChanges) as ComponentChange[],
  }
}

function eventRow(e: TimelineEvent): typeof s.incidentEvents.$inferInsert {
  return { ...e, componentChanges: JSON.stringify(e.componentChanges) }
}

function incidentRow(i: Incident): typeof s.incidents.$inferInsert {
  const { componentIds: _ignored, ...row } = i
  return row
}

function auditRow(e: AuditEntry): typeof s.auditLog.$inferInsert {
  return {
    ...e,
    before: e.before === undefined ? null : JSON.stringify(e.before),
    after: e.after === undefined ? null : JSON.stringify(e.after),
  }
}

export function createDrizzleStore(db: SqliteDb, atomic: RunAtomic): Store {
  const broadcast = createBroadcastStore(db, atomic)
  const maintenance = createMaintenanceStore(db)
  const postmortem = createPostmortemStore(db)
  // The reads on every request path (sessions, tokens, the component list) are prepared once:
  // building and preparing a drizzle query costs more than running it against SQLite.
  const hot = {
    settings: db.select().from(s.pageSettings).where(eq(s.pageSettings.id, 1)).prepare(),
    groups: db
      .select()
      .from(s.componentGroups)
      .orderBy(asc(s.componentGroups.position), asc(s.componentGroups.id))
      .prepare(),
    components: db
      .select({ c: s.components })
      .from(s.components)
      .leftJoin(s.componentGroups, eq(s.components.groupId, s.componentGroups.id))
      .orderBy(
        sql`coalesce(${s.componentGroups.position}, ${s.components.position})`,
        sql`${s.componentGroups.id} is not null`,
        asc(s.componentGroups.id),
        asc(s.components.position),
        asc(s.components.id),
      )
      .prepare(),
    session: db
      .select()
      .from(s.sessions)
      .where(eq(s.sessions.id, sql.placeholder('id')))
      .prepare(),
    user: db
      .select()
      .from(s.users)
      .where(eq(s.users.id, sql.placeholder('id')))
      .prepare(),
    token: db
      .select()
      .from(s.apiTokens)
      .where(eq(s.apiTokens.tokenHash, sql.placeholder('hash')))
      .prepare(),
  }

  const writeQueries = (change: Change): WriteQuery[] => {
    switch (change.type) {
      case 'settings.put': {
        const row = { id: 1, ...change.settings }
        return [
          db
            .insert(s.pageSettings)
            .values(row)
            .onConflictDoUpdate({ target: s.pageSettings.id, set: change.settings }),
        ]
      }
      case 'group.insert':
        return [db.insert(s.componentGroups).values(change.group)]
      case 'group.update':
        return [
          db
            .update(s.componentGroups)
            .set(change.group)
            .where(eq(s.componentGroups.id, change.group.id)),
        ]
      case 'group.delete':
        return [
          db.update(s.components).set({ groupId: null }).where(eq(s.components.groupId, change.id)),
          db.delete(s.componentGroups).where(eq(s.componentGroups.id, change.id)),
        ]
      case 'component.insert':
        return [db.insert(s.components).values(change.component)]
      case 'component.update':
        return [
          db
            .update(s.components)
            .set(change.component)
            .where(eq(s.components.id, change.component.id)),
        ]
      case 'component.delete':
        return [
          db
            .delete(s.componentStatusChanges)
            .where(eq(s.componentStatusChanges.componentId, change.id)),
          db.delete(s.incidentComponents).where(eq(s.incidentComponents.componentId, change.id)),
          db.delete(s.components).where(eq(s.components.id, change.id)),
        ]
      case 'statusChange.insert':
        return [db.insert(s.componentStatusChanges).values(change.change)]
      case 'incident.insert':
      case 'incident.update': {
        const inc = change.incident
        const head =
          change.type === 'incident.insert'
            ? [db.insert(s.incidents).values(incidentRow(inc))]
            : [
                db.update(s.incidents).set(incidentRow(inc)).where(eq(s.incidents.id, inc.id)),
                db.delete(s.incidentComponents).where(eq(s.incidentComponents.incidentId, inc.id)),
              ]
        const links = chunks(inc.componentIds, CHUNK / 2).map((ids) =>
          db
            .insert(s.incidentComponents)
            .values(ids.map((componentId) => ({ incidentId: inc.id, componentId }))),
        )
        return [...head, ...links]
      }
      case 'incident.delete':
        return [
          db.delete(s.incidentEvents).where(eq(s.incidentEvents.incidentId, change.id)),
          db.delete(s.incidentComponents).where(eq(s.incidentComponents.incidentId, change.id)),
          db.delete(s.incidents).where(eq(s.incidents.id, change.id)),
        ]
      case 'event.insert':
        return [db.insert(s.incidentEvents).values(eventRow(change.event))]
      case 'event.update':
        return [
          db
            .update(s.incidentEvents)
            .set(eventRow(change.event))
            .where(eq(s.incidentEvents.id, change.event.id)),
        ]
      case 'event.delete':
        return [db.delete(s.incidentEvents).where(eq(s.incidentEvents.id, change.id))]
      case 'user.insert':
        return [db.insert(s.users).values(change.user)]
      case 'user.update':
        return [db.update(s.users).set(change.user).where(eq(s.users.id, change.user.id))]
      case 'user.delete':
        return [
          db.delete(s.sessions).where(eq(s.sessions.userId, change.id)),
          db.delete(s.apiTokens).where(eq(s.apiTokens.userId, change.id)),
          db.delete(s.users).where(eq(s.users.id, change.id)),
        ]
      case 'session.insert':
        return [db.insert(s.sessions).values(change.session)]
      case 'session.delete':
        return [db.delete(s.sessions).where(eq(s.sessions.id, change.id))]
      case 'session.deleteForUser':
        return [db.delete(s.sessions).where(eq(s.sessions.userId, change.userId))]
      case 'token.insert':
        return [db.insert(s.apiTokens).values(change.token)]
      case 'token.delete':
        return [db.delete(s.apiTokens).where(eq(s.apiTokens.id, change.id))]
      case 'token.touch':
        return [
          db
            .update(s.apiTokens)
            .set({ lastUsedAt: change.at })
            .where(eq(s.apiTokens.id, change.id)),
        ]
      case 'audit.insert':
        return [db.insert(s.auditLog).values(auditRow(change.entry))]
      case 'page.bump':
        return [
          db
            .insert(s.pageState)
            .values({ id: 1, version: 1 })
            .onConflictDoUpdate({
              target: s.pageState.id,
              set: { version: sql`${s.pageState.version} + 1` },
            }),
        ]
      default: {
        const queries =
          broadcast.writeQueries(change) ??
          maintenance.writeQueries(change) ??
          postmortem.writeQueries(change)
        if (!queries) throw new Error(`Unknown change ${(change as Change).type}`)
        return queries
      }
    }
  }

  const attachComponents = async (rows: IncidentRow[], q?: IncidentQuery): Promise<Incident[]> => {
    if (rows.length === 0) return []
    const byIncident = new Map<string, string[]>(rows.map((r) => [r.id, []]))
    const link = s.incidentComponents
    if (q && rows.length > CHUNK) {
      // Many incidents (history, uptime): one query with the same filter instead of id chunks.
      const links = await db
        .select({ incidentId: link.incidentId, componentId: link.componentId })
        .from(link)
        .innerJoin(s.incidents, eq(s.incidents.id, link.incidentId))
        .where(incidentWhere(q))
      for (const l of links) byIncident.get(l.incidentId)?.push(l.componentId)
    } else {
      for (const ids of chunks(rows.map((r) => r.id))) {
        const links = await db.select().from(link).where(inArray(link.incidentId, ids))
        for (const l of links) byIncident.get(l.incidentId)?.push(l.componentId)
      }
    }
    return rows.map((r) => ({ ...r, componentIds: byIncident.get(r.id) ?? [] }))
  }

  const incidentWhere = (q: IncidentQuery) => {
    const conds = []
    if (q.state === 'open') conds.push(isNull(s.incidents.resolvedAt))
    if (q.state === 'resolved') conds.push(isNotNull(s.incidents.resolvedAt))
    if (q.to !== undefined) conds.push(lt(s.incidents.startedAt, q.to))
    if (q.from !== undefined)
      conds.push(or(isNull(s.incidents.resolvedAt), gte(s.incidents.resolvedAt, q.from)))
    return conds.length ? and(...conds) : undefined
  }

  return {
    ...broadcast.reads,
    ...maintenance.reads,
    ...postmortem.reads,
    async commit(changes) {
      if (changes.length === 0) return
      await atomic(changes.flatMap(writeQueries))
    },

    async pageVersion() {
      const [row] = await db
        .select({ v: s.pageState.version })
        .from(s.pageState)
        .where(eq(s.pageState.id, 1))
      return row?.v ?? 0
    },

    async getSettings() {
      const [row] = await hot.settings.all()
      if (!row) return null
      const { id: _id, ...settings } = row
      return settings
    },

    async listGroups(): Promise<ComponentGroup[]> {
      return hot.groups.all()
    },
    async getGroup(id) {
      const [row] = await db.select().from(s.componentGroups).where(eq(s.componentGroups.id, id))
      return row ?? null
    },
    async listComponents(): Promise<Component[]> {
      return (await hot.components.all()).map((r) => r.c)
    },
    async getComponent(id) {
      const [row] = await db.select().from(s.components).where(eq(s.components.id, id))
      return row ?? null
    },
    async listStatusChanges(since) {
      const t = s.componentStatusChanges
      // The last change before `since` tells each component's status at the window's start: one
      // indexed lookup per component rather than a correlated subquery per historical row.
      const lastBefore = sql`${t.id} in (select (select c3.id from component_status_changes c3
        where c3.component_id = comp.id and c3.at < ${since}
        order by c3.at desc, c3.id desc limit 1) from components comp)`
      return db
        .select()
        .from(t)
        .where(or(gte(t.at, since), lastBefore))
        .orderBy(asc(t.at), asc(t.id))
    },

    async getIncident(id) {
      const rows = await db.select().from(s.incidents).where(eq(s.incidents.id, id))
      const [inc] = await attachComponents(rows)
      return inc ?? null
    },
    async listIncidents(q = {}) {
      let query = db
        .select()
        .from(s.incidents)
        .where(incidentWhere(q))
        .orderBy(
          sql`${s.incidents.resolvedAt} is not null`,
          desc(s.incidents.startedAt),
          desc(s.incidents.id),
        )
        .$dynamic()
      if (q.limit !== undefined) query = query.limit(q.limit)
      if (q.offset !== undefined) query = query.offset(q.offset)
      return attachComponents(await query, q)
    },
    async countIncidents(q = {}) {
      const [row] = await db.select({ n: count() }).from(s.incidents).where(incidentWhere(q))
      return row?.n ?? 0
    },
    async listEvents(incidentId, opts = {}) {
      const t = s.incidentEvents
      const rows = await db
        .select()
        .from(t)
        .where(
          and(
            eq(t.incidentId, incidentId),
            opts.publicOnly ? eq(t.visibility, 'public') : undefined,
          ),
        )
        .orderBy(asc(t.at), asc(t.id))
      return rows.map(toEvent)
    },
    async listEventsFor(incidentIds, opts = {}) {
      const t = s.incidentEvents
      const out: TimelineEvent[] = []
      for (const ids of chunks(incidentIds)) {
        const rows = await db
          .select()
          .from(t)
          .where(
            and(
              inArray(t.incidentId, ids),
              opts.publicOnly ? eq(t.visibility, 'public') : undefined,
            ),
          )
        out.push(...rows.map(toEvent))
      }
      return out.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    },
    async getEvent(id) {
      const [row] = await db.select().from(s.incidentEvents).where(eq(s.incidentEvents.id, id))
      return row ? toEvent(row) : null
    },

    async countUsers() {
      const [row] = await db.select({ n: count() }).from(s.users)
      return row?.n ?? 0
    },
    async listUsers() {
      return db.select().from(s.users).orderBy(asc(s.users.createdAt), asc(s.users.id))
    },
    async getUser(id) {
      const [row] = await hot.user.all({ id })
      return row ?? null
    },
    async getUserByEmail(email) {
      const [row] = await db
        .select()
        .from(s.users)
        .where(sql`lower(${s.users.email}) = ${email.toLowerCase()}`)
      return row ?? null
    },
    async getSession(id) {
      const [row] = await hot.session.all({ id })
      return row ?? null
    },
    async listTokens(): Promise<ApiToken[]> {
      return db
        .select()
        .from(s.apiTokens)
        .orderBy(desc(s.apiTokens.createdAt), desc(s.apiTokens.id))
    },
    async getTokenByHash(hash) {
      const [row] = await hot.token.all({ hash })
      return row ?? null
    },

    async listAudit(q = {}) {
      const rows = await db
        .select()
        .from(s.auditLog)
        .where(q.before ? lt(s.auditLog.id, q.before) : undefined)
        .orderBy(desc(s.auditLog.id))
        .limit(q.limit ?? 50)
      return rows.map((r) => ({
        ...r,
        before: r.before === null ? null : JSON.parse(r.before),
        after: r.after === null ? null : JSON.parse(r.after),
      }))
    },

    async hitRateLimit(key, windowMs, now) {
      const windowStart = now - (now % windowMs)
      const [row] = await db
        .insert(s.rateLimits)
        .values({ key, windowStart, count: 1 })
        .onConflictDoUpdate({
          target: s.rateLimits.key,
          set: {
            count: sql`case when ${s.rateLimits.windowStart} = excluded.window_start then ${s.rateLimits.count} + 1 else 1 end`,
            windowStart: sql`excluded.window_start`,
          },
        })
        .returning({ count: s.rateLimits.count })
      return row?.count ?? 1
    },
    async clearRateLimit(key) {
      await db.delete(s.rateLimits).where(eq(s.rateLimits.key, key))
    },
  }
}
