#!/usr/bin/env node
// Fan-out benchmark (issue 4): one update to 100,000 e-mail and 10,000 webhook subscribers through
// a local SMTP sink and a local webhook receiver, as a ratio against the raw transports' ceilings
// measured in the same run; Herald's peak RSS; and the p99 latency of posting an update with the
// subscribers present. Prints a Markdown section for BENCHMARKS.md. See bench/fanout/README.md.
import { execFileSync, fork, spawn } from 'node:child_process'
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs'
import http from 'node:http'
import { createServer } from 'node:net'
import os from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import Database from 'better-sqlite3'
import { gitCommit } from '../page/common.mjs'
import { summarizeProfile } from './profile-summary.mjs'
import { seedSubscribers } from './seed.mjs'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const HERE = fileURLToPath(new URL('.', import.meta.url))
const GUARD = pathToFileURL(join(ROOT, 'bench/page/exit-with-parent.mjs')).href

const { values: flags } = parseArgs({
  options: {
    emails: { type: 'string', default: '100000' },
    webhooks: { type: 'string', default: '10000' },
    posts: { type: 'string', default: '200' },
    // 'grouped': e-mail subscribers first, then webhooks (per-channel rates readable); 'mixed'.
    order: { type: 'string', default: 'grouped' },
    concurrency: { type: 'string', default: process.env.DELIVERY_CONCURRENCY ?? '50' },
    // A notify-off post every this many ms during the fan-out (0: none), for reference.
    'probe-ms': { type: 'string', default: '2000' },
    'cpu-prof': { type: 'boolean', default: false },
    // Extra webhook ceilings whose sender spends this many µs of CPU on its main thread before
    // each request (comma-separated), standing in for a dispatcher's work per delivery.
    'ceiling-work-us': { type: 'string', default: '' },
    keep: { type: 'boolean', default: false },
  },
  strict: true,
})
const EMAILS = Number(flags.emails)
const WEBHOOKS = Number(flags.webhooks)
const POSTS = Number(flags.posts)
const ORDER = flags.order
const CONCURRENCY = Number(flags.concurrency)
const PROBE_MS = Number(flags['probe-ms'])
const WORK_US = flags['ceiling-work-us']
  ? flags['ceiling-work-us'].split(',').map((x) => Number(x.trim()))
  : []
if (WORK_US.some((n) => !Number.isInteger(n) || n <= 0))
  throw new Error('--ceiling-work-us takes whole numbers of microseconds above 0, comma-separated')
for (const [name, n] of Object.entries({ EMAILS, WEBHOOKS, POSTS, CONCURRENCY, PROBE_MS }))
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`--${name.toLowerCase()} must be a whole number`)
if (EMAILS + WEBHOOKS === 0) throw new Error('nothing to send: --emails and --webhooks are both 0')
if (ORDER !== 'grouped' && ORDER !== 'mixed') throw new Error('--order must be grouped or mixed')

const TARGET_RATIO = 0.8
const TARGET_RSS_MB = 256
const TARGET_P99_MS = 50
const UPDATES_PER_INCIDENT = 10
const RSS_POLL_MS = 200
const TEXTS = {
  pageName: 'Status',
  incidentName: 'Elevated API error rates',
  openingBody:
    'We are investigating elevated error rates on the public API. Some requests fail with 502.',
  updateBody:
    'We have identified the cause: a **database failover** in one region left a pool of API ' +
    'servers with stale connections. We are recycling them now; error rates are already falling. ' +
    'Next update within 30 minutes, or sooner if anything changes. Details: [status notes](https://example.com/notes).',
}

const children = new Set()
let workDir

function cleanup() {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  children.clear()
  if (workDir && !flags.keep) rmSync(workDir, { recursive: true, force: true })
}
process.on('exit', cleanup)
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'])
  process.once(signal, () => {
    console.error(`\n${signal}: stopping`)
    process.exit(130)
  })

const log = (msg) => console.error(`[bench] ${msg}`)
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
const nowMs = () => performance.timeOrigin + performance.now()
const fmtInt = (n) => Math.round(n).toLocaleString('en-US')
const fmtMs = (n) => (n < 10 ? n.toFixed(2) : n.toFixed(1))
const fmtS = (ms) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`
const fmtMB = (kb) => `${(kb / 1024).toFixed(0)} MB`
const fmtRatio = (r) => `${r.toFixed(2)}×`
const verdict = (ok) => (ok ? 'met' : 'NOT met')

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

// --- child processes -----------------------------------------------------------------------------

/** A Node child with an IPC channel; `next(type)` resolves with its next message of that type. */
function forkChild(name, script, env = {}, execArgv = []) {
  const child = fork(join(HERE, script), [], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    execArgv: ['--import', GUARD, ...execArgv],
    stdio: ['pipe', 'pipe', 'pipe', 'ipc'],
  })
  children.add(child)
  let output = ''
  const keep = (chunk) => (output = (output + chunk).slice(-4000))
  child.stdout.on('data', keep)
  child.stderr.on('data', keep)
  const waiters = []
  const listeners = new Map()
  child.on('message', (msg) => {
    listeners.get(msg?.type)?.(msg)
    const i = waiters.findIndex((w) => w.type === msg?.type)
    if (i >= 0) waiters.splice(i, 1)[0].resolve(msg)
  })
  child.once('exit', (code, signal) => {
    children.delete(child)
    for (const w of waiters.splice(0))
      w.reject(
        new Error(`${name} exited (${code ?? signal}) while waiting for ${w.type}:\n${output}`),
      )
  })
  return {
    name,
    child,
    output: () => output,
    on: (type, fn) => listeners.set(type, fn),
    next(type, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          const i = waiters.indexOf(w)
          if (i >= 0) waiters.splice(i, 1)
          reject(new Error(`${name}: no ${type} within ${fmtS(timeoutMs)}\n${output}`))
        }, timeoutMs)
        const w = {
          type,
          resolve: (m) => (clearTimeout(timer), resolve(m)),
          reject: (e) => (clearTimeout(timer), reject(e)),
        }
        waiters.push(w)
      })
    },
    ask(msg, type, timeoutMs) {
      const reply = this.next(type, timeoutMs)
      child.send(msg)
      return reply
    },
  }
}

async function startListener(name, script) {
  const c = forkChild(name, script)
  const { port } = await c.next('listening')
  log(`${name} listening on 127.0.0.1:${port}`)
  return { ...c, port }
}

function stopChild(child, graceMs = 5000) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
    child.once('exit', () => {
      clearTimeout(timer)
      children.delete(child)
      resolve()
    })
    child.kill('SIGTERM')
  })
}

function herald(args, env) {
  return execFileSync(process.execPath, ['bin/herald.mjs', ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  })
}

/** `node bin/herald.mjs serve` on a free loopback port; resolves once it prints its URL. */
async function startHerald(name, env, nodeFlags = []) {
  const port = await freePort()
  const child = spawn(
    process.execPath,
    ['--import', GUARD, ...nodeFlags, 'bin/herald.mjs', 'serve'],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        LOG_LEVEL: 'warn',
        WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
        DELIVERY_CONCURRENCY: String(CONCURRENCY),
        ...env,
        PORT: String(port),
        HOST: '127.0.0.1',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  )
  children.add(child)
  let output = ''
  let logged = 0
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name} did not start within 60 s:\n${output}`)),
      60_000,
    )
    const keep = (chunk) => {
      output = (output + chunk).slice(-8000)
      const m = /Herald is serving (http:\/\/\S+)/.exec(output)
      if (m) {
        clearTimeout(timer)
        resolve(m[1])
      }
    }
    child.stdout.on('data', keep)
    child.stderr.on('data', keep)
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}:\n${output}`)))
  })
  // Anything Herald logs after start-up at LOG_LEVEL=warn is a warning or an error: count it.
  child.stderr.on('data', (chunk) => (logged += String(chunk).split('\n').filter(Boolean).length))
  log(`${name} (pid ${child.pid}) is up at ${url}`)
  return { name, url, child, pid: child.pid, output: () => output, logged: () => logged }
}

// --- HTTP client for the API ----------------------------------------------------------------------

function apiClient(base, token) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  return (method, path, body) =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body)
      const started = performance.now()
      const req = http.request(
        `${base}${path}`,
        {
          method,
          agent,
          headers: {
            Authorization: `Bearer ${token}`,
            ...(payload ? { 'Content-Type': 'application/json' } : {}),
          },
        },
        (res) => {
          const chunks = []
          res.on('data', (c) => chunks.push(c))
          res.on('end', () => {
            const ms = performance.now() - started
            const text = Buffer.concat(chunks).toString('utf8')
            let json = null
            try {
              json = JSON.parse(text)
            } catch {
              // not JSON
            }
            resolve({ status: res.statusCode, json, text, ms })
          })
        },
      )
      req.setTimeout(30_000, () => req.destroy(new Error(`timeout: ${method} ${path}`)))
      req.once('error', reject)
      req.end(payload)
    })
}

async function openIncident(api, name) {
  const res = await api('POST', '/api/v1/incidents', {
    name,
    impact: 'minor',
    status: 'investigating',
    body: TEXTS.openingBody,
    notify: false,
  })
  if (res.status !== 201)
    throw new Error(`opening an incident answered ${res.status}: ${res.text.slice(0, 300)}`)
  return res.json.id
}

async function postUpdate(api, incidentId, notify) {
  const res = await api('POST', `/api/v1/incidents/${incidentId}/updates`, {
    body: TEXTS.updateBody,
    status: 'identified',
    notify,
  })
  if (res.status !== 201)
    throw new Error(`posting an update answered ${res.status}: ${res.text.slice(0, 300)}`)
  return res
}

function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN
}
const latencyStats = (xs) => ({
  n: xs.length,
  p50: percentile(xs, 50),
  p99: percentile(xs, 99),
  max: Math.max(...xs),
})

function procStatus(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN)
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') }
  } catch {
    return { rss: NaN, hwm: NaN }
  }
}

let clockTicks = 100
try {
  clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
} catch {
  // Linux's usual value.
}

/**
 * CPU time (user + system) a process, or one of its threads (`tid`; the main thread's is the
 * pid), has used so far, in ms; NaN once it is gone.
 */
function cpuMs(pid, tid = null) {
  try {
    const stat = readFileSync(
      tid === null ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`,
      'utf8',
    )
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks
  } catch {
    return NaN
  }
}

function deliveryStates(dbPath) {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true })
  try {
    db.pragma('busy_timeout = 5000')
    const rows = db.prepare('select state, count(*) as n from deliveries group by state').all()
    return Object.fromEntries(rows.map((r) => [r.state, r.n]))
  } finally {
    db.close()
  }
}

// --- phases ---------------------------------------------------------------------------------------

/** One raw-transport ceiling: `count` sends, timed from the sender's start to the sink's last arrival. */
async function measureCeiling(mode, target, count, workUs = 0) {
  if (count === 0) return null
  // Untimed copies first, so the ceiling is the transport at its best (Herald starts cold).
  const warmup = Math.min(1000, Math.max(100, Math.round(count / 10)))
  await target.ask({ type: 'reset' }, 'reset-ok')
  const reached = target.ask(
    { type: 'expect', count: warmup + count },
    'reached',
    60_000 + (warmup + count) * 5,
  )
  reached.catch(() => {})
  const url =
    mode === 'mail' ? `smtp://127.0.0.1:${target.port}` : `http://127.0.0.1:${target.port}`
  const sender = forkChild(`${mode} ceiling`, 'ceiling.mjs', {
    BENCH_CEILING: JSON.stringify({
      mode,
      url,
      count,
      warmup,
      concurrency: CONCURRENCY,
      workUs,
      texts: { ...TEXTS, baseUrl: 'http://127.0.0.1:3000' },
    }),
  })
  const start = await sender.next('start', 60_000 + warmup * 5)
  const cpu0 = { sender: cpuMs(sender.child.pid), target: cpuMs(target.child.pid) }
  const done = sender.next('done', 60_000 + count * 5)
  const first = await Promise.race([reached, done])
  if (first.type === 'done' && first.failed > 0)
    throw new Error(`${mode} ceiling: ${first.failed} sends failed (first: ${first.firstError})`)
  const end = await reached
  const cpu = {
    sender: cpuMs(sender.child.pid) - cpu0.sender,
    target: cpuMs(target.child.pid) - cpu0.target,
  }
  await done
  await stopChild(sender.child)
  const stats = await target.ask({ type: 'stats' }, 'stats')
  const ms = end.at - start.at
  const rate = (count / ms) * 1000
  log(
    `${mode} ceiling${workUs ? ` with ${workUs} µs of work per send` : ''}: ${fmtInt(count)} in ${fmtS(ms)} = ${fmtInt(rate)}/s`,
  )
  return {
    count,
    warmup,
    ms,
    rate,
    bytes: stats.bytes / stats.count,
    duplicates: stats.duplicates,
    cpu,
  }
}

async function measureCeilings(sink, receiver, label) {
  log(`raw transport ceilings (${label}) …`)
  return {
    mail: await measureCeiling('mail', sink, EMAILS),
    webhook: await measureCeiling('webhook', receiver, WEBHOOKS),
  }
}

/** The post-latency run: delivery parked on a blackhole, POSTS timed posts with notify on. */
async function measurePostLatency(dbPath, token, hole) {
  const server = await startHerald('herald (latency run)', {
    DATABASE_PATH: dbPath,
    SMTP_URL: `smtp://127.0.0.1:${hole.port}`,
  })
  const api = apiClient(server.url, token)
  const incidents = []
  for (let i = 0; i < Math.ceil(POSTS / UPDATES_PER_INCIDENT) + 1; i++)
    incidents.push(await openIncident(api, `${TEXTS.incidentName} #${i + 1}`))
  const warm = incidents.pop()
  // Warm-up: JIT and caches with notify off, then one notify-on post that sets the delivery loop
  // going; once the blackhole sees its connections, the loop waits on them (15 s timeouts).
  for (let i = 0; i < 10; i++) await postUpdate(api, warm, false)
  await postUpdate(api, warm, true)
  const parkedBy = Date.now() + 30_000
  for (;;) {
    const { connections } = await hole.ask({ type: 'stats' }, 'stats')
    if (connections > 0) break
    if (Date.now() > parkedBy) throw new Error('the delivery loop never reached the blackhole')
    await sleep(100)
  }
  await sleep(1000)
  const before = deliveryStates(dbPath)
  const windowStart = Date.now()
  const times = []
  for (let i = 0; i < POSTS; i++) {
    const res = await postUpdate(api, incidents[Math.floor(i / UPDATES_PER_INCIDENT)], true)
    times.push(res.ms)
  }
  const windowMs = Date.now() - windowStart
  const after = deliveryStates(dbPath)
  const total = (s) => Object.values(s).reduce((a, b) => a + b, 0)
  const expandedDuring = total(after) - total(before)
  const logged = server.logged()
  await stopChild(server.child)
  await stopChild(hole.child)
  const stats = latencyStats(times)
  log(
    `post latency: p50 ${fmtMs(stats.p50)} ms, p99 ${fmtMs(stats.p99)} ms, max ${fmtMs(stats.max)} ms over ${POSTS} posts in ${fmtS(windowMs)}`,
  )
  return { ...stats, windowMs, expandedDuring, logged }
}

/** The fan-out: one notify-on update, timed until the sink and the receiver have everything. */
async function measureFanout(dbPath, token, sink, receiver, ceilingMs) {
  const profDir = join(workDir, 'cpu-prof')
  if (flags['cpu-prof']) mkdirSync(profDir, { recursive: true })
  const server = await startHerald(
    'herald (fan-out run)',
    { DATABASE_PATH: dbPath, SMTP_URL: `smtp://127.0.0.1:${sink.port}` },
    flags['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', profDir] : [],
  )
  const api = apiClient(server.url, token)
  const probeApi = apiClient(server.url, token)
  const incident = await openIncident(api, TEXTS.incidentName)
  const probeIncident = await openIncident(probeApi, `${TEXTS.incidentName} (probe)`)
  await sink.ask({ type: 'reset' }, 'reset-ok')
  await receiver.ask({ type: 'reset' }, 'reset-ok')
  const idle = procStatus(server.pid)

  let maxRss = idle.rss
  const poll = setInterval(() => {
    const { rss } = procStatus(server.pid)
    if (rss > maxRss) maxRss = rss
  }, RSS_POLL_MS)
  const counts = { mail: 0, webhook: 0 }
  // Herald's main-thread CPU at the channel boundaries, for its cost per webhook delivery alone.
  const mainCpu = () => ({ cpu: cpuMs(server.pid, server.pid), at: nowMs() })
  const marks = {}
  sink.on('progress', (m) => (counts.mail = m.count))
  receiver.on('progress', (m) => {
    counts.webhook = m.count
    marks.hookFirst ??= mainCpu()
  })
  const progress = setInterval(() => {
    log(
      `fan-out: mail ${fmtInt(counts.mail)} / ${fmtInt(EMAILS)}, webhooks ${fmtInt(counts.webhook)} / ${fmtInt(WEBHOOKS)}, RSS ${fmtMB(procStatus(server.pid).rss)}`,
    )
  }, 5000)

  // Generous, but bounded: 8× what the raw transports needed for the same work, at least 2 min.
  // A fan-out that runs out of time is reported with the counts it reached.
  const timeoutMs = Number(process.env.BENCH_FANOUT_TIMEOUT_MS) || Math.max(120_000, 8 * ceilingMs)
  const expect = (target, count) =>
    count === 0
      ? Promise.resolve(null)
      : target.ask({ type: 'expect', count }, 'reached', timeoutMs)
  const mailDone = expect(sink, EMAILS)
  const hookDone = expect(receiver, WEBHOOKS)
  mailDone.then(() => (marks.mailEnd = mainCpu())).catch(() => {})
  hookDone.then(() => (marks.hookEnd = mainCpu())).catch(() => {})

  const cpu0 = {
    herald: cpuMs(server.pid),
    heraldMain: cpuMs(server.pid, server.pid),
    sink: cpuMs(sink.child.pid),
    receiver: cpuMs(receiver.child.pid),
  }
  const t0 = nowMs()
  const t0Us = process.hrtime.bigint() / 1000n
  const post = await postUpdate(api, incident, true)
  log(
    `posted the update (HTTP 201 in ${fmtMs(post.ms)} ms); waiting for ${fmtInt(EMAILS + WEBHOOKS)} deliveries`,
  )

  const probes = []
  let finished = false
  const probing = (async () => {
    if (PROBE_MS === 0) return
    while (!finished) {
      await sleep(PROBE_MS)
      if (finished) break
      probes.push((await postUpdate(probeApi, probeIncident, false)).ms)
    }
  })()

  // A channel that completes keeps its figures even if the other one runs out of time.
  const settled = await Promise.allSettled([mailDone, hookDone])
  const [mail, hook] = settled.map((r) => (r.status === 'fulfilled' ? r.value : null))
  const failure = settled.find((r) => r.status === 'rejected')?.reason ?? null
  const endUs = process.hrtime.bigint() / 1000n
  // The webhook window as the report times it: from the earlier of its first request and the
  // last mail (grouped order), to its last request.
  const hookStart = [marks.hookFirst, ORDER === 'grouped' ? marks.mailEnd : null]
    .filter(Boolean)
    .reduce((a, b) => (b.at < a.at ? b : a), { at: Infinity })
  const mainPerHookUs =
    marks.hookEnd && hookStart.at !== Infinity && WEBHOOKS
      ? (1000 * (marks.hookEnd.cpu - hookStart.cpu)) / WEBHOOKS
      : null
  const cpu = {
    herald: cpuMs(server.pid) - cpu0.herald,
    heraldMain: cpuMs(server.pid, server.pid) - cpu0.heraldMain,
    sink: cpuMs(sink.child.pid) - cpu0.sink,
    receiver: cpuMs(receiver.child.pid) - cpu0.receiver,
  }
  finished = true
  await probing
  clearInterval(poll)
  clearInterval(progress)
  const end = procStatus(server.pid)
  if (end.rss > maxRss) maxRss = end.rss
  const sinkStats = await sink.ask({ type: 'stats' }, 'stats')
  const hookStats = await receiver.ask({ type: 'stats' }, 'stats')

  // Let the last batch's outcomes be written before reading the deliveries' states.
  let states = deliveryStates(dbPath)
  for (let i = 0; i < 50 && (states.sending || states.pending) && !failure; i++) {
    await sleep(200)
    states = deliveryStates(dbPath)
  }
  const logged = server.logged()
  if (logged)
    log(
      `Herald logged ${logged} lines; the last of them:\n${server.output().split('\n').slice(-6).join('\n')}`,
    )
  await stopChild(server.child, flags['cpu-prof'] ? 60_000 : 5000)
  let profile = null
  if (flags['cpu-prof']) {
    const file = readdirSync(profDir).find(
      (f) => f.endsWith('.cpuprofile') && f.includes(`.${server.pid}.0.`),
    )
    if (file) {
      profile = join(profDir, file)
      console.error(summarizeProfile(profile, 30, { fromUs: Number(t0Us), toUs: Number(endUs) }))
    } else log('no CPU profile was written')
  }
  if (failure) {
    log(
      `fan-out did not complete: mail ${fmtInt(sinkStats.count)} / ${fmtInt(EMAILS)}, webhooks ${fmtInt(hookStats.count)} / ${fmtInt(WEBHOOKS)}`,
    )
  }
  return {
    t0,
    post: post.ms,
    mail,
    hook,
    failure,
    sinkStats,
    hookStats,
    idleRss: idle.rss,
    maxRss,
    hwm: end.hwm,
    probes: probes.length ? latencyStats(probes) : null,
    states,
    logged,
    profile,
    cpu,
    mainPerHookUs,
  }
}

// --- report ---------------------------------------------------------------------------------------

function environment() {
  const cpus = os.cpus()
  const commit = gitCommit(ROOT)
  return `${cpus[0]?.model.trim() ?? 'unknown CPU'} × ${cpus.length}, ${os.platform()} ${os.release()}, Node ${process.version}, commit ${commit}`
}

function command() {
  const args = []
  if (EMAILS !== 100000) args.push(`--emails ${EMAILS}`)
  if (WEBHOOKS !== 10000) args.push(`--webhooks ${WEBHOOKS}`)
  if (POSTS !== 200) args.push(`--posts ${POSTS}`)
  if (ORDER !== 'grouped') args.push(`--order ${ORDER}`)
  if (CONCURRENCY !== 50) args.push(`--concurrency ${CONCURRENCY}`)
  if (PROBE_MS !== 2000) args.push(`--probe-ms ${PROBE_MS}`)
  if (flags['cpu-prof']) args.push('--cpu-prof')
  if (WORK_US.length) args.push(`--ceiling-work-us ${WORK_US.join(',')}`)
  return `npm run bench:fanout${args.length ? ` -- ${args.join(' ')}` : ''}`
}

function report({ seed, before, after, fan, lat, worked }) {
  const best = (k) => {
    const xs = [before[k], after[k]].filter(Boolean)
    return xs.length ? xs.reduce((a, b) => (b.rate > a.rate ? b : a)) : null
  }
  const ceil = { mail: best('mail'), webhook: best('webhook') }
  const lines = []
  const fmtCeiling = (k, unit) =>
    ceil[k]
      ? `${[before[k], after[k]].map((c) => fmtInt(c.rate)).join(' / ')} → **${fmtInt(ceil[k].rate)} ${unit}**`
      : '–'

  // Per-channel windows. Grouped: the channel whose subscribers come first (e-mail) is timed from
  // the post, the other from whichever comes first of its own first arrival and the first
  // channel's end (so any overlap counts against both). Mixed: both from the post. The sender
  // moves on to the webhooks while the last mails are still in the SMTP pool, so the webhooks
  // can finish first.
  const ch = []
  if (EMAILS) ch.push({ key: 'mail', n: EMAILS, end: fan.mail?.at, first: fan.sinkStats.first })
  if (WEBHOOKS)
    ch.push({ key: 'webhook', n: WEBHOOKS, end: fan.hook?.at, first: fan.hookStats.first })
  const complete = ch.every((c) => c.end !== undefined)
  if (complete) {
    if (ORDER !== 'grouped') ch.sort((a, b) => a.end - b.end)
    ch.forEach((c, i) => {
      c.start = ORDER === 'grouped' && i > 0 ? Math.min(c.first, ch[0].end) : fan.t0
      c.ms = c.end - c.start
      c.rate = (c.n / c.ms) * 1000
      c.ratio = c.rate / ceil[c.key].rate
    })
  }
  const byKey = Object.fromEntries(ch.map((c) => [c.key, c]))
  const total = EMAILS + WEBHOOKS
  const elapsed = complete ? Math.max(...ch.map((c) => c.end)) - fan.t0 : null
  // A single sender doing both channels at their raw rates, one after the other.
  const ceilMs = ch.reduce((a, c) => a + (c.n / ceil[c.key].rate) * 1000, 0)
  const combinedRatio = complete ? ceilMs / elapsed : null
  const rssMax = Math.max(fan.hwm, fan.maxRss)

  lines.push(`### Fan-out benchmark, ${new Date().toISOString().slice(0, 10)}`)
  lines.push('')
  lines.push(`- Command: \`${command()}\``)
  lines.push(
    `- Machine: ${environment()}. Shared 2-core machine, noisy; ratios are against ceilings measured in the same run.`,
  )
  lines.push(
    `- Data: ${fmtInt(seed.counts.email ?? 0)} e-mail and ${fmtInt(seed.counts.webhook ?? 0)} webhook subscribers, active, all components ` +
      `(seeded straight into SQLite in ${fmtS(seed.ms)}); ids ${ORDER === 'grouped' ? 'grouped: every e-mail subscriber before every webhook, so the fan-out runs one channel, then the other' : 'mixed: webhooks spread at random among the e-mails'}.`,
  )
  lines.push(
    `- Transports, the same for Herald and the ceilings: Herald's pooled nodemailer transport (\`createSmtpMailer\`, 5 connections, on a worker thread of its own) into a \`smtp-server\` sink, ` +
      `and Herald's webhook sender (\`createNodeHttpSender\`, keep-alive) into a \`node:http\` receiver answering 204; sink and receiver each in their own process; ` +
      `${CONCURRENCY} sends in flight (DELIVERY_CONCURRENCY). Ceilings send one pre-rendered message (Herald's formats, ${fmtInt(ceil.mail?.bytes ?? 0)} B mail, ${fmtInt(ceil.webhook?.bytes ?? 0)} B webhook body) ` +
      `N times after an untimed warm-up (a tenth as many, 100–1,000); they run before and after Herald's fan-out, and the higher one counts.`,
  )
  lines.push('')
  lines.push('| Measure | Herald | Raw ceiling (before / after → used) | Ratio | Target |')
  lines.push('|---|---:|---:|---:|---|')
  const row = (label, c, unit) => {
    if (!c) return
    // Interleaved channels share one sender and one window: only the combined ratio means much.
    const shared = ORDER === 'mixed' && ch.length > 1
    const ratio =
      c.ratio === undefined ? '–' : shared ? `(${fmtRatio(c.ratio)})` : `**${fmtRatio(c.ratio)}**`
    const target = shared
      ? 'channels interleaved: see the combined row'
      : `≥ ${TARGET_RATIO}×: ${verdict(c.ratio >= TARGET_RATIO)}`
    lines.push(
      `| ${label} | ${c.rate !== undefined ? `${fmtInt(c.rate)} ${unit} (${fmtS(c.ms)})` : 'did not complete'} | ${fmtCeiling(c.key, unit)} | ` +
        `${ratio} | ${target} |`,
    )
  }
  row(`E-mail, ${fmtInt(EMAILS)} messages`, byKey.mail, 'msg/s')
  row(`Webhooks, ${fmtInt(WEBHOOKS)} requests`, byKey.webhook, 'req/s')
  lines.push(
    `| Combined, ${fmtInt(total)} deliveries, post to last arrival | ${complete ? `${fmtInt((total / elapsed) * 1000)}/s (${fmtS(elapsed)})` : 'did not complete'} | ` +
      `${fmtInt((total / ceilMs) * 1000)}/s (${fmtS(ceilMs)}: both ceilings back to back) | ${complete ? `**${fmtRatio(combinedRatio)}**` : '–'} | ≥ ${TARGET_RATIO}×: ${verdict(combinedRatio >= TARGET_RATIO)} |`,
  )
  lines.push(
    `| Peak RSS of the Herald process during the fan-out | **${fmtMB(rssMax)}** (VmHWM ${fmtMB(fan.hwm)}; VmRSS polled every ${RSS_POLL_MS} ms: max ${fmtMB(fan.maxRss)}, ${fmtMB(fan.idleRss)} before the post) | – | – | < ${TARGET_RSS_MB} MB: ${verdict(rssMax / 1024 < TARGET_RSS_MB)} |`,
  )
  lines.push(
    `| Post an update with notify on (${fmtInt(EMAILS + WEBHOOKS)} subscribers), ${lat.n} sequential posts | **p99 ${fmtMs(lat.p99)} ms** (p50 ${fmtMs(lat.p50)}, max ${fmtMs(lat.max)}) | – | – | p99 < ${TARGET_P99_MS} ms: ${verdict(lat.p99 < TARGET_P99_MS)} |`,
  )
  if (fan.probes)
    lines.push(
      `| Post an update with notify off while the fan-out runs (reference), one every ${PROBE_MS} ms | p99 ${fmtMs(fan.probes.p99)} ms (p50 ${fmtMs(fan.probes.p50)}, max ${fmtMs(fan.probes.max)}, n = ${fan.probes.n}) | – | – | – |`,
    )
  lines.push('')
  const states =
    Object.entries(fan.states)
      .map(([k, v]) => `${fmtInt(v)} ${k}`)
      .join(', ') || 'none'
  lines.push(
    `- Fan-out: the post answered in ${fmtMs(fan.post)} ms; first delivery ${fmtMs(Math.min(fan.sinkStats.first ?? Infinity, fan.hookStats.first ?? Infinity) - fan.t0)} ms after the post. ` +
      `Deliveries in the database afterwards: ${states}. Arrivals: ${fmtInt(fan.sinkStats.count)} mails (${fmtInt(fan.sinkStats.duplicates)} duplicates, ${fmtInt(fan.sinkStats.count ? fan.sinkStats.bytes / fan.sinkStats.count : 0)} B average), ` +
      `${fmtInt(fan.hookStats.count)} webhook requests (${fmtInt(fan.hookStats.duplicates)} duplicates, ${fmtInt(fan.hookStats.count ? fan.hookStats.bytes / fan.hookStats.count : 0)} B average). ` +
      `Herald logged ${fan.logged} warning/error lines.`,
  )
  const perUnit = (ms, n) => `${(ms / n).toFixed(2)} ms`
  const share = (ms, of) => `${((100 * ms) / of).toFixed(0)} % of one core`
  const cpuParts = []
  if (complete)
    cpuParts.push(
      `during the fan-out, Herald ${perUnit(fan.cpu.herald, total)} per delivery (${share(fan.cpu.herald, elapsed)}; its main thread ${perUnit(fan.cpu.heraldMain, total)}, ${share(fan.cpu.heraldMain, elapsed)})` +
        (EMAILS
          ? `, the sink ${perUnit(fan.cpu.sink, EMAILS)} per mail (${share(fan.cpu.sink, elapsed)})`
          : '') +
        (WEBHOOKS
          ? `, the receiver ${perUnit(fan.cpu.receiver, WEBHOOKS)} per request (${share(fan.cpu.receiver, elapsed)})`
          : ''),
    )
  if (ceil.mail)
    cpuParts.push(
      `mail ceiling, raw sender ${perUnit(ceil.mail.cpu.sender, ceil.mail.count)} per mail (${share(ceil.mail.cpu.sender, ceil.mail.ms)}), sink ${perUnit(ceil.mail.cpu.target, ceil.mail.count)} (${share(ceil.mail.cpu.target, ceil.mail.ms)})`,
    )
  if (ceil.webhook)
    cpuParts.push(
      `webhook ceiling, raw sender ${perUnit(ceil.webhook.cpu.sender, ceil.webhook.count)} per request (${share(ceil.webhook.cpu.sender, ceil.webhook.ms)}), receiver ${perUnit(ceil.webhook.cpu.target, ceil.webhook.count)} (${share(ceil.webhook.cpu.target, ceil.webhook.ms)})`,
    )
  lines.push(`- CPU time (user + system, from /proc): ${cpuParts.join('; ')}.`)
  if (fan.failure)
    lines.push(`- **The fan-out did not complete**: ${String(fan.failure.message).split('\n')[0]}`)
  lines.push(
    `- Post latency: a separate Herald process on a copy of the same database, whose SMTP server and webhook endpoints are a blackhole that accepts connections and never answers. ` +
      `One notify-on warm-up post sets the delivery loop going; once its sends hang (15 s timeouts) the ${lat.n} timed posts (${UPDATES_PER_INCIDENT} per incident, one HTTP keep-alive connection) ` +
      `meet no delivery work: this times the write path (the post, its event and its broadcast row in one transaction) with ${fmtInt(EMAILS + WEBHOOKS)} subscribers present. ` +
      `Deliveries written while they ran: ${fmtInt(lat.expandedDuring)}; ${fmtS(lat.windowMs)} in all.` +
      (fan.probes
        ? ' The notify-off posts during the fan-out (row above) show what sharing the process with a running fan-out costs.'
        : ''),
  )
  if (worked.length && ceil.webhook) {
    const main = fan.mainPerHookUs
    lines.push('')
    lines.push(
      `Webhook ceilings whose sender first spends N µs of CPU on its main thread per request (a busy loop standing in for a dispatcher's work per delivery), against the plain ceiling above` +
        (main === null
          ? ':'
          : `; Herald's main thread spent ${main.toFixed(0)} µs of CPU per webhook delivery in this run's fan-out (during the webhook window):`),
    )
    lines.push('')
    lines.push('| Work per request | Ceiling | Against the plain ceiling |')
    lines.push('| ---: | ---: | ---: |')
    lines.push(`| 0 µs | ${fmtInt(ceil.webhook.rate)} req/s | 1.00× |`)
    for (const w of worked)
      lines.push(
        `| ${w.workUs} µs | ${fmtInt(w.rate)} req/s | ${fmtRatio(w.rate / ceil.webhook.rate)} |`,
      )
    lines.push(
      `| Herald's fan-out | ${byKey.webhook?.rate ? `${fmtInt(byKey.webhook.rate)} req/s` : '–'} | ${byKey.webhook?.ratio ? fmtRatio(byKey.webhook.ratio) : '–'} |`,
    )
  }
  if (fan.profile)
    lines.push(
      `- CPU profile of the fan-out server: \`${fan.profile}\` (kept with --keep; summary on stderr).`,
    )
  return lines.join('\n')
}

// --- main -----------------------------------------------------------------------------------------

async function main() {
  const budgetMs = 15 * 60_000 + (EMAILS + WEBHOOKS) * 40 + POSTS * 1000
  setTimeout(() => {
    console.error(`[bench] gave up after ${fmtS(budgetMs)}`)
    process.exit(1)
  }, budgetMs).unref()

  workDir = mkdtempSync(join(os.tmpdir(), 'herald-fanout-'))
  log(`work folder ${workDir}`)
  const sink = await startListener('smtp sink', 'sink.mjs')
  const receiver = await startListener('webhook receiver', 'receiver.mjs')
  const hole = await startListener('blackhole', 'blackhole.mjs')

  // One migrated database with an owner and a write token, copied for the two Herald runs.
  const base = join(workDir, 'base.db')
  const cli = { DATABASE_PATH: base }
  herald(['migrate'], cli)
  herald(
    [
      'user',
      'create',
      '--email',
      'bench@example.com',
      '--password',
      'bench-password-1',
      '--name',
      'Bench',
      '--role',
      'owner',
    ],
    cli,
  )
  const token = herald(
    ['token', 'create', '--email', 'bench@example.com', '--name', 'bench', '--scope', 'write'],
    cli,
  )
    .trim()
    .split('\n')
    .at(-1)
  const copy = (to) => {
    for (const suffix of ['', '-wal'])
      if (existsSync(base + suffix)) copyFileSync(base + suffix, to + suffix)
    return to
  }
  const fanDb = copy(join(workDir, 'fanout.db'))
  const latDb = copy(join(workDir, 'latency.db'))
  log(`seeding ${fmtInt(EMAILS)} e-mail and ${fmtInt(WEBHOOKS)} webhook subscribers (${ORDER}) …`)
  const seed = seedSubscribers(fanDb, {
    emails: EMAILS,
    webhooks: WEBHOOKS,
    hookUrl: `http://127.0.0.1:${receiver.port}`,
    order: ORDER,
  })
  log(`seeded in ${fmtS(seed.ms)}: ${JSON.stringify(seed.counts)}`)
  // The latency run's copy differs only in its webhook URLs: they point at the blackhole.
  seedSubscribers(latDb, {
    emails: EMAILS,
    webhooks: WEBHOOKS,
    hookUrl: `http://127.0.0.1:${hole.port}`,
    order: ORDER,
  })

  const before = await measureCeilings(sink, receiver, 'before')
  log('fan-out …')
  const ceilingMs = (before.mail?.ms ?? 0) + (before.webhook?.ms ?? 0)
  const fan = await measureFanout(fanDb, token, sink, receiver, ceilingMs)
  const after = await measureCeilings(sink, receiver, 'after')
  const worked = []
  for (const workUs of WORK_US) {
    const c = await measureCeiling('webhook', receiver, WEBHOOKS, workUs)
    if (c) worked.push({ ...c, workUs })
  }
  await stopChild(sink.child)
  await stopChild(receiver.child)

  log(`post latency with ${fmtInt(EMAILS + WEBHOOKS)} subscribers …`)
  const lat = await measurePostLatency(latDb, token, hole)
  console.log(report({ seed, before, after, fan, lat, worked }))
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(`[bench] failed: ${err instanceof Error ? err.message : String(err)}`)
    process.exit(1)
  },
)
