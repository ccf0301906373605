#!/usr/bin/env node
// Live pages benchmark (issue 5): N open Server-Sent Events connections (default 10,000) on one
// Herald process receive one update; how long until the last viewer has it, and the server's RSS.
// The viewers run in a separate process on the same machine (loopback). Prints Markdown.
import { execFileSync, fork, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import os from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const args = process.argv.slice(2)
const flag = (name, fallback) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? Number(args[i + 1]) : fallback
}
const VIEWERS = flag('viewers', 10_000)
const ROUNDS = flag('rounds', 5)
const children = new Set()
let dir
const log = (m) => console.error(`[live] ${m}`)
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

function cleanup() {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL')
  if (dir) rmSync(dir, { recursive: true, force: true })
}
process.on('exit', cleanup)
for (const s of ['SIGINT', 'SIGTERM']) process.once(s, () => process.exit(130))
setTimeout(() => {
  log('gave up after 10 minutes')
  process.exit(1)
}, 600_000).unref()

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })

const rssMb = (pid) => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (key) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0)
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 }
}

async function main() {
  dir = mkdtempSync(join(os.tmpdir(), 'herald-live-'))
  const env = {
    ...process.env,
    DATABASE_PATH: join(dir, 'live.db'),
    LOG_LEVEL: 'warn',
    LIVE_MAX_CONNECTIONS: String(VIEWERS + 100),
  }
  const cli = (...a) =>
    execFileSync(process.execPath, ['bin/herald.mjs', ...a], {
      cwd: ROOT,
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    })
  cli(
    'user',
    'create',
    '--email',
    'bench@example.com',
    '--password',
    'bench password 1',
    '--role',
    'owner',
  )
  const token = cli('token', 'create', '--email', 'bench@example.com', '--name', 'bench')
    .trim()
    .split('\n')
    .at(-1)

  const port = await freePort()
  const server = spawn(
    process.execPath,
    ['--import', './bench/page/exit-with-parent.mjs', 'bin/herald.mjs', 'serve'],
    {
      cwd: ROOT,
      env: { ...env, PORT: String(port), HOST: '127.0.0.1' },
      stdio: ['pipe', 'ignore', 'pipe'],
    },
  )
  children.add(server)
  const url = `http://127.0.0.1:${port}`
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(url + '/')).ok) break
    } catch {
      await sleep(100)
    }
  }
  const api = (method, path, body) =>
    fetch(`${url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then((r) => r.json())
  await api('POST', '/components', { name: 'API', group: 'Core' })
  const { id: incidentId } = await api('POST', '/incidents', {
    name: 'Live benchmark',
    impact: 'minor',
    status: 'investigating',
    body: 'Opened.',
    notify: false,
  })
  const idle = rssMb(server.pid)
  log(`server up at ${url}, idle RSS ${idle.rss.toFixed(0)} MB; opening ${VIEWERS} viewers …`)

  const viewers = fork(join(ROOT, 'bench/live/viewers.mjs'), [url, String(VIEWERS)], {
    stdio: 'inherit',
  })
  children.add(viewers)
  let progress = { ready: 0, refused: 0, failed: 0 }
  viewers.on('message', (m) => {
    if (m.type === 'progress') progress = m
  })
  const openedAt = Date.now()
  while (
    progress.ready + progress.refused + progress.failed < VIEWERS &&
    Date.now() - openedAt < 120_000
  )
    await sleep(100)
  log(
    `${progress.ready} connected, ${progress.refused} refused, ${progress.failed} failed in ${((Date.now() - openedAt) / 1000).toFixed(1)} s`,
  )
  await sleep(1000)
  const connected = rssMb(server.pid)

  const rounds = []
  for (let round = 1; round <= ROUNDS; round++) {
    await new Promise((resolve) => {
      viewers.once('message', resolve)
      viewers.send({ type: 'arm' })
    })
    const arrived = new Promise((resolve) =>
      viewers.on('message', function onMsg(m) {
        if (m.type === 'arrivals') {
          viewers.off('message', onMsg)
          resolve(m.arrivals.map(BigInt))
        }
      }),
    )
    const t0 = process.hrtime.bigint()
    const res = await fetch(`${url}/api/v1/incidents/${incidentId}/updates`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ body: `Update ${round}`, notify: false }),
    })
    const posted = Number(process.hrtime.bigint() - t0) / 1e6
    if (res.status !== 201) throw new Error(`post answered ${res.status}`)
    const times = await Promise.race([arrived, sleep(30_000).then(() => null)])
    if (!times) throw new Error('not every viewer got the update within 30 s')
    const ms = times.map((t) => Number(t - t0) / 1e6).sort((a, b) => a - b)
    rounds.push({
      posted,
      first: ms[0],
      p50: ms[Math.floor(ms.length / 2)],
      last: ms[ms.length - 1],
      n: ms.length,
    })
    log(
      `round ${round}: post ${posted.toFixed(1)} ms, first ${ms[0].toFixed(1)} ms, median ${rounds.at(-1).p50.toFixed(1)} ms, last ${rounds.at(-1).last.toFixed(1)} ms (${ms.length} viewers)`,
    )
    await sleep(500)
  }
  const peak = rssMb(server.pid)
  const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
  const fmt = (x) => x.toFixed(1)
  const lines = [
    `### Live pages benchmark, ${new Date().toISOString().slice(0, 10)}`,
    '',
    `- Command: \`npm run bench:live${args.length ? ' -- ' + args.join(' ') : ''}\``,
    `- Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; shared and noisy, viewers and server on the same machine (loopback).`,
    `- ${progress.ready.toLocaleString('en')} viewers holding \`GET /live\` open on one Herald process (${progress.refused} refused, ${progress.failed} failed); ${ROUNDS} updates posted through \`/api/v1\`, medians over the rounds.`,
    '',
    '| Figure | Value |',
    '|---|---:|',
    `| Post answered (201) | ${fmt(med(rounds.map((r) => r.posted)))} ms |`,
    `| First viewer has the update | ${fmt(med(rounds.map((r) => r.first)))} ms |`,
    `| Half of the viewers have it | ${fmt(med(rounds.map((r) => r.p50)))} ms |`,
    `| **Last viewer has it** (target < 1 s) | **${fmt(med(rounds.map((r) => r.last)))} ms** |`,
    `| Server RSS idle → with ${progress.ready.toLocaleString('en')} viewers → peak | ${idle.rss.toFixed(0)} → ${connected.rss.toFixed(0)} → ${peak.hwm.toFixed(0)} MB |`,
    '',
    `Per round, last viewer: ${rounds.map((r) => fmt(r.last)).join(' / ')} ms.`,
  ]
  console.log(lines.join('\n'))
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(`[live] failed: ${e instanceof Error ? e.message : String(e)}`)
    process.exit(1)
  },
)
