import type { D1Database } from '@cloudflare/workers-types'
import type { RunAtomic, WriteQuery } from './drizzle-store.ts'

// D1 has no interactive transactions: a batch is its only atomic unit (the statements run in one
// implicit transaction and a failing one rolls back the rest), which is why use cases hand storage
// one write set instead of writing as they go.
//
// The statements go to D1's own batch() rather than drizzle's: drizzle-orm 0.45's D1 batch cannot
// bind the parameters of a raw `sql` statement (drizzle-orm#2277, "Cannot read properties of
// undefined (reading 'bind')"), and expanding a broadcast is one. Same SQL, same parameters.
// A statement with RETURNING answers its rows in its own result.
export function createD1Atomic(d1: D1Database): RunAtomic {
  return async (queries: WriteQuery[]) => {
    if (queries.length === 0) return []
    const statements = queries.map((q) => {
      const { sql, params } = (typeof q.toSQL === 'function' ? q.toSQL() : q.getQuery()) as {
        sql: string
        params: unknown[]
      }
      return d1.prepare(sql).bind(...params)
    })
    return (await d1.batch(statements)).map((r) => (r.results ?? []) as unknown[])
  }
}
