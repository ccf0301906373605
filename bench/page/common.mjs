// What bench/page/run.mjs (Node) and bench/page/worker.mjs (wrangler dev) share: the wrk runs,
// their parsing, probes and the figures' formatting, so both report the same way.
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { request } from 'node:http'
import { createServer } from 'node:net'
import os from 'node:os'

export const WRK = process.env.WRK ?? '/usr/bin/wrk'
export const THREADS = 2
export const CONNECTIONS = 64
export const ACCEPT_ENCODING = 'br, gzip, deflate'

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

/** Raw GET without decompression: status, headers and the bytes on the wire. */
export function probe(url, headers = {}, timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { headers: { 'Accept-Encoding': ACCEPT_ENCODING, ...headers } },
      (res) => {
        let bytes = 0
        res.on('data', (chunk) => (bytes += chunk.length))
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, bytes }))
      },
    )
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`timeout: ${url}`)))
    req.once('error', reject)
    req.end()
  })
}

const UNIT_MS = { us: 0.001, ms: 1, s: 1000, m: 60_000 }

export function parseWrk(text) {
  const num = (re) => {
    const m = re.exec(text)
    return m ? Number(m[1]) : null
  }
  const p99 = /^\s*99(?:\.000)?%\s+([\d.]+)(us|ms|s|m)\s*$/m.exec(text)
  const sockets = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text)
  return {
    rps: num(/Requests\/sec:\s+([\d.]+)/),
    p99ms: p99 ? Number(p99[1]) * UNIT_MS[p99[2]] : null,
    requests: num(/^\s*(\d+) requests in /m),
    non2xx: num(/Non-2xx or 3xx responses:\s+(\d+)/) ?? 0,
    socketErrors: sockets
      ? sockets
          .slice(1)
          .map(Number)
          .reduce((a, b) => a + b, 0)
      : 0,
  }
}

/** One wrk run against `target` ({url, headers?}); `children` (a Set) tracks it for cleanup. */
export function wrk(target, seconds, children = new Set()) {
  const args = [`-t${THREADS}`, `-c${CONNECTIONS}`, `-d${seconds}s`, '--latency', '--timeout', '2s']
  args.push('-H', `Accept-Encoding: ${ACCEPT_ENCODING}`)
  for (const [k, v] of Object.entries(target.headers ?? {})) args.push('-H', `${k}: ${v}`)
  args.push(target.url)
  return new Promise((resolve, reject) => {
    const child = spawn(WRK, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    children.add(child)
    let out = ''
    child.stdout.on('data', (c) => (out += c))
    child.stderr.on('data', (c) => (out += c))
    const timer = setTimeout(() => child.kill('SIGKILL'), (seconds + 30) * 1000)
    child.once('error', reject)
    child.once('exit', (code) => {
      clearTimeout(timer)
      children.delete(child)
      if (code !== 0) return reject(new Error(`wrk exited with ${code}:\n${out}`))
      const result = parseWrk(out)
      if (result.rps === null) return reject(new Error(`could not read wrk's output:\n${out}`))
      resolve(result)
    })
  })
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}
export const fmtInt = (n) => Math.round(n).toLocaleString('en-US')
export const fmtMs = (n) => (n === null ? '?' : n < 10 ? n.toFixed(2) : n.toFixed(1))
export const fmtBytes = (n) => (n < 1024 ? `${n} B` : `${(n / 1024).toFixed(1)} kB`)

export function describeResponse(p) {
  const enc = p.headers['content-encoding']
  return `${p.status}${enc ? ` ${enc}` : ''}, ${fmtBytes(p.bytes)}`
}

/** The checkout's short commit, or '?' outside a git checkout. */
export function gitCommit(root) {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: root,
      encoding: 'utf8',
    }).trim()
  } catch {
    return '?'
  }
}

/** CPU, OS, Node, any `extra` versions, wrk and the commit, for the report's first line. */
export function environment(root, extra = '') {
  const cpus = os.cpus()
  // `wrk -v` prints its version and exits 1.
  const wrkOut = spawnSync(WRK, ['-v'], { encoding: 'utf8' })
  const wrkVersion =
    `${wrkOut.stdout}${wrkOut.stderr}`.split('\n')[0]?.split(' ').slice(0, 2).join(' ') || '?'
  const commit = gitCommit(root)
  return (
    `${cpus[0]?.model.trim() ?? 'unknown CPU'} × ${cpus.length}, ${os.platform()} ${os.release()}, ` +
    `Node ${process.version}, ${extra ? `${extra}, ` : ''}${wrkVersion}, commit ${commit}`
  )
}
