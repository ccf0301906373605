#!/usr/bin/env node
// Runs the TypeScript sources with no build step, so `npm install && npm start` is all it takes.
//
// esbuild bundles src/cli.ts and everything it imports from this package (about 0.2 s; packages
// stay ordinary imports from node_modules) into one file beside node_modules, which is imported
// and removed at once. Running from one bundle rather than through a loader hook keeps the
// process lean: tsx's hook runs in a thread of its own that stays alive, and compiles module by
// module (about 40 MB more resident memory for the server). `HERALD_LOADER=tsx`, or a package
// folder we cannot write to, runs through tsx instead.
import { randomBytes } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs'
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

/** Removes bundles left by processes that are gone (killed before they could remove theirs). */
function sweep(dir) {
  for (const name of readdirSync(dir)) {
    const pid = Number(/^cli-(\d+)-[0-9a-f]+\.mjs$/.exec(name)?.[1])
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
  const { build } = await import('esbuild')
  // Each source file keeps its own import.meta.url, so paths relative to it (migrations, public/)
  // resolve as they do unbundled.
  const ownMetaUrl = {
    name: 'own-import-meta-url',
    setup(b) {
      b.onLoad({ filter: /\.tsx?$/ }, (args) => {
        if (args.path.includes(`${'/'}node_modules${'/'}`)) return undefined
        const url = JSON.stringify(pathToFileURL(args.path).href)
        const text = readFileSync(args.path, 'utf8').replaceAll('import.meta.url', url)
        return { contents: text, loader: args.path.endsWith('.tsx') ? 'tsx' : 'ts' }
      })
    },
  }
  const outfile = join(dir, `cli-${process.pid}-${randomBytes(4).toString('hex')}.mjs`)
  await build({
    entryPoints: [join(root, 'src', 'cli.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    tsconfig: join(root, 'tsconfig.json'),
    plugins: [ownMetaUrl],
    logLevel: 'error',
    legalComments: 'none',
  })
  const remove = () => rmSync(outfile, { force: true })
  // A command may exit before the import settles (process.exit from the CLI).
  process.once('exit', remove)
  try {
    await import(pathToFileURL(outfile).href)
  } finally {
    remove()
  }
}
