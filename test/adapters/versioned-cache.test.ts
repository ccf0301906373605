import { afterEach, describe, expect, it } from 'vitest'
import { withPageInvalidation, withPageVersion } from '../../src/app/invalidating-store.ts'
import type { CachedPage } from '../../src/app/ports.ts'
import { createMemoryPageCache } from '../../src/adapters/cache/memory.ts'
import { createVersionedPageCache } from '../../src/adapters/cache/versioned.ts'
import { createTestApp, type TestApp } from '../support/app.ts'

// Workers run many isolates, each with its own page cache. Two "isolates" share one real database
// here: a public write through one must make the other's cached page stale.

let t: TestApp
afterEach(() => t?.close())

const page = (body: string): CachedPage => ({
  etag: `"${body}"`,
  contentType: 'text/html',
  body: new TextEncoder().encode(body),
  renderedAt: 0,
})

function isolate(store: TestApp['deps']['store'], clock: { now: number }) {
  const cache = createVersionedPageCache(createMemoryPageCache(), () => store.pageVersion(), {
    checkEveryMs: 1000,
    now: () => clock.now,
  })
  return { cache, store: withPageInvalidation(withPageVersion(store), cache) }
}

describe('versioned page cache (cross-isolate invalidation)', () => {
  it("drops another isolate's cached page once a public write bumps the shared version", async () => {
    t = createTestApp()
    const clock = { now: 0 }
    const a = isolate(t.database.store, clock)
    const b = isolate(t.database.store, clock)
    expect(await b.cache.get('/')).toBeNull()
    await b.cache.set('/', page('old'))
    expect(new TextDecoder().decode((await b.cache.get('/'))!.body)).toBe('old')

    await a.store.commit([
      {
        type: 'group.insert',
        group: {
          id: 'g1',
          name: 'Core',
          description: null,
          position: 1,
          collapsed: false,
          createdAt: 0,
          updatedAt: 0,
        },
      },
    ])
    expect(await t.database.store.pageVersion()).toBe(1)
    // Within the check interval B still serves its copy; after it, B sees the new version.
    expect(await b.cache.get('/')).not.toBeNull()
    clock.now += 1000
    expect(await b.cache.get('/')).toBeNull()
  })

  it('leaves every cache alone for private writes', async () => {
    t = createTestApp()
    const clock = { now: 0 }
    const a = isolate(t.database.store, clock)
    const b = isolate(t.database.store, clock)
    await b.cache.get('/')
    await b.cache.set('/', page('kept'))
    await a.store.commit([{ type: 'token.touch', id: 'none', at: 1 }])
    clock.now += 5000
    expect(await t.database.store.pageVersion()).toBe(0)
    expect(await b.cache.get('/')).not.toBeNull()
  })
})
