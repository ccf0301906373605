#!/usr/bin/env node
// Fails when a Node-only module reached the Worker bundle. Reads what `wrangler deploy --dry-run
// --outdir DIR --metafile` wrote (npm run check:worker): esbuild's metafile lists every bundled
// source file and every import left external, and the bundle text shows any import it kept.
// Usage: node bin/check-worker-bundle.mjs [DIR] (default dist/worker)
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const dir = process.argv[2] ?? 'dist/worker'
const root = new URL('..', import.meta.url)

// Packages and files that only run on Node (STYLE.md: mail, storage and serving are ports).
const NODE_ONLY_INPUTS = [
  /(^|\/)node_modules\/better-sqlite3\//,
  /(^|\/)node_modules\/bindings\//,
  /(^|\/)node_modules\/nodemailer\//,
  /(^|\/)node_modules\/@hono\/node-server\//,
  /\.node\.tsx?$/,
  /(^|\/)src\/runtime\/node\.ts$/,
  /(^|\/)src\/cli\.ts$/,
]

// With nodejs_compat, Workers implement these node:* modules natively. Without it, none exist, and
// anything else (fs, child_process, worker_threads, http…) is at best an empty polyfill.
const WORKERS_NODE_MODULES = new Set(
  ['assert', 'async_hooks', 'buffer', 'crypto', 'diagnostics_channel', 'events', 'net', 'path']
    .concat(['process', 'stream', 'string_decoder', 'timers', 'url', 'util', 'zlib'])
    .map((m) => `node:${m}`),
)

const wranglerToml = readFileSync(new URL('wrangler.toml', root), 'utf8')
const nodejsCompat = /^\s*compatibility_flags\s*=.*\bnodejs_compat\b/m.test(wranglerToml)

const problems = []
const meta = JSON.parse(readFileSync(join(dir, 'bundle-meta.json'), 'utf8'))
for (const input of Object.keys(meta.inputs)) {
  if (NODE_ONLY_INPUTS.some((re) => re.test(input))) problems.push(`bundles Node-only ${input}`)
}

const allowed = (specifier) =>
  specifier.startsWith('cloudflare:') ||
  (nodejsCompat && WORKERS_NODE_MODULES.has(specifier.replace(/^(?!node:)/, 'node:')))

for (const [file, output] of Object.entries(meta.outputs)) {
  for (const imp of output.imports ?? []) {
    if (imp.external && !allowed(imp.path)) problems.push(`${file} imports ${imp.path}`)
  }
}

// Belt and braces: a kept import or require of node:* in the bundle text. (Wrangler renames the
// outputs it copies to DIR, so the metafile's output names are not the files' names.)
const scripts = readdirSync(dir).filter((file) => /\.m?js$/.test(file))
let bytes = 0
for (const file of scripts) {
  const text = readFileSync(join(dir, file), 'utf8')
  bytes += Buffer.byteLength(text)
  const loads = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)["'](node:[\w/]+)["']/g
  for (const m of text.matchAll(loads)) if (!allowed(m[1])) problems.push(`${file} loads ${m[1]}`)
}
if (scripts.length === 0) problems.push(`no bundled script in ${dir}`)

if (problems.length > 0) {
  console.error(`Worker bundle check failed (${dir}):`)
  for (const p of new Set(problems)) console.error(`  - ${p}`)
  process.exit(1)
}
const inputs = Object.keys(meta.inputs).length
console.log(
  `Worker bundle ok: ${inputs} inputs, ${Math.round(bytes / 1024)} KiB, no Node-only modules`,
)
