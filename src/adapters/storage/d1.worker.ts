import type { D1Database } from '@cloudflare/workers-types'
import { drizzle } from 'drizzle-orm/d1'
import type { Store } from '../../app/ports.ts'
import { createD1Atomic } from './atomic.worker.ts'
import { createDrizzleStore } from './drizzle-store.ts'
import * as schema from './schema.ts'
import { createSweeper, type Sweeper } from './sweep.ts'

// Migrations are applied by wrangler (`wrangler d1 migrations apply DB`), never from the Worker.

/** The store on a D1 binding. */
export function createD1Store(d1: D1Database): Store {
  const db = drizzle(d1, { schema })
  return createDrizzleStore(db, createD1Atomic(d1))
}

/** Housekeeping deletes (expired sessions, stale rate-limit counters) on a D1 binding. */
export function createD1Sweeper(d1: D1Database): Sweeper {
  return createSweeper(drizzle(d1, { schema }))
}
