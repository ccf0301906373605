import type Database from 'better-sqlite3'
import type { RunAtomic, WriteQuery } from './drizzle-store.ts'

// better-sqlite3 rolls a transaction back only when its callback is synchronous and throws, so
// the write set is built beforehand and run here without any await in between. A statement that
// returns rows (RETURNING) comes as `{ rows() }`.
export function createNodeAtomic(sqlite: Database.Database): RunAtomic {
  return async (queries: WriteQuery[]) =>
    sqlite.transaction(() =>
      queries.map((q): unknown[] => {
        if (typeof q.rows === 'function') return q.rows() as unknown[]
        q.run()
        return []
      }),
    )()
}
