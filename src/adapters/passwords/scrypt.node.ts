import { scrypt } from 'node:crypto'
import type { ScryptFn } from './scrypt.ts'

// Same function as @noble/hashes' scrypt, computed natively off the main thread.
export const nodeScrypt: ScryptFn = (password, salt, { logN, r, p }) =>
  new Promise((resolve, reject) => {
    const N = 2 ** logN
    scrypt(password, salt, 32, { N, r, p, maxmem: 256 * N * r + 16 * 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(new Uint8Array(key)),
    )
  })
