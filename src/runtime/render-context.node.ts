import { jsx } from 'hono/jsx/jsx-runtime'

/*
 * Hono's JSX renders each tree inside an AsyncLocalStorage when the runtime offers one, so that
 * useContext() still finds a provided value after an `await` in an async component. On Node 20
 * an AsyncLocalStorage switches async hooks on for the whole process, for good: from then on every
 * promise, timer and process.nextTick carries the store along, including the handful of ticks
 * behind each answer of the page lane and every await of a delivery.
 *
 * Herald's views read no JSX context (no createContext or useContext: lint keeps it that way in
 * src/http and views), so the Node runtime lets Hono find no AsyncLocalStorage. Hono looks for one
 * once, on its first render, and keeps the answer; that first render is made here, at start-up,
 * with `node:async_hooks` hidden from Hono's lookup, which is restored at once. Nothing else
 * changes: a render that never reads context is the same string either way.
 *
 * Measured (BENCHMARKS.md, session 6): 3-4 % less CPU per cached answer in paired runs, more on
 * the await-heavy app path.
 */

let settled = false

/**
 * Makes Hono's first JSX render without AsyncLocalStorage. Call before anything renders; a no-op
 * afterwards (once Hono has looked, its choice stands for the life of the process).
 */
export function renderWithoutAsyncContext(): void {
  if (settled) return
  settled = true
  const lookup = process.getBuiltinModule
  if (typeof lookup !== 'function') return
  const hidden = ((id: string) =>
    id === 'node:async_hooks' || id === 'async_hooks'
      ? undefined
      : lookup.call(process, id)) as typeof process.getBuiltinModule
  process.getBuiltinModule = hidden
  try {
    String(jsx('i', {}))
  } finally {
    process.getBuiltinModule = lookup
  }
}
