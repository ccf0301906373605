import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { D1Database } from '@cloudflare/workers-types'
import { Miniflare } from 'miniflare'
import { MIGRATIONS_DIR } from '../../src/adapters/storage/sqlite.node.ts'

// A real local D1 database (workerd's, through miniflare) with the migrations from drizzle/ applied,
// as `wrangler d1 migrations apply` would. Each call starts its own workerd (~0.5 s) so every test
// gets a fresh, empty database.

/** The statements of every migration, in order (drizzle-kit separates them with a marker). */
export function migrationStatements(dir = MIGRATIONS_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('--> statement-breakpoint'))
    .map((sql) => sql.trim())
    .filter((sql) => sql.length > 0)
}

export interface TestD1 {
  d1: D1Database
  close(): Promise<void>
}

export async function openTestD1(opts: { migrate?: boolean } = {}): Promise<TestD1> {
  const mf = new Miniflare({ modules: true, script: 'export default {}', d1Databases: ['DB'] })
  try {
    const d1 = (await mf.getD1Database('DB')) as unknown as D1Database
    if (opts.migrate !== false) await d1.batch(migrationStatements().map((sql) => d1.prepare(sql)))
    return { d1, close: () => mf.dispose() }
  } catch (err) {
    await mf.dispose()
    throw err
  }
}
