import { lte } from 'drizzle-orm'
import type { SqliteDb } from './drizzle-store.ts'
import * as s from './schema.ts'

// Housekeeping outside any write set: rows that no read will ever accept again. Deleting them changes
// no answer, so it needs neither an audit entry nor a page-cache invalidation. Runs from the Worker's
// cron trigger (and later from the Node scheduler).

export interface Sweeper {
  /** Deletes sessions expired at `now` (the session middleware accepts only expiresAt > now). */
  expiredSessions(now: number): Promise<number>
  /**
   * Deletes rate-limit counters whose fixed window of `windowMs` has ended by `now`. Pass the longest
   * window in use: a counter of a shorter one is stale by then too.
   */
  staleRateLimits(now: number, windowMs: number): Promise<number>
}

export function createSweeper(db: SqliteDb): Sweeper {
  return {
    async expiredSessions(now) {
      const gone = await db
        .delete(s.sessions)
        .where(lte(s.sessions.expiresAt, now))
        .returning({ id: s.sessions.id })
      return gone.length
    },
    async staleRateLimits(now, windowMs) {
      const gone = await db
        .delete(s.rateLimits)
        .where(lte(s.rateLimits.windowStart, now - windowMs))
        .returning({ key: s.rateLimits.key })
      return gone.length
    },
  }
}
