import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { D1Database } from '@cloudflare/workers-types'
import { Miniflare } from 'miniflare'
import { MIGRATIONS_DIR } from '../../src/adapters/storage/sqlite.node.ts'

// A real local D1 database (workerd's, through miniflare) with the migrations from drizzle/ applied,
// as `wrangler d1 migrations apply` would. Each call starts its own workerd (~0.5 s), so every test
// gets a fresh, empty database.
//
// The statements run on the D1 binding inside workerd; only the transport is ours. Miniflare's own
// getD1Database() proxy makes every prepare() and bind() a synchronous round trip that blocks this
// thread: a 150-statement write set then takes seconds and, on a loaded 2-core machine, regularly
// failed with "other side closed". Here statements are built locally and each all/raw/run/first/
// batch/exec call is one request to a small Worker that makes the same call on env.DB, so D1's
// own rules (bound-parameter limit, batch atomicity, type conversions, errors) all still apply.

/** The statements of every migration, in order (drizzle-kit separates them with a marker). */
export function migrationStatements(dir = MIGRATIONS_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('--> statement-breakpoint'))
    .map((sql) => sql.trim())
    .filter((sql) => sql.length > 0)
}

const D1_WORKER = `
export default {
  async fetch(request, env) {
    const { op, statements, arg } = await request.json()
    const prepare = (s) => env.DB.prepare(s.sql).bind(...s.params)
    try {
      let result
      if (op === 'batch') result = await env.DB.batch(statements.map(prepare))
      else if (op === 'exec') result = await env.DB.exec(arg)
      else result = await prepare(statements[0])[op](arg)
      return Response.json({ result: result ?? null })
    } catch (err) {
      return Response.json({ error: err instanceof Error ? err.message : String(err) })
    }
  },
}
`

type Send = (op: string, statements: Statement[], arg?: unknown) => Promise<unknown>
type Param = string | number | boolean | null

class Statement {
  constructor(
    private readonly send: Send,
    readonly sql: string,
    readonly params: Param[] = [],
  ) {}

  bind(...values: unknown[]): Statement {
    // JSON would quietly turn these into null, where D1 refuses them.
    for (const v of values) {
      const ok =
        v === null ||
        typeof v === 'string' ||
        typeof v === 'boolean' ||
        (typeof v === 'number' && Number.isFinite(v))
      if (!ok) throw new Error(`test D1: cannot send a ${typeof v} parameter (${String(v)})`)
    }
    return new Statement(this.send, this.sql, values as Param[])
  }
  all() {
    return this.send('all', [this])
  }
  raw(options?: { columnNames?: boolean }) {
    return this.send('raw', [this], options)
  }
  run() {
    return this.send('run', [this])
  }
  first(column?: string) {
    return this.send('first', [this], column)
  }
  toJSON() {
    return { sql: this.sql, params: this.params }
  }
}

export interface TestD1 {
  d1: D1Database
  close(): Promise<void>
}

export async function openTestD1(opts: { migrate?: boolean } = {}): Promise<TestD1> {
  const mf = new Miniflare({ modules: true, script: D1_WORKER, d1Databases: ['DB'] })
  try {
    const send: Send = async (op, statements, arg) => {
      const res = await mf.dispatchFetch('http://d1.test/', {
        method: 'POST',
        body: JSON.stringify({ op, statements, arg }),
      })
      const answer = (await res.json()) as { result?: unknown; error?: string }
      if (answer.error !== undefined) throw new Error(answer.error)
      return answer.result
    }
    const d1 = {
      prepare: (sql: string) => new Statement(send, sql),
      batch: (statements: Statement[]) => send('batch', statements),
      exec: (sql: string) => send('exec', [], sql),
    } as unknown as D1Database
    if (opts.migrate !== false) await d1.batch(migrationStatements().map((sql) => d1.prepare(sql)))
    let closing: Promise<void> | undefined
    // Idempotent, so a test may close early and its afterAll still runs safely.
    return { d1, close: () => (closing ??= mf.dispose()) }
  } catch (err) {
    await mf.dispose()
    throw err
  }
}
