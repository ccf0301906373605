import { describe, expect, it } from 'vitest'
import { createFixedClock, createTimeIds, webSecrets } from '../../src/adapters/system.ts'

describe('time-sortable ids', () => {
  it('sort in creation order, also within one millisecond and if the clock steps back', () => {
    const clock = createFixedClock(Date.UTC(2026, 0, 1))
    const ids = createTimeIds(clock)
    const made: string[] = []
    for (let i = 0; i < 50; i++) made.push(ids.next())
    clock.advance(1)
    made.push(ids.next())
    clock.advance(-10_000)
    made.push(ids.next())
    expect([...made].sort()).toEqual(made)
    expect(new Set(made).size).toBe(made.length)
    expect(made.every((id) => /^[0-9a-z]{16}$/.test(id))).toBe(true)
  })
})

describe('secrets', () => {
  it('hashes with SHA-256 and makes URL-safe random tokens', async () => {
    expect(await webSecrets.sha256('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    )
    const t = webSecrets.token(32)
    expect(t).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(webSecrets.token(32)).not.toBe(t)
  })
})
