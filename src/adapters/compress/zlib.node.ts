import { brotliCompress, constants, gzip } from 'node:zlib'
import { promisify } from 'node:util'
import type { Compressor } from '../../app/ports.ts'

const br = promisify(brotliCompress)
const gz = promisify(gzip)

// Pages are compressed once per render and served from cache. Quality 9 (about 20 ms on the
// benchmark's 524 kB page, 19.1 kB out) is what a render waits for; quality 11 (about 0.8 s of
// one thread-pool thread, 15.9 kB out: 17 % less for every visitor) replaces it in the background.
// Both run in libuv's thread pool, never on the main thread.
export const zlibCompressor: Compressor = {
  encodings: ['br', 'gzip'],
  async compress(body, encoding) {
    const out =
      encoding === 'br'
        ? await br(body, { params: brotliParams(9, body) })
        : await gz(body, { level: 6 })
    return bytes(out)
  },
  async polish(body) {
    return bytes(await br(body, { params: brotliParams(11, body) }))
  },
}

function brotliParams(quality: number, body: Uint8Array) {
  return {
    [constants.BROTLI_PARAM_QUALITY]: quality,
    [constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength,
  }
}

const bytes = (out: Buffer) => new Uint8Array(out.buffer, out.byteOffset, out.byteLength)
