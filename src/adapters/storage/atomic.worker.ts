import type { DrizzleD1Database } from 'drizzle-orm/d1'
import type { RunAtomic, WriteQuery } from './drizzle-store.ts'
import type * as schema from './schema.ts'

// D1 has no interactive transactions: a batch is its only atomic unit (the statements run in one
// implicit transaction and a failing one rolls back the rest), which is why use cases hand storage
// one write set instead of writing as they go.
export function createD1Atomic(db: DrizzleD1Database<typeof schema>): RunAtomic {
  return async (queries: WriteQuery[]) => {
    const [first, ...rest] = queries
    if (first === undefined) return
    await db.batch([first, ...rest])
  }
}
