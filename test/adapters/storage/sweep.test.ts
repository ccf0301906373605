import { drizzle as drizzleSqlite } from 'drizzle-orm/better-sqlite3'
import { describe, expect, it } from 'vitest'
import type { Store } from '../../../src/app/ports.ts'
import { createD1Store, createD1Sweeper } from '../../../src/adapters/storage/d1.worker.ts'
import * as schema from '../../../src/adapters/storage/schema.ts'
import { openNodeDatabase } from '../../../src/adapters/storage/sqlite.node.ts'
import { createSweeper, type Sweeper } from '../../../src/adapters/storage/sweep.ts'
import { openTestD1 } from '../../support/d1.ts'

// The sweeps run on both drivers: from the Worker's cron on D1, and later on Node.
interface Opened {
  store: Store
  sweeper: Sweeper
  close(): Promise<void> | void
}

const drivers: [string, () => Promise<Opened>][] = [
  [
    'better-sqlite3',
    async () => {
      const db = openNodeDatabase(':memory:')
      return {
        store: db.store,
        sweeper: createSweeper(drizzleSqlite(db.sqlite, { schema })),
        close: () => db.close(),
      }
    },
  ],
  [
    'D1 (miniflare)',
    async () => {
      const { d1, close } = await openTestD1()
      return { store: createD1Store(d1), sweeper: createD1Sweeper(d1), close }
    },
  ],
]

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0)
const HOUR = 3_600_000

describe.each(drivers)('housekeeping sweeps on %s', (_name, open) => {
  async function withDb(fn: (db: Opened) => Promise<void>) {
    const db = await open()
    try {
      await fn(db)
    } finally {
      await db.close()
    }
  }

  it('deletes sessions that have expired, including one expiring this instant, and keeps live ones', () =>
    withDb(async ({ store, sweeper }) => {
      const session = (id: string, expiresAt: number) => ({
        type: 'session.insert' as const,
        session: {
          id,
          userId: 'u1',
          csrfToken: `csrf-${id}`,
          createdAt: NOW - 10 * HOUR,
          expiresAt,
        },
      })
      await store.commit([
        {
          type: 'user.insert',
          user: {
            id: 'u1',
            email: 'ada@example.com',
            name: 'Ada',
            role: 'owner',
            passwordHash: 'x',
            createdAt: NOW - 20 * HOUR,
          },
        },
        session('old', NOW - HOUR),
        session('edge', NOW),
        session('live', NOW + 1),
      ])
      expect(await sweeper.expiredSessions(NOW)).toBe(2)
      expect(await store.getSession('old')).toBeNull()
      expect(await store.getSession('edge')).toBeNull()
      expect((await store.getSession('live'))?.userId).toBe('u1')
      expect(await sweeper.expiredSessions(NOW)).toBe(0)
    }))

  it('forgets rate-limit counters whose window has ended and keeps counting in the current one', () =>
    withDb(async ({ store, sweeper }) => {
      const w = 15 * 60_000
      const windowStart = NOW - (NOW % w)
      await store.hitRateLimit('ended', w, windowStart - 1)
      await store.hitRateLimit('current', w, windowStart + 1)
      await store.hitRateLimit('current', w, windowStart + 2)
      expect(await sweeper.staleRateLimits(windowStart + 3, w)).toBe(1)
      // The current window's count survives: the next hit is the third, not a fresh first.
      expect(await store.hitRateLimit('current', w, windowStart + 4)).toBe(3)
      expect(await store.hitRateLimit('ended', w, windowStart + 5)).toBe(1)
      // Once the current window has ended too, nothing is left.
      expect(await sweeper.staleRateLimits(windowStart + w, w)).toBe(2)
    }))
})
