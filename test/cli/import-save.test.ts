import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openNodeDatabase } from '../../src/adapters/storage/sqlite.node.ts'

// `herald import FILE…` and `herald export ID` through the real bin in a child process, against a
// SQLite file that the test then opens to check what was saved.
const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const FIXTURES = 'test/fixtures/postmortems'
const run = promisify(execFile)

let dir: string
let databasePath: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'herald-cli-save-'))
  databasePath = join(dir, 'herald.db')
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function herald(...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/herald.mjs', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, DATABASE_PATH: databasePath, LOG_LEVEL: 'silent' },
    })
    return { code: 0, stdout, stderr }
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

async function saved<T>(read: (db: ReturnType<typeof openNodeDatabase>) => Promise<T>): Promise<T> {
  const db = openNodeDatabase(databasePath)
  try {
    return await read(db)
  } finally {
    db.close()
  }
}

const IMPORTED = /^imported: (\S+) {2}(.+)$/

describe('herald import and export', () => {
  let billingId = ''

  it('saves each file as a resolved incident and prints its id with the warnings', async () => {
    const out = await herald('import', `${FIXTURES}/midnight-24h.md`, `${FIXTURES}/missing-end.md`)
    expect(out.code, out.stderr).toBe(0)
    const lines = out.stdout.trimEnd().split('\n')
    const ids = lines.filter((l) => IMPORTED.test(l)).map((l) => IMPORTED.exec(l)![1]!)
    expect(lines.filter((l) => IMPORTED.test(l)).map((l) => IMPORTED.exec(l)![2])).toEqual([
      `${FIXTURES}/midnight-24h.md`,
      `${FIXTURES}/missing-end.md`,
    ])
    expect(lines).toContain('  warning: No root cause found')
    expect(lines).toContain('  warning: Imported as resolved at the last time the document gives')
    billingId = ids[0]!

    const [billing, postmortem, events] = await saved((db) =>
      Promise.all([
        db.store.getIncident(billingId),
        db.store.getPostmortem(billingId),
        db.store.listEvents(billingId),
      ]),
    )
    expect(billing).toMatchObject({
      name: 'Nightly billing run stuck',
      status: 'resolved',
      startedAt: Date.parse('2024-01-05T23:40:00+01:00'),
      resolvedAt: Date.parse('2024-01-06T01:15:00+01:00'),
    })
    expect(postmortem?.state).toBe('published')
    expect(events).toHaveLength(6)
  })

  it('says a file was imported before instead of importing it twice', async () => {
    expect(billingId).not.toBe('')
    const out = await herald('import', `${FIXTURES}/midnight-24h.md`)
    expect(out.code, out.stderr).toBe(0)
    expect(out.stdout).toBe(`already imported: ${billingId}  ${FIXTURES}/midnight-24h.md\n`)
    expect(await saved((db) => db.store.countIncidents())).toBe(2)
  })

  it('imports the readable files and reports the others, exiting 1', async () => {
    const undatable = join(dir, 'undatable.md')
    writeFileSync(undatable, '# Something broke\n\nWe fixed it eventually.\n')
    const out = await herald(
      'import',
      undatable,
      join(dir, 'missing.md'),
      `${FIXTURES}/google-sre.md`,
    )
    expect(out.code).toBe(1)
    expect(out.stderr).toContain(`${undatable}: no start time could be read`)
    expect(out.stderr).toContain(`Cannot read ${join(dir, 'missing.md')}`)
    expect(out.stdout).toMatch(/^imported: \S+ {2}test\/fixtures\/postmortems\/google-sre\.md$/m)
    expect(await saved((db) => db.store.countIncidents())).toBe(3)
  })

  it('prints the postmortem as Markdown, or writes it to --out', async () => {
    expect(billingId).not.toBe('')
    const out = await herald('export', billingId)
    expect(out.code, out.stderr).toBe(0)
    expect(out.stdout).toContain('- **Incident:** Nightly billing run stuck')
    expect(out.stdout).toContain('- [x] Move ledger migrations out of the billing window (@alice)')

    const file = join(dir, 'billing.md')
    const written = await herald('export', billingId, '--out', file)
    expect(written.code, written.stderr).toBe(0)
    expect(written.stdout).toBe('')
    expect(readFileSync(file, 'utf8')).toBe(out.stdout)

    // The exported file imports as a new incident that exports to the same document.
    const again = await herald('import', file)
    const second = IMPORTED.exec(again.stdout.split('\n')[0]!)![1]!
    expect((await herald('export', second)).stdout).toBe(out.stdout)
  })

  it('says which incident does not exist and what the command needs', async () => {
    const unknown = await herald('export', 'nope')
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain('Incident nope was not found')
    const missing = await herald('export')
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('Usage: herald export INCIDENT_ID [--out FILE]')
  })
})
