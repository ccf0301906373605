import type { Compressor } from '../../app/ports.ts'

// gzip through the web CompressionStream (Workers, Node 20, browsers); brotli is not on offer there.
export function createStreamCompressor(encodings: 'gzip'[] = ['gzip']): Compressor {
  return {
    encodings,
    async compress(body, encoding) {
      if (encoding !== 'gzip') throw new Error(`CompressionStream cannot produce ${encoding}`)
      const stream = new Blob([body as Uint8Array<ArrayBuffer>])
        .stream()
        .pipeThrough(new CompressionStream('gzip'))
      return new Uint8Array(await new Response(stream).arrayBuffer())
    },
  }
}
