import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openNodeDatabase } from '../../src/adapters/storage/sqlite.node.ts'
import { createTestApp } from '../support/app.ts'
import { createClient } from '../support/client.ts'

const BIN = fileURLToPath(new URL('../../bin/herald.mjs', import.meta.url))
const PASSWORD = 'a long cli password'

let dir: string
let dbPath: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'herald-cli-'))
  dbPath = join(dir, 'herald.db')
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

/** Runs the real bin in a child process, as an operator or a script would. */
function herald(
  ...args: string[]
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH, DATABASE_PATH: dbPath, LOG_LEVEL: 'silent' },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

async function readUsers() {
  const db = openNodeDatabase(dbPath)
  try {
    return await db.store.listUsers()
  } finally {
    db.close()
  }
}

// Each run starts Node and tsx afresh: seconds apiece on a busy two-core machine.
describe('herald user create', { timeout: 120_000 }, () => {
  it('creates a user that can then sign in to the console, printing its id', async () => {
    const res = await herald(
      'user',
      'create',
      '--email',
      'Ops@Example.com',
      '--password',
      PASSWORD,
      '--name',
      'Ops Team',
    )
    expect(res.stderr).not.toMatch(/error/i)
    expect(res.code).toBe(0)
    const id = res.stdout.trim()
    const [user] = await readUsers()
    expect(user).toMatchObject({ id, email: 'ops@example.com', name: 'Ops Team', role: 'owner' })

    const t = createTestApp({ env: { DATABASE_PATH: dbPath } })
    try {
      const client = createClient(t.app)
      const login = await client.get('/console/login')
      expect(login.status).toBe(200)
      const res = await client.post('/console/login', {
        email: 'ops@example.com',
        password: PASSWORD,
      })
      expect(res.status).toBe(303)
      expect((await client.get('/console/users')).status).toBe(200)
    } finally {
      t.close()
    }
  })

  it('makes the first user an owner and later ones responders unless told otherwise', async () => {
    expect(
      (await herald('user', 'create', '--email', 'a@example.com', '--password', PASSWORD)).code,
    ).toBe(0)
    expect(
      (await herald('user', 'create', '--email', 'b@example.com', '--password', PASSWORD)).code,
    ).toBe(0)
    expect(
      (
        await herald(
          'user',
          'create',
          '--email',
          'c@example.com',
          '--password',
          PASSWORD,
          '--role',
          'viewer',
        )
      ).code,
    ).toBe(0)
    const users = await readUsers()
    expect(users.map((u) => [u.email, u.name, u.role])).toEqual([
      ['a@example.com', 'a', 'owner'],
      ['b@example.com', 'b', 'responder'],
      ['c@example.com', 'c', 'viewer'],
    ])
  })

  it.each([
    [['--email', 'not-an-email', '--password', PASSWORD], /^email: .*valid email/m],
    [['--email', 'a@example.com', '--password', 'short'], /^password: Use at least 10 characters/m],
    [
      ['--email', 'a@example.com', '--password', PASSWORD, '--role', 'admin'],
      /^role: Choose owner, responder or viewer/m,
    ],
  ])('exits 1 naming the field for %j', async (args, message) => {
    const res = await herald('user', 'create', ...args)
    expect(res.code).toBe(1)
    expect(res.stderr).toMatch(message)
    expect(res.stdout).toBe('')
    expect(await readUsers()).toEqual([])
  })

  it('exits 1 when the email is taken', async () => {
    await herald('user', 'create', '--email', 'a@example.com', '--password', PASSWORD)
    const res = await herald('user', 'create', '--email', 'A@example.com', '--password', PASSWORD)
    expect(res.code).toBe(1)
    expect(res.stderr).toMatch(/^email: .*already exists/m)
    expect(await readUsers()).toHaveLength(1)
  })
})
