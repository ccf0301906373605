import { Webhook } from 'standardwebhooks'
import { describe, expect, it } from 'vitest'
import {
  generateWebhookSecret,
  signWebhook as signWith,
  type SignWebhookInput,
} from '../../../src/app/broadcast/sign.ts'
import { webSecrets } from '../../../src/adapters/system.ts'
import { nodeSecrets } from '../../../src/adapters/system.node.ts'

// Verified with the independent `standardwebhooks` package, never with our own code.

const bytes = (n: number, fill = 1) => new Uint8Array(n).map((_, i) => (i * 31 + fill) % 256)
const now = () => Math.floor(Date.now() / 1000)
const BODY = JSON.stringify({ meta: { unsubscribe: 'https://status.example.com/x' }, n: 'é ✓' })

describe('webhook secrets', () => {
  it('are whsec_ followed by the base64 of the random bytes', () => {
    expect(generateWebhookSecret(new Uint8Array(24))).toBe(`whsec_${'A'.repeat(32)}`)
    const secret = generateWebhookSecret(bytes(32))
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/)
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toEqual(Buffer.from(bytes(32)))
  })

  it('refuse too little or too much randomness', () => {
    expect(() => generateWebhookSecret(new Uint8Array(16))).toThrow(RangeError)
    expect(() => generateWebhookSecret(new Uint8Array(33))).toThrow(RangeError)
  })
})

// Every signature test runs with both HMAC implementations: WebCrypto (Workers) and node:crypto.
describe.each([
  ['WebCrypto', webSecrets],
  ['node:crypto', nodeSecrets],
])('Standard Webhooks signatures with %s', (_name, secrets) => {
  const signWebhook = (input: Omit<SignWebhookInput, 'hmac'>) =>
    signWith({ ...input, hmac: secrets.hmacSha256 })

  it('verify with the standardwebhooks package', async () => {
    const secret = generateWebhookSecret(bytes(32))
    const headers = await signWebhook({
      secrets: [secret],
      id: 'msg_1',
      timestamp: now(),
      body: BODY,
    })

    expect(Object.keys(headers).sort()).toEqual([
      'webhook-id',
      'webhook-signature',
      'webhook-timestamp',
    ])
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/)
    expect(new Webhook(secret).verify(BODY, headers)).toEqual(JSON.parse(BODY))
  })

  it('match the reference signature for fixed inputs', async () => {
    const secret = generateWebhookSecret(bytes(24, 9))
    const timestamp = 1_700_000_000
    const headers = await signWebhook({ secrets: [secret], id: 'msg_fixed', timestamp, body: BODY })

    const reference = new Webhook(secret).sign('msg_fixed', new Date(timestamp * 1000), BODY)
    expect(headers).toEqual({
      'webhook-id': 'msg_fixed',
      'webhook-timestamp': '1700000000',
      'webhook-signature': reference,
    })
  })

  it('carry one signature per secret during a rotation, each verifying on its own', async () => {
    const oldSecret = generateWebhookSecret(bytes(32, 1))
    const newSecret = generateWebhookSecret(bytes(32, 2))
    const headers = await signWebhook({
      secrets: [oldSecret, newSecret],
      id: 'msg_2',
      timestamp: now(),
      body: BODY,
    })

    expect(headers['webhook-signature']!.split(' ')).toHaveLength(2)
    expect(new Webhook(oldSecret).verify(BODY, headers)).toEqual(JSON.parse(BODY))
    expect(new Webhook(newSecret).verify(BODY, headers)).toEqual(JSON.parse(BODY))
    const stranger = generateWebhookSecret(bytes(32, 3))
    expect(() => new Webhook(stranger).verify(BODY, headers)).toThrow(/No matching signature/)
  })

  it('fail verification when the body, id or timestamp is tampered with', async () => {
    const secret = generateWebhookSecret(bytes(32))
    const timestamp = now()
    const headers = await signWebhook({ secrets: [secret], id: 'msg_3', timestamp, body: BODY })
    const hook = new Webhook(secret)

    expect(() => hook.verify(BODY.replace('é', 'e'), headers)).toThrow(/No matching signature/)
    expect(() => hook.verify(BODY, { ...headers, 'webhook-id': 'msg_4' })).toThrow(
      /No matching signature/,
    )
    expect(() =>
      hook.verify(BODY, { ...headers, 'webhook-timestamp': String(timestamp - 1) }),
    ).toThrow(/No matching signature/)
  })

  it('refuse a millisecond timestamp, no secrets, or a malformed secret', async () => {
    const secret = generateWebhookSecret(bytes(32))
    const base = { secrets: [secret], id: 'msg_5', timestamp: now(), body: BODY }

    await expect(signWebhook({ ...base, timestamp: Date.now() })).rejects.toThrow(RangeError)
    await expect(signWebhook({ ...base, timestamp: 1.5 })).rejects.toThrow(RangeError)
    await expect(signWebhook({ ...base, secrets: [] })).rejects.toThrow(/at least one/)
    await expect(signWebhook({ ...base, secrets: ['whsec_not base64!'] })).rejects.toThrow(
      /^malformed webhook secret$/,
    )
  })
})

describe('the two Secrets implementations', () => {
  it('give the same SHA-256 and HMAC bytes', async () => {
    for (const [key, text] of [
      [bytes(32, 5), ''],
      [bytes(24, 6), 'é ✓ 𝄞'],
      [bytes(64, 7), 'x'.repeat(10_000)],
    ] as const) {
      const message = new TextEncoder().encode(text)
      expect(await nodeSecrets.hmacSha256(key, message)).toEqual(
        await webSecrets.hmacSha256(key, message),
      )
      // A string is signed as its UTF-8 bytes, by both.
      expect(await nodeSecrets.hmacSha256(key, text)).toEqual(
        await webSecrets.hmacSha256(key, message),
      )
      expect(await webSecrets.hmacSha256(key, text)).toEqual(
        await webSecrets.hmacSha256(key, message),
      )
      expect(await nodeSecrets.sha256(text)).toBe(await webSecrets.sha256(text))
    }
  })
})
