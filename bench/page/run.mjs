#!/usr/bin/env node
// Page benchmark (issue 2): Herald's public page and GET /api/v1/components against a bare Hono
// "hello" route on the same kind of Node server, in the same run, measured with wrk. Prints a
// Markdown section for BENCHMARKS.md. See bench/README.md.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import os from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { register } from 'tsx/esm/api'
import {
  ACCEPT_ENCODING,
  CONNECTIONS,
  describeResponse,
  environment,
  fmtInt,
  fmtMs,
  freePort,
  median,
  probe,
  sleep,
  THREADS,
  WRK,
  wrk as runWrk,
} from './common.mjs'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
// Many short rounds rather than a few long ones: the machine's speed drifts over seconds, and each
// target's ratio is taken against the hello run of its own round (see the verdicts below).
const DURATION = Number(process.env.BENCH_DURATION ?? 5)
const RUNS = Number(process.env.BENCH_RUNS ?? 7)
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3)
// Fewer incidents only to try the script out quickly; published figures use the default.
const INCIDENTS = Number(process.env.BENCH_INCIDENTS ?? 1000)
const TARGET_RATIO = 0.8
const TARGET_P99_MS = 20

const children = new Set()
let workDir

function cleanup() {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  children.clear()
  if (workDir && !process.env.BENCH_KEEP) rmSync(workDir, { recursive: true, force: true })
}
process.on('exit', cleanup)
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'])
  process.once(signal, () => {
    console.error(`\n${signal}: stopping`)
    process.exit(130)
  })

const log = (msg) => console.error(`[bench] ${msg}`)

/** Starts a Node child on a free loopback port and waits until it answers HTTP. */
async function startServer(name, args, env = {}) {
  const port = await freePort()
  const guard = ['--import', './bench/page/exit-with-parent.mjs']
  const child = spawn(process.execPath, [...guard, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  children.add(child)
  let output = ''
  // Keep draining the pipes (a full pipe would stall the server) and keep the tail for errors.
  const keep = (chunk) => (output = (output + chunk).slice(-4000))
  child.stdout.on('data', keep)
  child.stderr.on('data', keep)
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`${name} exited with ${child.exitCode}:\n${output}`)
    try {
      await probe(url + '/')
      log(`${name} is up at ${url}`)
      return { name, url, child, output: () => output }
    } catch {
      await sleep(100)
    }
  }
  throw new Error(`${name} did not answer within 60 s:\n${output}`)
}

function stopServer(server) {
  return new Promise((resolve) => {
    const { child } = server
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
    child.once('exit', () => {
      clearTimeout(timer)
      children.delete(child)
      resolve()
    })
    child.kill('SIGTERM')
  })
}

/** One GET with the body exactly as sent (no decoding), and the response headers. */
function rawGet(url, headers) {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () =>
        resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }),
      )
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

async function main() {
  if (!existsSync(WRK))
    throw new Error(`wrk not found at ${WRK} (apt-get install wrk, or set WRK=)`)
  const targetsCount = 5
  const budget = (targetsCount * (WARMUP + RUNS * (DURATION + 5)) + 300) * 1000
  setTimeout(() => {
    console.error(`[bench] gave up after ${Math.round(budget / 1000)} s`)
    process.exit(1)
  }, budget).unref()

  workDir = mkdtempSync(join(os.tmpdir(), 'herald-bench-'))
  const dbPath = join(workDir, 'bench.db')
  log(`seeding ${dbPath} …`)
  register({ tsconfig: join(ROOT, 'tsconfig.json') })
  const { seedBenchDatabase } = await import('./seed.ts')
  const seed = await seedBenchDatabase(dbPath, { resolvedIncidents: INCIDENTS })
  log(`seeded in ${(seed.ms / 1000).toFixed(1)} s: ${JSON.stringify(seed.counts)}`)

  const herald = await startServer('herald', ['bin/herald.mjs', 'serve'], {
    DATABASE_PATH: dbPath,
    LOG_LEVEL: 'warn',
  })
  // A second baseline: bare Hono answering with exactly the bytes and headers Herald sends for the
  // page. page ÷ same-bytes is what Herald's own work costs; same-bytes ÷ hello what the payload costs.
  // The page as Herald serves it once settled: a fresh render is sent with brotli quality 9 at
  // once and swapped for quality 10 in the background (a fraction of a second later).
  let sample = await rawGet(`${herald.url}/`, { 'Accept-Encoding': ACCEPT_ENCODING })
  for (let tries = 0; tries < 20; tries++) {
    await sleep(500)
    const next = await rawGet(`${herald.url}/`, { 'Accept-Encoding': ACCEPT_ENCODING })
    const settled = next.body.length === sample.body.length
    sample = next
    if (settled && tries > 0) break
  }
  const sampleHeaders = {}
  for (const [k, v] of Object.entries(sample.headers)) {
    if (!['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding'].includes(k))
      sampleHeaders[k] = v
  }
  const encoded = sample.body
  writeFileSync(join(workDir, 'same-bytes.body'), encoded)
  writeFileSync(join(workDir, 'same-bytes.json'), JSON.stringify(sampleHeaders))
  const hello = await startServer('hello', ['bench/page/hello.mjs'], {
    SAME_BYTES_BODY: join(workDir, 'same-bytes.body'),
    SAME_BYTES_HEADERS: join(workDir, 'same-bytes.json'),
  })

  const auth = { Authorization: `Bearer ${seed.token}` }
  const targets = [
    { key: 'hello', label: 'bare Hono `GET /` (hello)', url: `${hello.url}/` },
    {
      key: 'same-bytes',
      label: "bare Hono sending the page's bytes and headers",
      url: `${hello.url}/same-bytes`,
    },
    { key: 'page', label: 'Herald `GET /` (status page)', url: `${herald.url}/` },
    {
      key: 'summary',
      label: 'Herald `GET /api/v2/summary.json`',
      url: `${herald.url}/api/v2/summary.json`,
    },
    {
      key: 'api',
      label: 'Herald `GET /api/v1/components`',
      url: `${herald.url}/api/v1/components`,
      headers: auth,
    },
  ]
  for (const t of targets) {
    t.probe = await probe(t.url, t.headers)
    t.runs = []
    log(`${t.key}: ${describeResponse(t.probe)}`)
  }
  const api = targets.find((t) => t.key === 'api')
  // 404: the route does not exist yet; 401/403: the token was not accepted.
  if (api.probe.status === 404 || api.probe.status === 401 || api.probe.status === 403) {
    api.unavailable = `not available (HTTP ${api.probe.status})`
    log(`api: ${api.unavailable}; skipping it`)
  }
  const active = targets.filter((t) => !t.unavailable)

  for (const t of active) {
    log(`warming up ${t.key} (${WARMUP} s)`)
    await runWrk(t, WARMUP, children)
  }
  // Alternate targets so drift over the run (thermal, other load) hits all of them alike.
  for (let run = 1; run <= RUNS; run++) {
    for (const t of active) {
      const r = await runWrk(t, DURATION, children)
      t.runs.push(r)
      log(
        `run ${run}/${RUNS} ${t.key}: ${fmtInt(r.rps)} req/s, p99 ${fmtMs(r.p99ms)} ms` +
          (r.non2xx ? `, ${r.non2xx} non-2xx` : '') +
          (r.socketErrors ? `, ${r.socketErrors} socket errors` : ''),
      )
    }
  }
  await stopServer(herald)
  await stopServer(hello)

  const helloRuns = active.find((t) => t.key === 'hello').runs
  for (const t of active) {
    // Each run against the hello run of the same round, seconds apart: drift cancels out.
    t.paired = median(t.runs.map((r, i) => r.rps / helloRuns[i].rps))
    t.rps = median(t.runs.map((r) => r.rps))
    t.p99 = median(t.runs.map((r) => r.p99ms ?? Infinity))
    t.non2xx = t.runs.reduce((a, r) => a + r.non2xx, 0)
    t.socketErrors = t.runs.reduce((a, r) => a + r.socketErrors, 0)
  }

  const [helloT, bytesT, pageT] = targets
  const lines = []
  lines.push(`### Page benchmark, ${new Date().toISOString().slice(0, 10)}`)
  lines.push('')
  lines.push(`- Machine: ${environment(ROOT)}`)
  lines.push(
    `- Data: ${seed.counts.groups} groups, ${seed.counts.components} components, ` +
      `${fmtInt(seed.counts.incidents)} incidents (2 open) with ${fmtInt(seed.counts.events)} public events over 90 days ` +
      `(seeded through the use cases in ${(seed.ms / 1000).toFixed(1)} s)`,
  )
  lines.push(
    `- Load: \`wrk -t${THREADS} -c${CONNECTIONS} -d${DURATION}s --latency -H 'Accept-Encoding: ${ACCEPT_ENCODING}'\`, ` +
      `${RUNS} rounds after a ${WARMUP} s warm-up per target, each round running every target once in turn; medians. ` +
      'Servers and wrk share the machine (loopback). Ratios are the median over rounds of each run against the hello run of its round ' +
      '(the ratio of the medians is shown beside it).',
  )
  lines.push('')
  lines.push(
    '| Target | Response | req/s (median) | p99 latency (median) | vs hello in its round (median) | req/s per run | Errors |',
  )
  lines.push('|---|---|---:|---:|---:|---|---|')
  for (const t of targets) {
    if (t.unavailable) {
      lines.push(`| ${t.label} | ${t.unavailable} | – | – | – | – | – |`)
      continue
    }
    const errors = [
      t.non2xx ? `${fmtInt(t.non2xx)} non-2xx (HTTP ${t.probe.status})` : '',
      t.socketErrors ? `${fmtInt(t.socketErrors)} socket errors` : '',
    ]
      .filter(Boolean)
      .join(', ')
    lines.push(
      `| ${t.label} | ${describeResponse(t.probe)} | ${fmtInt(t.rps)} | ${fmtMs(t.p99)} ms | ${t.paired.toFixed(2)}× | ` +
        `${t.runs.map((r) => fmtInt(r.rps)).join(' / ')} | ${errors || 'none'} |`,
    )
  }
  lines.push('')
  const ratio = pageT.paired
  const ofMedians = (t) => `${(t.rps / helloT.rps).toFixed(2)}× as a ratio of the medians`
  const pageOk = pageT.non2xx === 0 && pageT.probe.status === 200
  const verdict = (ok) => (ok ? 'met' : 'NOT met')
  lines.push(
    `- Page vs hello: **${ratio.toFixed(2)}×** the requests per second (${ofMedians(pageT)}; target ≥ ${TARGET_RATIO}×: ${verdict(ratio >= TARGET_RATIO && pageOk)}).`,
  )
  lines.push(
    `- Page p99: **${fmtMs(pageT.p99)} ms** (target < ${TARGET_P99_MS} ms: ${verdict(pageT.p99 < TARGET_P99_MS && pageOk)}).`,
  )
  lines.push(
    `- Where the gap is: the page's bytes and headers served by bare Hono reach ${bytesT.paired.toFixed(2)}× hello ` +
      `(the cost of sending the page at all), and Herald reaches ${(pageT.paired / bytesT.paired).toFixed(2)}× that (the cost of Herald's own request handling).`,
  )
  if (!pageOk)
    lines.push(
      `- The page did not answer 200 throughout (probe: HTTP ${pageT.probe.status}; wrk: ${fmtInt(pageT.non2xx)} non-2xx), so its figures do not count.`,
    )
  const summaryT = targets.find((t) => t.key === 'summary')
  if (!summaryT.unavailable)
    lines.push(
      `- \`/api/v2/summary.json\` vs hello: **${summaryT.paired.toFixed(2)}×** (${ofMedians(summaryT)}), p99 **${fmtMs(summaryT.p99)} ms** ` +
        `(target ≥ ${TARGET_RATIO}× and < ${TARGET_P99_MS} ms: ${verdict(summaryT.paired >= TARGET_RATIO && summaryT.p99 < TARGET_P99_MS && summaryT.non2xx === 0)}).`,
    )
  if (!api.unavailable)
    lines.push(
      `- API vs hello: ${api.paired.toFixed(2)}×, p99 ${fmtMs(api.p99)} ms (same targets, for reference).`,
    )
  console.log(lines.join('\n'))
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(`[bench] failed: ${err instanceof Error ? err.message : String(err)}`)
    process.exit(1)
  },
)
