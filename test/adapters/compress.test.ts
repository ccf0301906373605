import { readdirSync, readFileSync } from 'node:fs'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { zlibCompressor } from '../../src/adapters/compress/zlib.node.ts'

// Node's compressor (src/adapters/compress/zlib.node.ts): quality 9 brotli and gzip in libuv's
// thread pool, quality 10 brotli ("polish") in a worker thread at a lower CPU priority.

function pageLike(rows: number): Uint8Array {
  let html = '<!doctype html><ul>'
  for (let i = 0; i < rows; i++) {
    const day = (i % 90) + 1
    html +=
      i % 3 === 0
        ? `<li class="bar status-operational" aria-labelledby="ud${day} ud-ok"></li>`
        : `<li class="bar status-major_outage" aria-label="Sep ${day}, 2026: ${(90 + (i % 10)).toFixed(2)}% uptime, 1 incident: Elevated error rates (#${i})"></li>`
  }
  return new TextEncoder().encode(html + '</ul>')
}

/** A task's nice value (Linux: field 19 of its stat file). */
function niceOf(statFile: string): number {
  const stat = readFileSync(statFile, 'utf8')
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])
}

const threadNiceValues = () =>
  readdirSync('/proc/self/task').map((tid) => niceOf(`/proc/self/task/${tid}/stat`))

describe('zlibCompressor', () => {
  const body = pageLike(4_500)

  it('compresses to bytes that decode back to the page, in both encodings', async () => {
    const br = await zlibCompressor.compress(body, 'br')
    const gz = await zlibCompressor.compress(body, 'gzip')
    expect(Buffer.from(brotliDecompressSync(br)).equals(Buffer.from(body))).toBe(true)
    expect(Buffer.from(gunzipSync(gz)).equals(Buffer.from(body))).toBe(true)
    expect(br.byteLength).toBeLessThan(body.byteLength / 10)
  })

  it('polishes to smaller brotli that decodes to the same bytes, concurrently and in order', async () => {
    const other = pageLike(1_000)
    const [polished, polishedOther, quick] = await Promise.all([
      zlibCompressor.polish!(body, 'br'),
      zlibCompressor.polish!(other, 'br'),
      zlibCompressor.compress(body, 'br'),
    ])
    expect(Buffer.from(brotliDecompressSync(polished)).equals(Buffer.from(body))).toBe(true)
    expect(Buffer.from(brotliDecompressSync(polishedOther)).equals(Buffer.from(other))).toBe(true)
    expect(polished.byteLength).toBeLessThan(quick.byteLength)
  })

  it.runIf(process.platform === 'linux')(
    'polishes in a thread of its own, five nice steps below the process, leaving the others as they were',
    async () => {
      await zlibCompressor.polish!(body, 'br')
      const base = niceOf('/proc/self/stat')
      const polishing = Math.min(19, base + 5)
      const threads = threadNiceValues()
      expect(base).toBeLessThan(19)
      expect(threads.filter((n) => n === polishing)).toHaveLength(1)
      expect(threads.filter((n) => n !== polishing).every((n) => n === base)).toBe(true)
    },
  )
})
