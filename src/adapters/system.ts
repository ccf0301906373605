import type { Clock, Ids, Secrets } from '../app/ports.ts'

// Runtime-agnostic: globalThis.crypto exists on Node 20 and on Workers.

export const systemClock: Clock = { now: () => Date.now() }

/** A clock that only moves when told to: the one stand-in tests may use. */
export function createFixedClock(
  start: number,
): Clock & { set(ms: number): void; advance(ms: number): void } {
  let now = start
  return {
    now: () => now,
    set: (ms) => {
      now = ms
    },
    advance: (ms) => {
      now += ms
    },
  }
}

const B32 = '0123456789abcdefghjkmnpqrstvwxyz'

function base32(n: number, width: number): string {
  let out = ''
  for (let i = 0; i < width; i++) {
    out = B32[n % 32] + out
    n = Math.floor(n / 32)
  }
  return out
}

/**
 * 16-character ids: 10 characters of milliseconds, then a counter and randomness, so ids sort by
 * creation order even within one millisecond (ties in a timeline's `at` fall back to id).
 */
export function createTimeIds(clock: Clock = systemClock): Ids {
  let lastMs = 0
  let seq = 0
  return {
    next() {
      const ms = Math.max(clock.now(), lastMs)
      if (ms === lastMs) seq++
      else {
        lastMs = ms
        seq = 0
      }
      const rnd = crypto.getRandomValues(new Uint32Array(1))[0]! % 32 ** 4
      return base32(ms, 10) + base32(seq % 1024, 2) + base32(rnd, 4)
    },
  }
}

/** Sequential ids for tests: deterministic, still sortable by creation order. */
export function createSequentialIds(prefix = 'id'): Ids {
  let n = 0
  return { next: () => `${prefix}${String(++n).padStart(6, '0')}` }
}

function toBase64Url(bytes: Uint8Array): string {
  let bin = ''
  for (const b of bytes) bin += String.fromCharCode(b)
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

export const webSecrets: Secrets = {
  token(bytes = 32) {
    return toBase64Url(crypto.getRandomValues(new Uint8Array(bytes)))
  },
  bytes(count) {
    return crypto.getRandomValues(new Uint8Array(count))
  },
  async sha256(text) {
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))
    return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
  },
  hmacSha256: subtleHmacSha256,
}

/** WebCrypto HMAC-SHA256: runs on every runtime. */
async function subtleHmacSha256(
  key: Uint8Array,
  message: Uint8Array | string,
): Promise<Uint8Array> {
  const bytes = typeof message === 'string' ? new TextEncoder().encode(message) : message
  const cryptoKey = await crypto.subtle.importKey(
    'raw',
    key as Uint8Array<ArrayBuffer>,
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  )
  return new Uint8Array(
    await crypto.subtle.sign('HMAC', cryptoKey, bytes as Uint8Array<ArrayBuffer>),
  )
}
