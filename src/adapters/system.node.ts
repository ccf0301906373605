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
  async hmacSha256(key, message) {
    return new Uint8Array(createHmac('sha256', key).update(message).digest())
  },
}
