import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Config } from '../../src/config.ts'
import { createTestApp } from '../support/app.ts'

// The real bin in a child process, against a SQLite file in a temp folder, as a script would run it.
const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const run = promisify(execFile)
// The child gets the caller's environment minus Herald's own settings (vitest sets BASE_URL=/).
const baseEnv = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !(key in Config.shape)),
)

let dir: string
let databasePath: string

async function herald(...args: string[]) {
  try {
    const { stdout, stderr } = await run('node', ['bin/herald.mjs', ...args], {
      cwd: ROOT,
      env: { ...baseEnv, DATABASE_PATH: databasePath, LOG_LEVEL: 'silent' },
    })
    return { code: 0, stdout, stderr }
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

const lastLine = (text: string) => text.trimEnd().split('\n').at(-1) ?? ''

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'herald-cli-token-'))
  databasePath = join(dir, 'herald.db')
  const owner = await herald(
    'user',
    'create',
    '--email',
    'ops@example.com',
    '--password',
    'a long password',
    '--role',
    'owner',
  )
  expect(owner.code, owner.stderr).toBe(0)
  const viewer = await herald(
    'user',
    'create',
    '--email',
    'look@example.com',
    '--password',
    'a long password',
    '--role',
    'viewer',
  )
  expect(viewer.code, viewer.stderr).toBe(0)
}, 120_000)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

// Each child pays tsx's start-up, so the cases run side by side (SQLite in WAL mode copes).
describe.concurrent('herald token create', () => {
  it('prints a working write token alone on the last line of stdout', async () => {
    const out = await herald('token', 'create', '--email', 'ops@example.com', '--name', 'deploys')
    expect(out.code, out.stderr).toBe(0)
    const token = lastLine(out.stdout)
    expect(token).toMatch(/^hrld_[A-Za-z0-9_-]+$/)

    const t = createTestApp({ env: { DATABASE_PATH: databasePath } })
    try {
      const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }
      const created = await t.app.request('http://localhost/api/v1/components', {
        method: 'POST',
        headers,
        body: JSON.stringify({ name: 'From the CLI', group: 'Scripts' }),
      })
      expect(created.status).toBe(201)
      const list = await t.app.request('http://localhost/api/v1/components', { headers })
      const names = ((await list.json()) as { components: { name: string }[] }).components.map(
        (c) => c.name,
      )
      expect(names).toContain('From the CLI')
    } finally {
      t.close()
    }
    // The file holds the hash, never the token.
    for (const file of readdirSync(dir))
      expect(readFileSync(join(dir, file)).includes(token.slice(5)), file).toBe(false)
  }, 120_000)

  it('creates a read token that can read but not write', async () => {
    const out = await herald(
      'token',
      'create',
      '--email',
      'OPS@example.com',
      '--name',
      'dashboards',
      '--scope',
      'read',
    )
    expect(out.code, out.stderr).toBe(0)
    const token = lastLine(out.stdout)
    const t = createTestApp({ env: { DATABASE_PATH: databasePath } })
    try {
      const headers = { Authorization: `Bearer ${token}` }
      expect((await t.app.request('http://localhost/api/v1/incidents', { headers })).status).toBe(
        200,
      )
      const write = await t.app.request('http://localhost/api/v1/groups', {
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'Nope' }),
      })
      expect(write.status).toBe(403)
    } finally {
      t.close()
    }
  }, 120_000)

  it('fails with a message for an unknown email', async () => {
    const out = await herald('token', 'create', '--email', 'nobody@example.com', '--name', 'x')
    expect(out.code).toBe(1)
    expect(out.stderr).toMatch(/No user with email nobody@example.com/)
    expect(out.stdout).not.toMatch(/hrld_/)
  }, 120_000)

  it('refuses a write token for a viewer and an unknown scope', async () => {
    const viewer = await herald(
      'token',
      'create',
      '--email',
      'look@example.com',
      '--name',
      'x',
      '--scope',
      'write',
    )
    expect(viewer.code).toBe(1)
    expect(viewer.stderr).toMatch(/scope: viewers can only have read tokens/)
    const bad = await herald(
      'token',
      'create',
      '--email',
      'ops@example.com',
      '--name',
      'x',
      '--scope',
      'admin',
    )
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/scope/)
    expect(bad.stdout).toBe('')
  }, 120_000)
})
