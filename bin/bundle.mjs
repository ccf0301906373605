#!/usr/bin/env node
// `node bin/bundle.mjs OUTFILE [ENTRY]`: bundles ENTRY (src/cli.ts unless given) and everything it
// imports from this package into OUTFILE (packages stay ordinary imports from node_modules).
// bin/herald.mjs runs this in a child process of its own, so that the server process never runs
// esbuild (see there); bench/fanout/ceiling.mjs does the same for the raw-transport ceilings.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))
const outfile = process.argv[2]
const entry = process.argv[3] ?? join(root, 'src', 'cli.ts')
if (!outfile) {
  console.error('usage: node bin/bundle.mjs OUTFILE [ENTRY]')
  process.exit(2)
}

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

await build({
  entryPoints: [entry],
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
