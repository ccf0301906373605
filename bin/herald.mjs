#!/usr/bin/env node
// Runs the TypeScript sources with no build step, so `npm install && npm start` is all it takes.
//
// esbuild bundles src/cli.ts and everything it imports from this package (bin/bundle.mjs, in a
// child process; about 0.3 s; packages stay ordinary imports from node_modules) into one file
// beside node_modules, which is imported and removed at once. Running from one bundle rather
// than through a loader hook keeps the process lean: tsx's hook runs in a thread of its own that
// stays alive, and compiles module by module (about 40 MB more resident memory for the server).
// `HERALD_LOADER=tsx`, or a package folder we cannot write to, runs through tsx instead.
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))

async function viaTsx() {
  const { register } = await import('tsx/esm/api')
  register({ tsconfig: join(root, 'tsconfig.json') })
  await import('../src/cli.ts')
}

/** Where the bundle goes; null when the package folder is read-only (a global install). */
function bundleDir() {
  const dir = join(root, 'node_modules', '.cache', 'herald')
  try {
    mkdirSync(dir, { recursive: true })
    sweep(dir)
    return dir
  } catch {
    return null
  }
}

/**
 * Removes bundles left by processes that are gone (killed before they could remove theirs): this
 * CLI's, and those of bench/fanout/ceiling.mjs, which bundles the same way into the same folder.
 */
function sweep(dir) {
  for (const name of readdirSync(dir)) {
    const pid = Number(/^(?:cli|ceiling)-(\d+)-[0-9a-f]+\.mjs$/.exec(name)?.[1])
    if (!pid || pid === process.pid) continue
    try {
      process.kill(pid, 0)
    } catch (err) {
      if (err.code === 'ESRCH') rmSync(join(dir, name), { force: true })
    }
  }
}

const dir = process.env.HERALD_LOADER === 'tsx' ? null : bundleDir()
if (!dir) {
  await viaTsx()
} else {
  const outfile = join(dir, `cli-${process.pid}-${randomBytes(4).toString('hex')}.mjs`)
  // The build runs in a child process: esbuild's plugin traffic (one message per source file over
  // its pipes) would otherwise run through this process's streams and process.nextTick before the
  // server starts, and V8 keeps what it learnt from it. Measured in BENCHMARKS.md (session 6): with
  // the build in-process, the page lane spent about a third more CPU per answer.
  const built = spawnSync(process.execPath, [join(root, 'bin', 'bundle.mjs'), outfile], {
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  if (built.status !== 0) {
    rmSync(outfile, { force: true })
    console.error(`herald: bundling the sources failed (${built.error ?? `exit ${built.status}`})`)
    process.exit(built.status || 1)
  }
  const remove = () => rmSync(outfile, { force: true })
  // A command may exit before the import settles (process.exit from the CLI).
  process.once('exit', remove)
  try {
    await import(pathToFileURL(outfile).href)
  } finally {
    remove()
  }
}
