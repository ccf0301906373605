import type { Change, PageCache, Store } from './ports.ts'

// Writes that cannot change public output (sign-ins, token use, the audit log) keep the cache, so a
// busy API client or a login does not force every open page to re-render.
const PRIVATE_CHANGES = new Set<Change['type']>([
  'user.insert',
  'user.update',
  'user.delete',
  'session.insert',
  'session.delete',
  'session.deleteForUser',
  'token.insert',
  'token.delete',
  'token.touch',
  'audit.insert',
])

/**
 * Every committed write drops the rendered-page cache, so the public page is never staler than the
 * last write (the TTL only bounds how long time-dependent output such as "today" may live).
 */
export function withPageInvalidation(store: Store, cache: PageCache): Store {
  return {
    ...store,
    async commit(changes) {
      await store.commit(changes)
      if (changes.some((c) => !PRIVATE_CHANGES.has(c.type))) await cache.invalidate()
    },
  }
}
