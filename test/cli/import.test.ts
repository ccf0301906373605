import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// The real bin in a child process, as an operator would run `herald import`.
const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const FIXTURES = 'test/fixtures/postmortems'
const SEEDS = fileURLToPath(new URL('../../../shared/seeds/', import.meta.url))
const SHAPE = [
  'name',
  'started_at',
  'resolved_at',
  'time_zone',
  'impact',
  'root_cause',
  'events',
  'todos',
  'warnings',
]
const run = promisify(execFile)

let dir: string
let databasePath: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'herald-cli-import-'))
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

describe('herald import --dry-run', () => {
  it('prints what it read from one file as one JSON document and saves nothing', async () => {
    const out = await herald('import', '--dry-run', '--json', `${FIXTURES}/midnight-24h.md`)
    expect(out.code, out.stderr).toBe(0)
    const json = JSON.parse(out.stdout)
    // Exactly the shape, in its order.
    expect(Object.keys(json)).toEqual(SHAPE)
    expect(json).toMatchObject({
      name: 'Nightly billing run stuck',
      started_at: '2024-01-05T23:40:00+01:00',
      resolved_at: '2024-01-06T01:15:00+01:00',
      time_zone: 'Europe/Berlin',
      impact: 'minor',
      root_cause: null,
      warnings: ['No root cause found'],
    })
    expect(json.events).toHaveLength(6)
    expect(json.events[2]).toEqual({
      at: '2024-01-06T00:05:00+01:00',
      body: 'Found a long-running migration holding the ledger lock',
      kind: 'investigation',
    })
    expect(json.todos[0]).toEqual({
      text: 'Move ledger migrations out of the billing window',
      owner: 'alice',
      done: true,
    })
    expect(existsSync(databasePath)).toBe(false)
  })

  it.skipIf(!existsSync(SEEDS))(
    'prints a seed document with offsets on every time and null where it says nothing',
    async () => {
      const out = await herald('import', '--dry-run', '--json', `${SEEDS}000_59c76de4fcfe718b.txt`)
      expect(out.code, out.stderr).toBe(0)
      const json = JSON.parse(out.stdout)
      expect(Object.keys(json)).toEqual(SHAPE)
      expect(json).toMatchObject({
        started_at: '2023-07-29T09:00:00+00:00',
        resolved_at: '2023-08-04T04:30:00+00:00',
        time_zone: 'UTC',
        // The document gives no severity.
        impact: null,
      })
      expect(json.events).toHaveLength(6)
      for (const e of json.events) expect(Object.keys(e)).toEqual(['at', 'body', 'kind'])
      expect(json.events.map((e: { at: string | null }) => e.at)).toEqual([
        '2023-07-29T09:00:00+00:00',
        null,
        null,
        null,
        null,
        '2023-08-04T04:30:00+00:00',
      ])
      for (const t of json.todos) expect(Object.keys(t)).toEqual(['text', 'owner', 'done'])
      expect(json.todos.map((t: { owner: string | null }) => t.owner)).toEqual([
        null,
        null,
        null,
        null,
      ])
      expect(json.warnings).toContain('No impact level (severity) found')
      expect(existsSync(databasePath)).toBe(false)
    },
  )

  it('prints a JSON array, in order, for several files', async () => {
    const out = await herald(
      'import',
      '--dry-run',
      '--json',
      `${FIXTURES}/missing-end.md`,
      `${FIXTURES}/zone-in-summary.md`,
    )
    expect(out.code, out.stderr).toBe(0)
    const json = JSON.parse(out.stdout)
    expect(json.map((d: { name: string }) => d.name)).toEqual([
      'Search indexing lag',
      'UPI payment callbacks delayed',
    ])
    expect(json[0].resolved_at).toBeNull()
    expect(json[0].warnings).toContain('No end time found')
  })

  it('places a dateless document on the --date given', async () => {
    const out = await herald(
      'import',
      '--dry-run',
      '--json',
      '--date',
      '2024-11-04',
      `${FIXTURES}/no-dates.md`,
    )
    expect(out.code, out.stderr).toBe(0)
    const json = JSON.parse(out.stdout)
    expect(json.started_at).toBe('2024-11-04T14:10:00-05:00')
    expect(json.warnings).toContain('No date found; assumed 2024-11-04')
  })

  it('prints a summary with the warnings for a person without --json', async () => {
    const out = await herald('import', '--dry-run', `${FIXTURES}/missing-end.md`)
    expect(out.code, out.stderr).toBe(0)
    expect(out.stdout).toContain('Search indexing lag')
    expect(out.stdout).toContain('resolved   (not found)')
    expect(out.stdout).toContain('    - No end time found')
    expect(out.stdout).toContain('Dry run: nothing was saved.')
  })

  it('says which file it could not read', async () => {
    const out = await herald('import', '--dry-run', '--json', join(dir, 'missing.md'))
    expect(out.code).toBe(1)
    expect(out.stderr).toContain(`Cannot read ${join(dir, 'missing.md')}`)
  })
})
