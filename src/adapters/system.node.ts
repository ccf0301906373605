import { createHash, createHmac } from 'node:crypto'
import type { Secrets } from '../app/ports.ts'
import { webSecrets } from './system.ts'

// Node's own hashing for the hot paths: WebCrypto there hops to the thread pool for every digest,
// which a fan-out to 10,000 webhooks (an HMAC each) or a busy API client (a SHA-256 per request)
// feels. The results are the same bytes as webSecrets' (tested).
export const nodeSecrets: Secrets = {
  ...webSecrets,
  async sha256(text) {
    return createHash('sha256').update(text, 'utf8').digest('hex')
  },
  // A string goes to OpenSSL as UTF-8 directly: a fan-out signs one ~2 kB body per subscriber,
  // and encoding each into a Uint8Array first was a tenth of the signing's cost.
  async hmacSha256(key, message) {
    const hmac = createHmac('sha256', key)
    return new Uint8Array(
      (typeof message === 'string' ? hmac.update(message, 'utf8') : hmac.update(message)).digest(),
    )
  },
}
