import { scryptAsync } from '@noble/hashes/scrypt.js'
import type { PasswordHasher } from '../../app/ports.ts'

// scrypt is memory-hard and has a pure-JS implementation (@noble/hashes) that runs on Workers; the
// Node adapter computes the same function natively. Format: scrypt$ln=15,r=8,p=1$<salt>$<hash>,
// so parameters travel with each hash and can be raised later without breaking old ones.

export interface ScryptParams {
  logN: number
  r: number
  p: number
}
export const DEFAULT_SCRYPT: ScryptParams = { logN: 15, r: 8, p: 1 }
const KEY_LEN = 32

export type ScryptFn = (
  password: Uint8Array,
  salt: Uint8Array,
  params: ScryptParams,
) => Promise<Uint8Array>

const noble: ScryptFn = (password, salt, { logN, r, p }) =>
  scryptAsync(password, salt, { N: 2 ** logN, r, p, dkLen: KEY_LEN, maxmem: 2 ** 30 })

const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes))
const unb64 = (text: string) => Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0))

export function parseScryptHash(stored: string) {
  const m =
    /^scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(
      stored,
    )
  if (!m) return null
  const params = { logN: Number(m[1]), r: Number(m[2]), p: Number(m[3]) }
  if (params.logN < 1 || params.logN > 20 || params.r < 1 || params.p < 1) return null
  return { params, salt: unb64(m[4]!), hash: unb64(m[5]!) }
}

function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!
  return diff === 0
}

export function createScryptHasher(
  params: ScryptParams = DEFAULT_SCRYPT,
  scrypt: ScryptFn = noble,
): PasswordHasher {
  const enc = new TextEncoder()
  return {
    async hash(password) {
      const salt = crypto.getRandomValues(new Uint8Array(16))
      const key = await scrypt(enc.encode(password.normalize('NFKC')), salt, params)
      return `scrypt$ln=${params.logN},r=${params.r},p=${params.p}$${b64(salt)}$${b64(key)}`
    },
    async verify(password, stored) {
      const parsed = parseScryptHash(stored)
      if (!parsed) return false
      const key = await scrypt(enc.encode(password.normalize('NFKC')), parsed.salt, parsed.params)
      return constantTimeEqual(key, parsed.hash)
    },
  }
}
