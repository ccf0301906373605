import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll } from 'vitest'
import type { Deps } from '../../src/app/deps.ts'
import { parseConfig } from '../../src/config.ts'
import { startNodeServer, type NodeOverrides } from '../../src/runtime/node.ts'
import { TEST_SCRYPT } from './app.ts'

// A real Herald HTTP server on a loopback port with a SQLite file in a fresh temp folder: what the
// browser tests talk to. Clock and ids are the real ones unless a test overrides them.

export interface TestServer {
  url: string
  deps: Deps
  databasePath: string
  close(): Promise<void>
}

export interface TestServerOptions {
  env?: Record<string, string>
  overrides?: NodeOverrides
}

export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'herald-test-'))
  const databasePath = join(dir, 'herald.db')
  const config = parseConfig({
    LOG_LEVEL: 'silent',
    ...opts.env,
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_PATH: databasePath,
  })
  const removeDir = () => rmSync(dir, { recursive: true, force: true })
  try {
    const server = await startNodeServer(config, { scrypt: TEST_SCRYPT, ...opts.overrides })
    let closing: Promise<void> | undefined
    return {
      url: server.url,
      deps: server.deps,
      databasePath,
      // Idempotent, so a test may close early and afterAll still runs safely.
      close: () => (closing ??= server.close().finally(removeDir)),
    }
  } catch (err) {
    removeDir()
    throw err
  }
}

/**
 * Starts a server before the suite's tests and always closes it after them. The returned object's
 * fields are readable inside tests and hooks (not at collection time).
 */
export function useTestServer(opts: TestServerOptions = {}): TestServer {
  let server: TestServer | undefined
  const current = () => {
    if (!server)
      throw new Error('useTestServer: the server starts in beforeAll; read it inside a test')
    return server
  }
  beforeAll(async () => {
    server = await startTestServer(opts)
  })
  afterAll(async () => {
    await server?.close()
    server = undefined
  })
  return {
    get url() {
      return current().url
    },
    get deps() {
      return current().deps
    },
    get databasePath() {
      return current().databasePath
    },
    close: () => current().close(),
  }
}
