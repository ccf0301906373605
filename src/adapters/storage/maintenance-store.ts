import { and, asc, desc, eq, inArray, isNotNull, isNull, lte, or, sql, type SQL } from 'drizzle-orm'
import type { Change, Store } from '../../app/ports.ts'
import type { ComponentStatus } from '../../domain/enums.ts'
import type { Maintenance } from '../../domain/types.ts'
import type { SqliteDb, WriteQuery } from './drizzle-store.ts'
import * as s from './schema.ts'

// Scheduled maintenance: the row, its component links and its own timeline of updates.

type Row = typeof s.maintenances.$inferSelect
const CHUNK = 90

function row(m: Maintenance): typeof s.maintenances.$inferInsert {
  const { componentIds: _c, restore, ...rest } = m
  return { ...rest, restore: JSON.stringify(restore) }
}

export function createMaintenanceStore(db: SqliteDb) {
  const attach = async (rows: Row[]): Promise<Maintenance[]> => {
    if (rows.length === 0) return []
    const byId = new Map<string, string[]>(rows.map((r) => [r.id, []]))
    const ids = rows.map((r) => r.id)
    for (let i = 0; i < ids.length; i += CHUNK) {
      const links = await db
        .select()
        .from(s.maintenanceComponents)
        .where(inArray(s.maintenanceComponents.maintenanceId, ids.slice(i, i + CHUNK)))
      for (const l of links) byId.get(l.maintenanceId)?.push(l.componentId)
    }
    return rows.map((r) => ({
      ...r,
      restore: JSON.parse(r.restore) as Record<string, ComponentStatus>,
      componentIds: byId.get(r.id) ?? [],
    }))
  }
  const links = (m: Maintenance): WriteQuery[] =>
    m.componentIds.length
      ? [
          db
            .insert(s.maintenanceComponents)
            .values(m.componentIds.map((componentId) => ({ maintenanceId: m.id, componentId }))),
        ]
      : []

  const writeQueries = (change: Change): WriteQuery[] | null => {
    switch (change.type) {
      case 'maintenance.insert':
        return [
          db.insert(s.maintenances).values(row(change.maintenance)),
          ...links(change.maintenance),
        ]
      case 'maintenance.update':
        return [
          db
            .update(s.maintenances)
            .set(row(change.maintenance))
            .where(eq(s.maintenances.id, change.maintenance.id)),
          db
            .delete(s.maintenanceComponents)
            .where(eq(s.maintenanceComponents.maintenanceId, change.maintenance.id)),
          ...links(change.maintenance),
        ]
      case 'maintenance.delete':
        return [db.delete(s.maintenances).where(eq(s.maintenances.id, change.id))]
      case 'maintenanceUpdate.insert':
        return [db.insert(s.maintenanceUpdates).values(change.update)]
      default:
        return null
    }
  }

  const m = s.maintenances
  const reads = {
    async getMaintenance(id: string) {
      return (await attach(await db.select().from(m).where(eq(m.id, id))))[0] ?? null
    },
    async listMaintenances(q: { state: 'upcoming' | 'active' | 'past' | 'all'; limit?: number }) {
      let where: SQL | undefined
      let order = [desc(m.scheduledFor), desc(m.id)]
      if (q.state === 'upcoming') {
        where = and(eq(m.status, 'scheduled'), isNull(m.cancelledAt))
        order = [asc(m.scheduledFor), asc(m.id)]
      } else if (q.state === 'active') {
        where = and(inArray(m.status, ['in_progress', 'verifying']), isNull(m.cancelledAt))
        order = [asc(m.scheduledFor), asc(m.id)]
      } else if (q.state === 'past') where = or(eq(m.status, 'completed'), isNotNull(m.cancelledAt))
      const rows = await db
        .select()
        .from(m)
        .where(where)
        .orderBy(...order)
        .limit(q.limit ?? 50)
      return attach(rows)
    },
    async listMaintenanceUpdates(ids: string[]) {
      const out = []
      for (let i = 0; i < ids.length; i += CHUNK) {
        out.push(
          ...(await db
            .select()
            .from(s.maintenanceUpdates)
            .where(inArray(s.maintenanceUpdates.maintenanceId, ids.slice(i, i + CHUNK)))
            .orderBy(asc(s.maintenanceUpdates.at), asc(s.maintenanceUpdates.id))),
        )
      }
      return out
    },
    async listDueMaintenances(now: number, reminderMs: number) {
      const rows = await db
        .select()
        .from(m)
        .where(
          and(
            isNull(m.cancelledAt),
            or(
              and(eq(m.status, 'scheduled'), eq(m.autoStart, true), lte(m.scheduledFor, now)),
              and(
                inArray(m.status, ['in_progress', 'verifying']),
                eq(m.autoComplete, true),
                lte(m.scheduledUntil, now),
              ),
              reminderMs > 0
                ? and(
                    eq(m.status, 'scheduled'),
                    eq(m.notify, true),
                    isNull(m.reminderSentAt),
                    lte(m.scheduledFor, sql`${now + reminderMs}`),
                  )
                : undefined,
            ),
          ),
        )
        .orderBy(asc(m.scheduledFor), asc(m.id))
        .limit(100)
      return attach(rows)
    },
  } satisfies Partial<Store>
  return { writeQueries, reads }
}
