import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { unstable_startWorker } from 'wrangler'

// The real Worker (src/runtime/worker.ts, bundled by wrangler from wrangler.toml) in local workerd,
// against a local D1 database in a fresh temp folder with drizzle/'s migrations applied by
// `wrangler d1 migrations apply`, as README's deploy steps do.

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const WRANGLER = join(ROOT, 'node_modules', '.bin', 'wrangler')
const run = promisify(execFile)

export interface TestWorker {
  url: string
  /** A request to the Worker; relative paths are resolved against its URL. */
  fetch(path: string, init?: RequestInit): Promise<Response>
  /** Runs the scheduled (cron) handler once; only with `cron: true`. */
  scheduled(cron?: string): Promise<void>
  close(): Promise<void>
}

export interface TestWorkerOptions {
  /** Vars on top of wrangler.toml's (SMTP_URL, WEBHOOK_ALLOWED_HOSTS…). */
  vars?: Record<string, string>
  /**
   * Start from a copy of wrangler.toml without [assets], so that scheduled() works: wrangler 4.50
   * cannot trigger a cron locally while [assets] is configured. Static files are then not served.
   */
  cron?: boolean
  /** false: no queue consumer, so queue messages are sent and never delivered (as if lost). */
  queueConsumer?: boolean
}

export async function startTestWorker(opts: TestWorkerOptions = {}): Promise<TestWorker> {
  const dir = mkdtempSync(join(tmpdir(), 'herald-worker-'))
  const removeDir = () => rmSync(dir, { recursive: true, force: true })
  try {
    await run(WRANGLER, ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', dir], {
      cwd: ROOT,
      env: { ...process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false' },
      timeout: 60_000,
    })
    // The vars come from this file on top of wrangler.toml's; naming it keeps a developer's
    // .dev.vars (which wrangler would read otherwise) out of the tests.
    const envFile = join(dir, 'test.env')
    const vars = { LOG_LEVEL: 'warn', ...opts.vars }
    writeFileSync(
      envFile,
      Object.entries(vars)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}\n`)
        .join(''),
    )
    const config =
      opts.cron || opts.queueConsumer === false
        ? writeVariantConfig(dir, {
            assets: !opts.cron,
            queueConsumer: opts.queueConsumer !== false,
          })
        : join(ROOT, 'wrangler.toml')
    const worker = await unstable_startWorker({
      config,
      envFiles: [envFile],
      dev: {
        persist: dir,
        server: { hostname: '127.0.0.1', port: 0 },
        inspector: false,
        watch: false,
        liveReload: false,
        remote: false,
        logLevel: 'warn',
        // Silences the "crons are not triggered locally" notice. (Triggering them does not work
        // locally with [assets] in wrangler 4.50: the scheduled event reaches the Worker through
        // an RPC proxy that cannot pass its controller; test/runtime/worker.test.ts covers it.)
        testScheduled: true,
      },
    })
    let closing: Promise<void> | undefined
    try {
      await worker.ready
      const url = (await worker.url).toString().replace(/\/$/, '')
      return {
        url,
        fetch: (path, init) => fetch(new URL(path, url), init),
        async scheduled(cron = '* * * * *') {
          if (!opts.cron) throw new Error('startTestWorker({ cron: true }) to run scheduled()')
          // wrangler's test-scheduled route (dev.testScheduled below).
          const res = await fetch(`${url}/__scheduled?cron=${encodeURIComponent(cron)}`)
          const text = await res.text()
          if (!res.ok) throw new Error(`scheduled() answered ${res.status}: ${text.slice(0, 300)}`)
        },
        close: () => (closing ??= worker.dispose().finally(removeDir)),
      }
    } catch (err) {
      await worker.dispose()
      throw err
    }
  } catch (err) {
    removeDir()
    throw err
  }
}

/**
 * wrangler.toml less some sections, written next to the test's database with its paths made
 * absolute. The D1 binding and database id are unchanged, so it opens the database that
 * `wrangler d1 migrations apply` (reading the real wrangler.toml) prepared.
 */
function writeVariantConfig(
  dir: string,
  keep: { assets: boolean; queueConsumer: boolean },
): string {
  const drop = new Set<string>()
  if (!keep.assets) drop.add('[assets]')
  if (!keep.queueConsumer) drop.add('[[queues.consumers]]')
  let skipping = false
  const lines: string[] = []
  for (const line of readFileSync(join(ROOT, 'wrangler.toml'), 'utf8').split('\n')) {
    const header = /^\s*(\[\[?[\w.]+\]\]?)\s*$/.exec(line)?.[1]
    if (header) skipping = drop.has(header)
    if (skipping) continue
    // Paths in wrangler.toml are relative to it: main, migrations_dir and every "./…" value
    // ([alias], the assets directory).
    lines.push(
      line.replace(
        /^(\s*([\w"'.-]+)\s*=\s*)"([^"]*)"/,
        (whole, lhs: string, key: string, value: string) =>
          key === 'main' || key === 'migrations_dir' || /^\.\.?\//.test(value)
            ? `${lhs}${JSON.stringify(join(ROOT, value))}`
            : whole,
      ),
    )
  }
  const file = join(dir, 'wrangler.toml')
  writeFileSync(file, lines.join('\n'))
  return file
}
