import type { CachedPage, PageCache } from '../../app/ports.ts'

// A page cache for runtimes with many isolates (Workers): each isolate keeps its own rendered
// pages, tagged with the shared page version read from the database when they were rendered. A
// write in any isolate bumps that version (withPageVersion), so every other isolate's next request
// sees its copy is stale and renders afresh. Cost: one small read per request, at most every
// `checkEveryMs` per isolate.

export function createVersionedPageCache(
  inner: PageCache,
  readVersion: () => Promise<number>,
  opts: { checkEveryMs?: number; now?: () => number } = {},
): PageCache {
  const checkEveryMs = opts.checkEveryMs ?? 1000
  const now = opts.now ?? (() => Date.now())
  const tags = new Map<string, number>()
  let known = -1
  let checkedAt = -Infinity
  const current = async () => {
    if (now() - checkedAt >= checkEveryMs) {
      const version = await readVersion()
      checkedAt = now()
      if (version !== known) {
        // Another isolate wrote: everything rendered before is stale.
        if (known !== -1) {
          await inner.invalidate()
          tags.clear()
        }
        known = version
      }
    }
    return known
  }
  return {
    async get(key) {
      const version = await current()
      const tag = tags.get(key)
      if (tag === undefined || tag !== version) return null
      return inner.get(key)
    },
    async set(key: string, page: CachedPage) {
      tags.set(key, known)
      await inner.set(key, page)
    },
    async invalidate() {
      tags.clear()
      checkedAt = -Infinity
      await inner.invalidate()
    },
  }
}
