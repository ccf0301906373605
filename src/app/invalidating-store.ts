import type { PageCache, Store } from './ports.ts'

/**
 * Every committed write drops the rendered-page cache, so the public page is never staler than the
 * last write (the TTL only bounds how long time-dependent output such as "today" may live).
 */
export function withPageInvalidation(store: Store, cache: PageCache): Store {
  return {
    ...store,
    async commit(changes) {
      await store.commit(changes)
      if (changes.length) await cache.invalidate()
    },
  }
}
