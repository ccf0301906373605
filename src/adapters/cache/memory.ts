import type { CachedPage, PageCache } from '../../app/ports.ts'

// One process, one cache: every committed write drops it (see runtime wiring).
export function createMemoryPageCache(maxEntries = 500): PageCache {
  const entries = new Map<string, CachedPage>()
  return {
    async get(key) {
      return entries.get(key) ?? null
    },
    peek(key) {
      return entries.get(key) ?? null
    },
    async set(key, page) {
      if (entries.size >= maxEntries) {
        const oldest = entries.keys().next().value
        if (oldest !== undefined) entries.delete(oldest)
      }
      entries.set(key, page)
    },
    async invalidate() {
      entries.clear()
    },
  }
}
