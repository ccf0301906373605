// Runs ceiling.ts as Herald runs itself (bin/herald.mjs): one esbuild bundle, built in a child
// process, so the ceilings and Herald load the same transport adapters the same way. The ceilings
// used to run under tsx (esbuild's in-process transforms and a loader thread), which Herald gave
// up for its own speed: a difference that could only flatter Herald's ratio.
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))
// Inside the package, as Herald's own bundle, so its package imports resolve from node_modules.
const dir = join(root, 'node_modules', '.cache', 'herald')
mkdirSync(dir, { recursive: true })
// run.mjs stops a ceiling with SIGTERM once it is done: exit normally, so the bundle is removed
// (one left by a killed ceiling is swept by the next `herald` start, see bin/herald.mjs).
process.once('SIGTERM', () => process.exit(143))
const outfile = join(dir, `ceiling-${process.pid}-${randomBytes(4).toString('hex')}.mjs`)
process.once('exit', () => rmSync(outfile, { force: true }))
const built = spawnSync(
  process.execPath,
  [
    join(root, 'bin', 'bundle.mjs'),
    outfile,
    fileURLToPath(new URL('./ceiling.ts', import.meta.url)),
  ],
  { stdio: ['ignore', 'inherit', 'inherit'] },
)
if (built.status !== 0) {
  console.error(`ceiling: bundling failed (${built.error ?? `exit ${built.status}`})`)
  process.exit(1)
}
await import(pathToFileURL(outfile).href)
