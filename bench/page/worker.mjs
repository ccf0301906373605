#!/usr/bin/env node
// Page benchmark on Workers (issue 3): the real Worker (wrangler.toml, src/runtime/worker.ts) under
// `wrangler dev` (local workerd, local D1), against a bare Hono "hello" Worker under `wrangler dev`
// in the same run, measured with wrk. Same data as bench/page/run.mjs: bench/page/seed.ts builds a
// SQLite file through the use cases, its rows are dumped to SQL and loaded into a local D1 that
// `wrangler d1 migrations apply` prepared from drizzle/. Prints a Markdown section for
// BENCHMARKS.md.
//
//   node bench/page/worker.mjs           # seed, load, benchmark, stop
//   node bench/page/worker.mjs --serve   # seed, load, serve on BENCH_PORT (8787) until Ctrl-C,
//                                        # for running wrk by hand
// Environment: BENCH_INCIDENTS (1000), BENCH_DURATION (10), BENCH_RUNS (3), BENCH_WARMUP (3),
// BENCH_PORT (8787, --serve only), BENCH_KEEP=1 keeps the temp folder, WRK (/usr/bin/wrk).
import { execFile, spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import Database from 'better-sqlite3'
import { register } from 'tsx/esm/api'
import {
  ACCEPT_ENCODING,
  CONNECTIONS,
  describeResponse,
  environment,
  fmtInt,
  fmtMs,
  freePort,
  median,
  probe,
  sleep,
  THREADS,
  WRK,
  wrk,
} from './common.mjs'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const WRANGLER = join(ROOT, 'node_modules', '.bin', 'wrangler')
const DURATION = Number(process.env.BENCH_DURATION ?? 10)
const RUNS = Number(process.env.BENCH_RUNS ?? 3)
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3)
const INCIDENTS = Number(process.env.BENCH_INCIDENTS ?? 1000)
const SERVE = process.argv.includes('--serve')
const SERVE_PORT = Number(process.env.BENCH_PORT ?? 8787)
const run = promisify(execFile)
const WRANGLER_ENV = { ...process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false' }

const log = (msg) => console.error(`[bench:worker] ${msg}`)

// Everything started here runs in its own process group (wrangler starts workerd), so it is
// stopped as a whole, and only what this script started.
const groups = new Set()
let workDir
function cleanup() {
  for (const pid of groups) {
    try {
      process.kill(-pid, 'SIGKILL')
    } catch {
      // Already gone.
    }
  }
  groups.clear()
  if (workDir && !process.env.BENCH_KEEP) rmSync(workDir, { recursive: true, force: true })
}
process.on('exit', cleanup)
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'])
  process.once(signal, () => {
    console.error(`\n${signal}: stopping`)
    process.exit(130)
  })

// --- loading the seeded SQLite file into local D1 -------------------------------------------

const quote = (v) => {
  if (v === null || v === undefined) return 'NULL'
  if (typeof v === 'number' || typeof v === 'bigint') return String(v)
  if (Buffer.isBuffer(v)) return `X'${v.toString('hex')}'`
  return `'${String(v).replaceAll("'", "''")}'`
}

/**
 * The rows of every table of the seeded database as INSERT statements, tables in the order the
 * migrations created them (parents before children). Drizzle's own bookkeeping stays out: D1 keeps
 * its own (d1_migrations), already filled by `wrangler d1 migrations apply`.
 */
function dumpRows(dbPath) {
  const db = new Database(dbPath, { readonly: true })
  try {
    const tables = db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' " +
          "AND name NOT LIKE '\\_\\_%' ESCAPE '\\' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' " +
          "AND name <> 'd1_migrations' ORDER BY rowid",
      )
      .all()
      .map((r) => r.name)
    const lines = ['PRAGMA defer_foreign_keys = true;']
    let rows = 0
    for (const table of tables) {
      const columns = db
        .prepare(`SELECT name FROM pragma_table_info(?)`)
        .all(table)
        .map((c) => c.name)
      const head = `INSERT OR REPLACE INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES `
      let batch = []
      const flush = () => {
        if (batch.length) lines.push(head + batch.join(', ') + ';')
        batch = []
      }
      for (const row of db.prepare(`SELECT * FROM "${table}"`).raw().iterate()) {
        batch.push(`(${row.map(quote).join(', ')})`)
        rows++
        // Keeps each statement well under D1's statement size limit.
        if (batch.length >= 50) flush()
      }
      flush()
    }
    return { sql: lines.join('\n') + '\n', tables: tables.length, rows }
  } finally {
    db.close()
  }
}

async function prepareD1(dir, dbPath) {
  await run(WRANGLER, ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', dir], {
    cwd: ROOT,
    env: WRANGLER_ENV,
    timeout: 120_000,
  })
  const dump = dumpRows(dbPath)
  const file = join(dir, 'seed.sql')
  writeFileSync(file, dump.sql)
  const started = Date.now()
  // `wrangler d1 execute --file` sends the whole file to workerd in one request, which times out
  // (and trips workerd's table checks) at this size. Local D1 is a SQLite file that miniflare
  // created and migrated above; with no wrangler running, the rows go straight into it.
  const d1Dir = join(dir, 'v3', 'd1', 'miniflare-D1DatabaseObject')
  const files = readdirSync(d1Dir).filter((f) => f.endsWith('.sqlite'))
  if (files.length !== 1) throw new Error(`expected one local D1 database in ${d1Dir}: ${files}`)
  const d1 = new Database(join(d1Dir, files[0]))
  try {
    // One transaction, so PRAGMA defer_foreign_keys (the dump's first line) holds for all of it.
    d1.transaction(() => d1.exec(dump.sql))()
  } finally {
    d1.close()
  }
  log(
    `loaded ${dump.rows} rows of ${dump.tables} tables into local D1 in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  )
  return file
}

// --- wrangler dev ----------------------------------------------------------------------------

/** `wrangler dev` on 127.0.0.1:port; resolves once it answers HTTP. */
async function startWrangler(name, args, port) {
  const child = spawn(
    WRANGLER,
    ['dev', ...args, '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'warn'],
    { cwd: ROOT, env: WRANGLER_ENV, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  )
  groups.add(child.pid)
  let output = ''
  const keep = (chunk) => (output = (output + chunk).slice(-4000))
  child.stdout.on('data', keep)
  child.stderr.on('data', keep)
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 90_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`${name} exited with ${child.exitCode}:\n${output}`)
    try {
      await probe(`${url}/`, {}, 10_000)
      log(`${name} is up at ${url}`)
      return { name, url, child }
    } catch {
      await sleep(200)
    }
  }
  throw new Error(`${name} did not answer within 90 s:\n${output}`)
}

async function stopWrangler(server) {
  const { child } = server
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((r) => child.once('exit', r))
  try {
    process.kill(-child.pid, 'SIGTERM')
  } catch {
    return
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid, 'SIGKILL')
    } catch {
      // Gone meanwhile.
    }
  }, 5000)
  await exited
  clearTimeout(timer)
  // wrangler is gone; make sure the workerd it started is too.
  try {
    process.kill(-child.pid, 'SIGKILL')
  } catch {
    // Nothing left in the group.
  }
  groups.delete(child.pid)
}

/** The Herald Worker: wrangler.toml as deployed, the local D1 in `dir`. */
function heraldArgs(dir) {
  // Named vars on the command line win over .dev.vars, so a developer's file cannot skew the run.
  return ['--persist-to', dir, '--var', 'LOG_LEVEL:warn', '--var', 'PAGE_CACHE_SECONDS:30']
}

/** The baseline Worker: bare Hono answering "Hello Hono!", same compatibility date, no bindings. */
function helloConfig(dir) {
  const main = join(dir, 'hello.worker.mjs')
  writeFileSync(
    main,
    [
      `import { Hono } from ${JSON.stringify(join(ROOT, 'node_modules', 'hono', 'dist', 'index.js'))}`,
      'const app = new Hono()',
      "app.get('/', (c) => c.text('Hello Hono!'))",
      'export default app',
      '',
    ].join('\n'),
  )
  const config = join(dir, 'hello.wrangler.toml')
  writeFileSync(
    config,
    [
      'name = "hello"',
      `main = ${JSON.stringify(main)}`,
      'compatibility_date = "2025-09-01"',
      'send_metrics = false',
      '',
    ].join('\n'),
  )
  return ['--config', config, '--persist-to', join(dir, 'hello-state')]
}

/** The Worker must serve the seeded data, not an empty page: a load that went wrong fails here. */
async function checkSeeded(url, seed) {
  const summary = await (await fetch(`${url}/api/v2/summary.json`)).json()
  const shown = summary.components.filter((c) => !c.group).length
  if (shown !== seed.counts.components || summary.incidents.length !== 2)
    throw new Error(
      `the Worker shows ${shown} components and ${summary.incidents.length} open incidents, ` +
        `not the ${seed.counts.components} and 2 seeded`,
    )
  log(`serving the seeded data: ${shown} components, ${summary.incidents.length} open incidents`)
}

// --- main ------------------------------------------------------------------------------------

async function main() {
  if (!SERVE && !existsSync(WRK))
    throw new Error(`wrk not found at ${WRK} (apt-get install wrk, or set WRK=)`)
  workDir = mkdtempSync(join(os.tmpdir(), 'herald-bench-worker-'))
  const dbPath = join(workDir, 'bench.db')
  log(`seeding ${dbPath} …`)
  register({ tsconfig: join(ROOT, 'tsconfig.json') })
  const { seedBenchDatabase } = await import('./seed.ts')
  const seed = await seedBenchDatabase(dbPath, { resolvedIncidents: INCIDENTS })
  log(`seeded in ${(seed.ms / 1000).toFixed(1)} s: ${JSON.stringify(seed.counts)}`)
  const d1Dir = join(workDir, 'd1')
  await prepareD1(d1Dir, dbPath)

  if (SERVE) {
    const herald = await startWrangler('herald (wrangler dev)', heraldArgs(d1Dir), SERVE_PORT)
    await checkSeeded(herald.url, seed)
    console.log(
      [
        `Herald on workerd: ${herald.url}/ (local D1 in ${d1Dir})`,
        `read-scoped API token: ${seed.token}`,
        `e.g. wrk -t${THREADS} -c${CONNECTIONS} -d10s --latency -H 'Accept-Encoding: ${ACCEPT_ENCODING}' ${herald.url}/`,
        'Ctrl-C stops it and removes the folder (BENCH_KEEP=1 keeps it).',
      ].join('\n'),
    )
    await new Promise(() => {})
  }

  const targetsCount = 4
  const budget = (targetsCount * (WARMUP + RUNS * (DURATION + 5)) + 300) * 1000
  setTimeout(() => {
    console.error(`[bench:worker] gave up after ${Math.round(budget / 1000)} s`)
    process.exit(1)
  }, budget).unref()

  // One server at a time, as in production each isolate would have the machine to itself: the
  // baseline first, then Herald.
  const targets = []
  const hello = await startWrangler('hello (wrangler dev)', helloConfig(workDir), await freePort())
  targets.push({
    key: 'hello',
    label: 'bare Hono `GET /` (hello) on workerd',
    url: `${hello.url}/`,
    server: hello,
  })
  const herald = await startWrangler('herald (wrangler dev)', heraldArgs(d1Dir), await freePort())
  targets.push(
    {
      key: 'page',
      label: 'Herald `GET /` (status page) on workerd',
      url: `${herald.url}/`,
      server: herald,
    },
    {
      key: 'summary',
      label: 'Herald `GET /api/v2/summary.json` on workerd',
      url: `${herald.url}/api/v2/summary.json`,
      server: herald,
    },
    {
      key: 'api',
      label: 'Herald `GET /api/v1/components` on workerd',
      url: `${herald.url}/api/v1/components`,
      headers: { Authorization: `Bearer ${seed.token}` },
      server: herald,
    },
  )
  await checkSeeded(herald.url, seed)
  for (const t of targets) {
    t.probe = await probe(t.url, t.headers, 10_000)
    t.runs = []
    log(`${t.key}: ${describeResponse(t.probe)}`)
    if (t.probe.status !== 200) throw new Error(`${t.key} answered ${t.probe.status}, not 200`)
  }
  for (const t of targets) {
    log(`warming up ${t.key} (${WARMUP} s)`)
    await wrk(t, WARMUP)
  }
  for (let i = 1; i <= RUNS; i++) {
    for (const t of targets) {
      const r = await wrk(t, DURATION)
      t.runs.push(r)
      log(
        `run ${i}/${RUNS} ${t.key}: ${fmtInt(r.rps)} req/s, p99 ${fmtMs(r.p99ms)} ms` +
          (r.non2xx ? `, ${r.non2xx} non-2xx` : '') +
          (r.socketErrors ? `, ${r.socketErrors} socket errors` : ''),
      )
    }
  }
  await stopWrangler(herald)
  await stopWrangler(hello)

  for (const t of targets) {
    t.rps = median(t.runs.map((r) => r.rps))
    t.p99 = median(t.runs.map((r) => r.p99ms ?? Infinity))
    t.non2xx = t.runs.reduce((a, r) => a + r.non2xx, 0)
    t.socketErrors = t.runs.reduce((a, r) => a + r.socketErrors, 0)
  }
  const [helloT, pageT, summaryT] = targets
  const lines = []
  lines.push(
    `### Page benchmark on Workers (wrangler dev), ${new Date().toISOString().slice(0, 10)}`,
  )
  lines.push('')
  const wrangler = spawnSync(WRANGLER, ['--version'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: WRANGLER_ENV,
  })
  const wranglerVersion = wrangler.stdout.trim().split('\n').at(-1) || '?'
  lines.push(`- Machine: ${environment(ROOT, `wrangler ${wranglerVersion}`)}`)
  lines.push(
    `- Data: ${seed.counts.groups} groups, ${seed.counts.components} components, ` +
      `${fmtInt(seed.counts.incidents)} incidents (2 open) with ${fmtInt(seed.counts.events)} public events over 90 days, ` +
      'seeded as for bench/page/run.mjs and written into the local D1 database (the SQLite file miniflare keeps) after `wrangler d1 migrations apply --local`',
  )
  lines.push(
    `- Load: \`wrk -t${THREADS} -c${CONNECTIONS} -d${DURATION}s --latency -H 'Accept-Encoding: ${ACCEPT_ENCODING}'\`, ` +
      `${RUNS} runs per target after a ${WARMUP} s warm-up; medians. Both Workers run under \`wrangler dev\` ` +
      "(local workerd behind wrangler's local proxy), sharing the machine with wrk.",
  )
  lines.push('')
  lines.push(
    '| Target | Response | req/s (median) | p99 latency (median) | req/s per run | Errors |',
  )
  lines.push('|---|---|---:|---:|---|---|')
  for (const t of targets) {
    const errors = [
      t.non2xx ? `${fmtInt(t.non2xx)} non-2xx` : '',
      t.socketErrors ? `${fmtInt(t.socketErrors)} socket errors` : '',
    ]
      .filter(Boolean)
      .join(', ')
    lines.push(
      `| ${t.label} | ${describeResponse(t.probe)} | ${fmtInt(t.rps)} | ${fmtMs(t.p99)} ms | ` +
        `${t.runs.map((r) => fmtInt(r.rps)).join(' / ')} | ${errors || 'none'} |`,
    )
  }
  lines.push('')
  lines.push(
    `- Page vs hello on workerd: **${(pageT.rps / helloT.rps).toFixed(2)}×** the requests per second, ` +
      `p99 ${fmtMs(pageT.p99)} ms; summary.json ${(summaryT.rps / helloT.rps).toFixed(2)}×, p99 ${fmtMs(summaryT.p99)} ms.`,
  )
  console.log(lines.join('\n'))
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(`[bench:worker] failed: ${err instanceof Error ? err.message : String(err)}`)
    process.exit(1)
  },
)
