import { brotliCompress, constants, gzip } from 'node:zlib'
import { promisify } from 'node:util'
import { Worker } from 'node:worker_threads'
import type { Compressor } from '../../app/ports.ts'

const br = promisify(brotliCompress)
const gz = promisify(gzip)

// Pages are compressed once per render and served from cache. Quality 9 (about 15 ms on the
// benchmark's 524 kB page, 19.1 kB out, in libuv's thread pool) is what a render waits for;
// quality 10 (about 0.12 s of CPU, 17.5 kB out: 8 % less for every visitor) replaces it in the
// background, in a worker thread of its own, five nice steps below the process (on Linux).
// - Not quality 11: 16.0 kB, but 0.73 s of CPU for every render whose bytes changed (every 30 s
//   while an incident is open: today's uptime moves), in the hour the page is busiest.
// - Not nice 19: under a refresh storm that thread got almost no CPU, so the polish landed only
//   after the storm and every visitor until then got the larger quality 9 bytes. At nice 5 the
//   0.12 s lands within a second or so. Both measured in BENCHMARKS.md (session 8).
const POLISH_QUALITY = 10
const POLISH_NICENESS = 5

export const zlibCompressor: Compressor = {
  encodings: ['br', 'gzip'],
  async compress(body, encoding) {
    const out =
      encoding === 'br'
        ? await br(body, { params: brotliParams(9, body) })
        : await gz(body, { level: 6 })
    return bytes(out)
  },
  polish(body) {
    return polisher.run(body)
  },
}

// The worker: one message in (the page's bytes, copied), one out (the polished brotli bytes,
// transferred). Linux keeps a nice value per thread; /proc/thread-self names this one.
const POLISH_WORKER = `
const { parentPort } = require('node:worker_threads')
const { brotliCompressSync, constants } = require('node:zlib')
try {
  const tid = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop())
  const os = require('node:os')
  if (tid > 0) os.setPriority(tid, Math.min(19, os.getPriority(0) + ${POLISH_NICENESS}))
} catch {}
parentPort.on('message', ({ id, body }) => {
  try {
    const out = brotliCompressSync(body, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: ${POLISH_QUALITY},
        [constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength,
      },
    })
    const copy = new Uint8Array(out.byteLength)
    copy.set(out)
    parentPort.postMessage({ id, out: copy }, [copy.buffer])
  } catch (error) {
    parentPort.postMessage({ id, error: String(error) })
  }
})
`

interface Pending {
  resolve(out: Uint8Array): void
  reject(error: Error): void
}

/** Starts the worker on the first polish; it holds the process open only while work is pending. */
function createPolisher() {
  let worker: Worker | null = null
  let next = 0
  const pending = new Map<number, Pending>()
  const fail = (error: Error) => {
    for (const p of pending.values()) p.reject(error)
    pending.clear()
    worker = null
  }
  const start = () => {
    const w = new Worker(POLISH_WORKER, { eval: true })
    w.on('message', (m: { id: number; out?: Uint8Array; error?: string }) => {
      const p = pending.get(m.id)
      pending.delete(m.id)
      if (pending.size === 0) w.unref()
      if (!p) return
      if (m.out) p.resolve(m.out)
      else p.reject(new Error(m.error ?? 'brotli polish failed'))
    })
    w.on('error', (error) => fail(error))
    w.on('exit', (code) => {
      if (worker === w) fail(new Error(`brotli polish worker exited with ${code}`))
    })
    return w
  }
  return {
    run(body: Uint8Array): Promise<Uint8Array> {
      worker ??= start()
      const w = worker
      const id = ++next
      return new Promise<Uint8Array>((resolve, reject) => {
        pending.set(id, { resolve, reject })
        w.ref()
        w.postMessage({ id, body })
      })
    },
  }
}

const polisher = createPolisher()

function brotliParams(quality: number, body: Uint8Array) {
  return {
    [constants.BROTLI_PARAM_QUALITY]: quality,
    [constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength,
  }
}

const bytes = (out: Buffer) => new Uint8Array(out.buffer, out.byteOffset, out.byteLength)
