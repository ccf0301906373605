import { parseConfig, type Config } from '../../src/config.ts'
import { createFixedClock, createSequentialIds } from '../../src/adapters/system.ts'
import { createNodeApp, createNodeDeps } from '../../src/runtime/node.ts'

// A real app on a real (in-memory) SQLite database. The only stand-ins are the fixed clock and
// sequential ids, and a cheaper scrypt cost so that tests that create users stay fast.
export const TEST_NOW = Date.UTC(2026, 10, 22, 12, 0, 0)
export const TEST_SCRYPT = { logN: 10, r: 8, p: 1 }

export function createTestApp(opts: { now?: number; env?: Record<string, string> } = {}) {
  const clock = createFixedClock(opts.now ?? TEST_NOW)
  const config: Config = parseConfig({
    DATABASE_PATH: ':memory:',
    LOG_LEVEL: 'silent',
    ...opts.env,
  })
  const { deps, database } = createNodeDeps(config, {
    clock,
    ids: createSequentialIds(),
    scrypt: TEST_SCRYPT,
  })
  const app = createNodeApp(deps)
  const close = () => {
    // The SMTP pool and the webhook agent keep connections open; tests must not wait on them.
    void deps.mailer.close?.()
    void deps.http.close?.()
    database.close()
  }
  return { app, deps, clock, database, close }
}

export type TestApp = ReturnType<typeof createTestApp>
