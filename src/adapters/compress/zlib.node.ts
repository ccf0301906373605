import { brotliCompress, constants, gzip } from 'node:zlib'
import { promisify } from 'node:util'
import type { Compressor } from '../../app/ports.ts'

const br = promisify(brotliCompress)
const gz = promisify(gzip)

// Pages are compressed once per render and served from cache, so quality 9 (about 20 ms on a large page) is affordable; brotli
// 11 would cost ~1 s on a large page for a few percent.
export const zlibCompressor: Compressor = {
  encodings: ['br', 'gzip'],
  async compress(body, encoding) {
    const out =
      encoding === 'br'
        ? await br(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 9 } })
        : await gz(body, { level: 6 })
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength)
  },
}
