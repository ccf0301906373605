import { describe, expect, it } from 'vitest'
import { createScryptHasher, parseScryptHash } from '../../src/adapters/passwords/scrypt.ts'
import { nodeScrypt } from '../../src/adapters/passwords/scrypt.node.ts'

const params = { logN: 10, r: 8, p: 1 }

describe('scrypt password hashing', () => {
  it('verifies the right password and rejects a wrong one', async () => {
    const hasher = createScryptHasher(params, nodeScrypt)
    const hash = await hasher.hash('correct horse battery staple')
    expect(await hasher.verify('correct horse battery staple', hash)).toBe(true)
    expect(await hasher.verify('correct horse battery stapl', hash)).toBe(false)
  })

  it('stores the parameters with each hash and salts every hash differently', async () => {
    const hasher = createScryptHasher(params, nodeScrypt)
    const a = await hasher.hash('same password')
    const b = await hasher.hash('same password')
    expect(a).not.toBe(b)
    expect(a).toMatch(/^scrypt\$ln=10,r=8,p=1\$/)
    expect(parseScryptHash(a)?.params).toEqual(params)
  })

  it('computes the same hash with the pure-JS (Workers) and native (Node) implementations', async () => {
    const node = createScryptHasher(params, nodeScrypt)
    const js = createScryptHasher(params)
    expect(await js.verify('s3cret-passphrase', await node.hash('s3cret-passphrase'))).toBe(true)
    expect(await node.verify('s3cret-passphrase', await js.hash('s3cret-passphrase'))).toBe(true)
  })

  it('verifies hashes made with other parameters than the current default', async () => {
    const old = createScryptHasher({ logN: 9, r: 4, p: 1 }, nodeScrypt)
    const current = createScryptHasher(params, nodeScrypt)
    expect(await current.verify('pw-from-2025', await old.hash('pw-from-2025'))).toBe(true)
  })

  it('treats unreadable or hostile hashes as a failed match', async () => {
    const hasher = createScryptHasher(params, nodeScrypt)
    for (const bad of ['', 'plain', 'scrypt$ln=99,r=8,p=1$AAAA$AAAA', 'bcrypt$2b$10$abc']) {
      expect(await hasher.verify('x', bad)).toBe(false)
    }
  })
})
