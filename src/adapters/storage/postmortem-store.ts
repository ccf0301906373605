import { and, desc, eq, inArray, type SQL } from 'drizzle-orm'
import type { Change, Store } from '../../app/ports.ts'
import type { PostmortemState } from '../../domain/enums.ts'
import type { Postmortem, PostmortemTodo } from '../../domain/types.ts'
import type { SqliteDb, WriteQuery } from './drizzle-store.ts'
import * as s from './schema.ts'

// Postmortems (issue 6): one row per incident, its TODO items as a JSON column (they are only ever
// read and written with their postmortem).

type Row = typeof s.postmortems.$inferSelect
const CHUNK = 90

function toPostmortem(r: Row): Postmortem {
  return { ...r, todos: JSON.parse(r.todos) as PostmortemTodo[] }
}

function row(p: Postmortem): typeof s.postmortems.$inferInsert {
  return { ...p, todos: JSON.stringify(p.todos) }
}

export function createPostmortemStore(db: SqliteDb) {
  const t = s.postmortems

  const writeQueries = (change: Change): WriteQuery[] | null => {
    switch (change.type) {
      case 'postmortem.put': {
        const { incidentId: _id, ...rest } = row(change.postmortem)
        return [
          db
            .insert(t)
            .values(row(change.postmortem))
            .onConflictDoUpdate({ target: t.incidentId, set: rest }),
        ]
      }
      case 'postmortem.delete':
        return [db.delete(t).where(eq(t.incidentId, change.incidentId))]
      default:
        return null
    }
  }

  const reads = {
    async getPostmortem(incidentId: string) {
      const [r] = await db.select().from(t).where(eq(t.incidentId, incidentId))
      return r ? toPostmortem(r) : null
    },
    async getPostmortemByFingerprint(fingerprint: string) {
      const [r] = await db.select().from(t).where(eq(t.sourceFingerprint, fingerprint))
      return r ? toPostmortem(r) : null
    },
    async listPostmortems(q: { incidentIds?: string[]; state?: PostmortemState } = {}) {
      const byState: SQL | undefined = q.state ? eq(t.state, q.state) : undefined
      const order = [desc(t.updatedAt), desc(t.incidentId)]
      if (!q.incidentIds) {
        return (
          await db
            .select()
            .from(t)
            .where(byState)
            .orderBy(...order)
        ).map(toPostmortem)
      }
      const out: Postmortem[] = []
      // D1 binds at most 100 parameters per statement.
      for (let i = 0; i < q.incidentIds.length; i += CHUNK) {
        const ids = q.incidentIds.slice(i, i + CHUNK)
        const rows = await db
          .select()
          .from(t)
          .where(and(inArray(t.incidentId, ids), byState))
          .orderBy(...order)
        out.push(...rows.map(toPostmortem))
      }
      return out.sort((a, b) => b.updatedAt - a.updatedAt || (a.incidentId < b.incidentId ? 1 : -1))
    },
  } satisfies Partial<Store>
  return { writeQueries, reads }
}
