// Standard Webhooks signing (https://www.standardwebhooks.com): HMAC-SHA256 over
// `${id}.${timestamp}.${body}` with the base64 key after `whsec_`. The HMAC itself comes from the
// Secrets port: WebCrypto on Workers, node:crypto on Node (the same bytes, tested).

const PREFIX = 'whsec_'

function toBase64(bytes: Uint8Array): string {
  let bin = ''
  for (const b of bytes) bin += String.fromCharCode(b)
  return btoa(bin)
}

// A plain loop: Uint8Array.from(string, mapFn) walks a string iterator with a callback per
// character, which showed up in fan-out profiles (every subscriber has its own secret).
function fromBase64(text: string): Uint8Array<ArrayBuffer> | null {
  let bin: string
  try {
    bin = atob(text)
  } catch {
    return null
  }
  const out = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return out
}

/** A new signing secret from 24–32 random bytes (the caller's random source). */
export function generateWebhookSecret(randomBytes: Uint8Array): string {
  if (randomBytes.length < 24 || randomBytes.length > 32) {
    throw new RangeError('a webhook secret needs 24 to 32 random bytes')
  }
  return PREFIX + toBase64(randomBytes)
}

// A fan-out signs one message per subscriber with the same few thousand secrets over and over:
// each secret is decoded once. Bounded, and started over when full.
const KEYS_KEPT = 10_000
const keys = new Map<string, Uint8Array>()

function keyOf(secret: string): Uint8Array {
  const known = keys.get(secret)
  if (known) return known
  const encoded = secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret
  const key = fromBase64(encoded)
  // The message never quotes the secret: errors may reach logs.
  if (key === null || key.length === 0) throw new Error('malformed webhook secret')
  if (keys.size >= KEYS_KEPT) keys.clear()
  keys.set(secret, key)
  return key
}

/** HMAC-SHA256 over a UTF-8 string; Secrets.hmacSha256 fits. */
export type Hmac = (key: Uint8Array, message: string) => Promise<Uint8Array>

export interface SignWebhookInput {
  /** Every active secret: during a rotation both the old and the new key sign. */
  secrets: readonly string[]
  /** The message id; retries of one delivery reuse it, so receivers can deduplicate. */
  id: string
  /** Seconds since the epoch. */
  timestamp: number
  /** The exact body that is sent. */
  body: string
  /** How to compute the HMAC: deps.secrets.hmacSha256. */
  hmac: Hmac
}

/** The `webhook-id`, `webhook-timestamp` and `webhook-signature` headers for one message. */
export async function signWebhook(input: SignWebhookInput): Promise<Record<string, string>> {
  const { secrets, id, timestamp, body } = input
  if (secrets.length === 0) throw new Error('at least one webhook secret is needed')
  // Milliseconds passed by mistake would put every message far outside receivers' tolerance.
  if (!Number.isSafeInteger(timestamp) || timestamp < 0 || timestamp >= 1e11) {
    throw new RangeError('webhook timestamp must be whole seconds since the epoch')
  }
  if (id === '' || /[\s,]/.test(id)) throw new Error('webhook id must be non-empty without spaces')

  const content = `${id}.${timestamp}.${body}`
  const sign = async (secret: string) => `v1,${toBase64(await input.hmac(keyOf(secret), content))}`
  // One secret except during a rotation: no Promise.all for the common case.
  const signatures =
    secrets.length === 1 ? [await sign(secrets[0]!)] : await Promise.all(secrets.map(sign))
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signatures.join(' '),
  }
}
