import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
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
  close(): Promise<void>
}

export async function startTestWorker(
  opts: { vars?: Record<string, string> } = {},
): Promise<TestWorker> {
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
    const worker = await unstable_startWorker({
      config: join(ROOT, 'wrangler.toml'),
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
