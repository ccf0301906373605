import type Database from 'better-sqlite3'
import type { RunAtomic, WriteQuery } from './drizzle-store.ts'

// better-sqlite3 rolls a transaction back only when its callback is synchronous and throws, so
// the write set is built beforehand and run here without any await in between.
export function createNodeAtomic(sqlite: Database.Database): RunAtomic {
  return async (queries: WriteQuery[]) => {
    sqlite.transaction(() => {
      for (const q of queries) q.run()
    })()
  }
}
