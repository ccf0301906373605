import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'

// bin/check-worker-bundle.mjs is what keeps Node-only code out of the Worker (wrangler only warns
// about node:* imports without nodejs_compat). Feed it bundles shaped like wrangler's output.
const SCRIPT = fileURLToPath(new URL('../../bin/check-worker-bundle.mjs', import.meta.url))
const run = promisify(execFile)
const dirs: string[] = []

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function bundle(inputs: string[], imports: string[], code: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'herald-bundle-'))
  dirs.push(dir)
  const meta = {
    inputs: Object.fromEntries(inputs.map((path) => [path, { bytes: 1, imports: [] }])),
    outputs: {
      [`${dir}/index.js`]: {
        imports: imports.map((path) => ({ path, kind: 'import-statement', external: true })),
        inputs: {},
        bytes: code.length,
      },
    },
  }
  writeFileSync(join(dir, 'bundle-meta.json'), JSON.stringify(meta))
  writeFileSync(join(dir, 'worker.js'), code)
  return dir
}

async function check(dir: string) {
  try {
    const { stdout } = await run(process.execPath, [SCRIPT, dir])
    return { ok: true, output: stdout }
  } catch (err) {
    return { ok: false, output: String((err as { stderr?: string }).stderr) }
  }
}

describe('the Worker bundle check', () => {
  it('accepts a bundle of runtime-agnostic code and cloudflare: modules', async () => {
    const dir = bundle(
      ['src/runtime/worker.ts', 'node_modules/hono/dist/index.js'],
      ['cloudflare:sockets'],
      'import { connect } from "cloudflare:sockets"\nexport default {}\n',
    )
    expect(await check(dir)).toMatchObject({ ok: true })
  })

  it('names each Node-only package, file and node: import that reached the bundle', async () => {
    const dir = bundle(
      [
        'src/runtime/worker.ts',
        'node_modules/better-sqlite3/lib/index.js',
        'node_modules/nodemailer/lib/nodemailer.js',
        'src/adapters/compress/zlib.node.ts',
      ],
      ['node:zlib'],
      'import { gzip } from "node:zlib"\nconst fs = require("node:fs")\nexport default {}\n',
    )
    const { ok, output } = await check(dir)
    expect(ok).toBe(false)
    for (const name of ['better-sqlite3', 'nodemailer', 'zlib.node.ts', 'node:zlib', 'node:fs'])
      expect(output).toContain(name)
  })
})
