import type { Change, JobSignal, LiveHub, PageCache, Store } from './ports.ts'

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
  // Broadcast bookkeeping never shows on the public page.
  'subscriber.insert',
  'subscriber.update',
  'subscriber.delete',
  'broadcast.insert',
  'broadcast.expand',
  'delivery.settle',
  'delivery.delivered',
  'delivery.replay',
  'subscriber.outcome',
  'mail.capture',
  'page.bump',
])

/** True when a change can alter public output (the page, feeds, the v2 API, badges). */
export const isPublicChange = (c: Change) => !PRIVATE_CHANGES.has(c.type)

/**
 * Workers: every public write also bumps the shared page version, in the same write set, so that
 * other isolates notice their cached pages are stale (see adapters/cache/versioned.ts).
 */
export function withPageVersion(store: Store): Store {
  return {
    ...store,
    commit(changes) {
      return store.commit(
        changes.some(isPublicChange) ? [...changes, { type: 'page.bump' }] : changes,
      )
    },
  }
}

/**
 * Every committed write drops the rendered-page cache, so the public page is never staler than the
 * last write (the TTL only bounds how long time-dependent output such as "today" may live).
 */
export function withPageInvalidation(store: Store, cache: PageCache, live?: LiveHub): Store {
  return {
    ...store,
    async commit(changes) {
      await store.commit(changes)
      if (changes.some((c) => !PRIVATE_CHANGES.has(c.type))) {
        await cache.invalidate()
        // Open pages fetch the page again (rendered once, then served from the cache).
        live?.publish()
      }
    },
  }
}

/**
 * For a single process that sees every write (Node): keeps the results of the large reads behind
 * the uptime bars (status history, incidents in the window) until the next public write. A
 * time-based re-render of the page then needs no SQL, which keeps it from stalling requests.
 * Not for Workers, where another isolate's write would not clear it. Callers must not mutate
 * the returned arrays.
 */
export function withReadCache(store: Store): Store {
  let memo = new Map<string, Promise<unknown>>()
  const remember = <T>(key: string, read: () => Promise<T>): Promise<T> => {
    let hit = memo.get(key) as Promise<T> | undefined
    if (!hit) {
      const generation = memo
      hit = read()
      generation.set(key, hit)
      // A failed read is not remembered.
      hit.catch(() => generation.delete(key))
    }
    return hit
  }
  return {
    ...store,
    async commit(changes) {
      await store.commit(changes)
      if (changes.some((c) => !PRIVATE_CHANGES.has(c.type))) memo = new Map()
    },
    listStatusChanges: (since) =>
      remember(`changes:${since}`, () => store.listStatusChanges(since)),
    listIncidents: (query = {}) =>
      query.from === undefined
        ? store.listIncidents(query)
        : remember(`incidents:${JSON.stringify(query)}`, () => store.listIncidents(query)),
  }
}

/** Tells the delivery worker about broadcasts as soon as the write that created them commits. */
export function withJobSignal(store: Store, jobs: JobSignal): Store {
  return {
    ...store,
    async commit(changes) {
      await store.commit(changes)
      const ids: string[] = []
      let replayed = false
      for (const c of changes) {
        if (c.type === 'broadcast.insert') ids.push(c.broadcast.id)
        if (c.type === 'delivery.replay') replayed = true
      }
      // Replayed deliveries are due now: an empty signal just wakes the worker.
      if (ids.length || replayed) await jobs.broadcastsCreated(ids)
    },
  }
}
