import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { drizzle } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import type { Store } from '../../app/ports.ts'
import { createNodeAtomic } from './atomic.node.ts'
import { createDrizzleStore } from './drizzle-store.ts'
import * as schema from './schema.ts'

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../drizzle', import.meta.url))

export interface NodeDatabase {
  sqlite: Database.Database
  store: Store
  close(): void
}

/** Opens (creating if needed) a SQLite file or ':memory:', applies migrations, returns the store. */
export function openNodeDatabase(path: string, opts: { migrate?: boolean } = {}): NodeDatabase {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const sqlite = new Database(path)
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('synchronous = NORMAL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('busy_timeout = 5000')
  const db = drizzle(sqlite, { schema })
  if (opts.migrate !== false) migrate(db, { migrationsFolder: MIGRATIONS_DIR })
  return {
    sqlite,
    store: createDrizzleStore(db, createNodeAtomic(sqlite)),
    close: () => sqlite.close(),
  }
}
