import { afterEach, describe, expect, it } from 'vitest'
import { withPageInvalidation, withPageVersion } from '../../src/app/invalidating-store.ts'
import type { CachedPage, Store } from '../../src/app/ports.ts'
import { createMemoryPageCache } from '../../src/adapters/cache/memory.ts'
import { createVersionedPageCache } from '../../src/adapters/cache/versioned.ts'
import { createD1Store } from '../../src/adapters/storage/d1.worker.ts'
import { openTestD1, type TestD1 } from '../support/d1.ts'

// Cross-isolate invalidation on D1 (workerd's, through miniflare, drizzle/'s migrations applied):
// each isolate keeps its own page cache, composed as src/runtime/worker.ts composes it, and a
// public write through one isolate bumps the shared page version in the same D1 batch, so the
// other drops its copy within the check interval. A write set that fails bumps nothing.

let db: TestD1 | undefined
afterEach(async () => {
  await db?.close()
  db = undefined
})

const page = (body: string): CachedPage => ({
  etag: `"${body}"`,
  contentType: 'text/html',
  body: new TextEncoder().encode(body),
  renderedAt: 0,
})

function isolate(raw: Store, clock: { now: number }) {
  const cache = createVersionedPageCache(createMemoryPageCache(), () => raw.pageVersion(), {
    checkEveryMs: 1000,
    now: () => clock.now,
  })
  return { cache, store: withPageInvalidation(withPageVersion(raw), cache) }
}

const group = (id: string) => ({
  type: 'group.insert' as const,
  group: {
    id,
    name: `Group ${id}`,
    description: null,
    position: 1,
    collapsed: false,
    createdAt: 0,
    updatedAt: 0,
  },
})

describe('versioned page cache on D1 (cross-isolate invalidation)', () => {
  it("drops another isolate's cached page once a public write bumps the version in D1", async () => {
    db = await openTestD1()
    const clock = { now: 0 }
    // Two isolates, each with its own D1 binding to the same database.
    const a = isolate(createD1Store(db.d1), clock)
    const b = isolate(createD1Store(db.d1), clock)
    expect(await b.cache.get('/')).toBeNull()
    await b.cache.set('/', page('old'))

    await a.store.commit([group('g1')])
    expect(await createD1Store(db.d1).pageVersion()).toBe(1)
    // Within the check interval B still serves its copy; after it, B reads the new version.
    expect(await b.cache.get('/')).not.toBeNull()
    clock.now += 1000
    expect(await b.cache.get('/')).toBeNull()
  })

  it('bumps nothing when the write set fails, so no cache is dropped for a write that did not happen', async () => {
    db = await openTestD1()
    const clock = { now: 0 }
    const a = isolate(createD1Store(db.d1), clock)
    const b = isolate(createD1Store(db.d1), clock)
    await a.store.commit([group('g1')])
    clock.now += 1000
    await b.cache.get('/')
    await b.cache.set('/', page('current'))

    // The duplicate id fails the batch; the version bump rides in it and rolls back too.
    await expect(a.store.commit([group('g2'), group('g1')])).rejects.toThrow()
    expect(await createD1Store(db.d1).pageVersion()).toBe(1)
    clock.now += 5000
    expect(new TextDecoder().decode((await b.cache.get('/'))!.body)).toBe('current')
  })

  it('leaves every cache alone for private writes', async () => {
    db = await openTestD1()
    const clock = { now: 0 }
    const a = isolate(createD1Store(db.d1), clock)
    const b = isolate(createD1Store(db.d1), clock)
    await b.cache.get('/')
    await b.cache.set('/', page('kept'))
    await a.store.commit([{ type: 'token.touch', id: 'none', at: 1 }])
    clock.now += 5000
    expect(await createD1Store(db.d1).pageVersion()).toBe(0)
    expect(await b.cache.get('/')).not.toBeNull()
  })
})
