#!/usr/bin/env node
// Summarises a V8 .cpuprofile (node --cpu-prof): self time by area (Herald's folders, each package
// in node_modules, Node internals, GC, idle) and by function, and inclusive time of Herald's own
// functions and of each package. run.mjs calls it for `--cpu-prof` with the fan-out's time window
// (CLOCK_MONOTONIC microseconds, as V8 stamps samples on Linux); by hand:
//   node bench/fanout/profile-summary.mjs <file.cpuprofile> [top]
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

function packageOf(path) {
  const nm = path.lastIndexOf('/node_modules/')
  if (nm < 0) return null
  const rest = path.slice(nm + '/node_modules/'.length).split('/')
  return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? '?')
}

function area(url, name) {
  if (!url) return name.startsWith('(') ? name : '(native / V8)'
  if (url.startsWith('node:')) return 'node internals'
  const path = url.replace(/^file:\/\//, '')
  const pkg = packageOf(path)
  if (pkg) return pkg
  const rel = path.startsWith(ROOT) ? path.slice(ROOT.length) : path
  return rel.split('/').slice(0, 3).join('/')
}

/** `window`: {fromUs, toUs} on the profile's own clock; samples outside it are left out. */
export function summarizeProfile(file, top = 25, window = null) {
  const profile = JSON.parse(readFileSync(file, 'utf8'))
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const self = new Map()
  let total = 0
  let t = profile.startTime
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0
    if (window && (t < window.fromUs || t > window.toUs)) continue
    const dt = (profile.timeDeltas[i] ?? 0) / 1000
    total += dt
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + dt)
  }
  const rel = (url) => url.replace(/^file:\/\//, '').replace(ROOT, '')
  const fnKey = ({ functionName, url, lineNumber }) =>
    `${functionName || '(anonymous)'} ${url ? `${rel(url)}:${lineNumber + 1}` : ''}`.trim()
  const add = (map, key, ms) => map.set(key, (map.get(key) ?? 0) + ms)
  const fns = new Map()
  const areas = new Map()
  const ownInclusive = new Map()
  const pkgInclusive = new Map()
  for (const [id, ms] of self) {
    const { callFrame } = byId.get(id)
    add(fns, fnKey(callFrame), ms)
    add(areas, area(callFrame.url, callFrame.functionName), ms)
    const own = new Set()
    const pkgs = new Set()
    for (let n = id; n !== undefined; n = parent.get(n)) {
      const url = byId.get(n).callFrame.url
      if (!url.startsWith('file://')) continue
      const pkg = packageOf(url)
      if (pkg) pkgs.add(pkg)
      else if (/^(src|views)\//.test(rel(url))) own.add(fnKey(byId.get(n).callFrame))
    }
    for (const k of own) add(ownInclusive, k, ms)
    for (const k of pkgs) add(pkgInclusive, k, ms)
  }
  const idle = areas.get('(idle)') ?? 0
  const pct = (ms) => `${((100 * ms) / total).toFixed(1)} %`
  const list = (title, map, n = top) => {
    lines.push('', title)
    for (const [k, ms] of [...map].sort((x, y) => y[1] - x[1]).slice(0, n))
      lines.push(`  ${pct(ms).padStart(7)}  ${(ms / 1000).toFixed(2).padStart(7)} s  ${k}`)
  }
  const lines = [
    `Profile ${file}${window ? ' (fan-out window)' : ''}: ${(total / 1000).toFixed(1)} s sampled, ${pct(total - idle)} busy`,
  ]
  list('Self time by area:', areas)
  list('Self time by function:', fns)
  list("Inclusive time of Herald's functions (src/, views/):", ownInclusive)
  list('Inclusive time by package:', pkgInclusive, 12)
  return lines.join('\n')
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [file, top] = process.argv.slice(2)
  if (!file) {
    console.error('usage: profile-summary.mjs <file.cpuprofile> [top]')
    process.exit(2)
  }
  console.log(summarizeProfile(file, Number(top ?? 25)))
}
