import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Config, parseConfig } from '../../src/config.ts'

// The Worker's binding types are kept by hand (WorkerEnv in src/runtime/worker.ts; a generated
// worker-configuration.d.ts would bring global Request/Response types that clash with the DOM
// types the app is checked against). This keeps them honest: `wrangler types` reads
// wrangler.toml, and every binding it lists must be declared in WorkerEnv with the matching type,
// and every var must be a setting the zod config schema knows and accepts.

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const run = promisify(execFile)

/** Cloudflare.Env's members as `wrangler types` wrote them: name → type text. */
function generatedEnv(dts: string): Map<string, string> {
  const body = /interface Env \{([^}]*)\}/.exec(dts)?.[1]
  if (!body) throw new Error(`no Env interface in:\n${dts}`)
  const members = new Map<string, string>()
  for (const m of body.matchAll(/^\s*(\w+)\??:\s*([^;]+);/gm)) members.set(m[1]!, m[2]!.trim())
  return members
}

/** WorkerEnv's members as declared in src/runtime/worker.ts: name → type text. */
function declaredEnv(source: string): Map<string, string> {
  const body = /export interface WorkerEnv[^{]*\{([^]*?)\n\}/.exec(source)?.[1]
  if (!body) throw new Error('no WorkerEnv interface in src/runtime/worker.ts')
  const members = new Map<string, string>()
  for (const m of body.matchAll(/^\s*(\w+)\??:\s*(.+?)\s*$/gm)) members.set(m[1]!, m[2]!)
  return members
}

// What wrangler calls each binding's type, and what WorkerEnv must declare for it.
const DECLARED_AS: Record<string, RegExp> = {
  D1Database: /^D1Database$/,
  Queue: /^Queue<Job>$/,
  // The app only calls fetch() on the assets binding.
  Fetcher: /^\{ fetch\(request: Request\): Promise<Response> \}$/,
}

describe('hand-kept Worker binding types', () => {
  let dir: string
  let generated: Map<string, string>
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'herald-types-'))
    const out = join(dir, 'worker-configuration.d.ts')
    await run(
      join(ROOT, 'node_modules', '.bin', 'wrangler'),
      ['types', out, '--include-runtime=false'],
      {
        cwd: ROOT,
        env: { ...process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false' },
        timeout: 60_000,
      },
    )
    generated = generatedEnv(readFileSync(out, 'utf8'))
  }, 90_000)
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('declares every binding of wrangler.toml in WorkerEnv with its type', () => {
    const declared = declaredEnv(readFileSync(join(ROOT, 'src', 'runtime', 'worker.ts'), 'utf8'))
    const bindings = [...generated].filter(([, type]) => !type.startsWith('"'))
    expect(bindings.map(([name]) => name).sort()).toEqual(['ASSETS', 'DB', 'JOBS'])
    for (const [name, type] of bindings) {
      const pattern = DECLARED_AS[type]
      expect(pattern, `no rule for the binding type ${type}`).toBeDefined()
      expect(declared.get(name), name).toMatch(pattern!)
    }
  })

  it('has only vars that the config schema knows, with values it accepts', () => {
    const vars = Object.fromEntries(
      [...generated]
        .filter(([, type]) => type.startsWith('"'))
        .map(([name, type]) => [name, JSON.parse(type) as string]),
    )
    expect(Object.keys(vars).length).toBeGreaterThan(0)
    const known = new Set(Object.keys(Config.shape))
    for (const name of Object.keys(vars)) expect(known.has(name), name).toBe(true)
    const config = parseConfig(vars)
    for (const [name, value] of Object.entries(vars))
      expect(String(config[name as keyof Config]), name).toBe(value)
  })
})
