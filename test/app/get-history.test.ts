import { afterEach, describe, expect, it } from 'vitest'
import { getHistory, HistoryQuery, monthInZone } from '../../src/app/get-history.ts'
import { AppError } from '../../src/domain/errors.ts'
import { createTestApp, type TestApp } from '../support/app.ts'
import { at, seeder } from '../http/public-seed.ts'

let t: TestApp
afterEach(() => t?.close())

describe('HistoryQuery', () => {
  it('reads a missing page as 1 and accepts whole numbers from 1', () => {
    expect(HistoryQuery.parse({ page: undefined })).toEqual({ page: 1 })
    expect(HistoryQuery.parse({ page: '4' })).toEqual({ page: 4 })
  })

  it.each(['abc', '0', '-2', '2.5', '', '100000'])('rejects page=%s', (page) => {
    expect(HistoryQuery.safeParse({ page }).success).toBe(false)
  })
})

describe('monthInZone', () => {
  it('gives local month boundaries, across years and in zones ahead of UTC', () => {
    const now = at('2026-01-15T12:00:00Z')
    expect(monthInZone(now, 'UTC', 0)).toEqual({
      key: '2026-01',
      start: at('2026-01-01T00:00:00Z'),
      end: at('2026-02-01T00:00:00Z'),
    })
    expect(monthInZone(now, 'Asia/Tokyo', 1)).toEqual({
      key: '2025-12',
      start: at('2025-11-30T15:00:00Z'),
      end: at('2025-12-31T15:00:00Z'),
    })
  })

  it('follows daylight saving time (Berlin, March 2026)', () => {
    const now = at('2026-04-10T12:00:00Z')
    expect(monthInZone(now, 'Europe/Berlin', 1)).toEqual({
      key: '2026-03',
      start: at('2026-02-28T23:00:00Z'),
      end: at('2026-03-31T22:00:00Z'),
    })
  })
})

describe('getHistory', () => {
  it('groups by start month in the page zone and links to older pages only while incidents exist', async () => {
    t = createTestApp()
    const s = seeder(t)
    await s.settings({ timeZone: 'Asia/Tokyo' })
    await s.incident('Tokyo November', {
      startedAt: '2026-10-31T23:30:00Z',
      resolvedAt: '2026-11-01T00:00:00Z',
    })
    await s.incident('UTC October', {
      startedAt: '2026-10-31T14:00:00Z',
      resolvedAt: '2026-10-31T14:30:00Z',
    })
    await s.incident('Long ago', {
      startedAt: '2026-05-01T00:00:00Z',
      resolvedAt: '2026-05-01T01:00:00Z',
    })

    const first = await getHistory(t.deps, { page: 1 })
    expect(first.months.map((m) => [m.key, m.title, m.incidents.map((i) => i.name)])).toEqual([
      ['2026-11', 'November 2026', ['Tokyo November']],
      ['2026-10', 'October 2026', ['UTC October']],
      ['2026-09', 'September 2026', []],
    ])
    expect(first.newerPage).toBeNull()
    expect(first.olderPage).toBe(2)

    const second = await getHistory(t.deps, { page: 2 })
    expect(second.months.map((m) => m.key)).toEqual(['2026-08', '2026-07', '2026-06'])
    expect(second.months.every((m) => m.incidents.length === 0)).toBe(true)
    expect(second.olderPage).toBe(3)
    expect(second.newerPage).toBe(1)

    const third = await getHistory(t.deps, { page: 3 })
    expect(third.months[0]!.key).toBe('2026-05')
    expect(third.months.flatMap((m) => m.incidents.map((i) => i.name))).toEqual(['Long ago'])
    expect(third.olderPage).toBeNull()

    await expect(getHistory(t.deps, { page: 4 })).rejects.toSatisfy(
      (e) => e instanceof AppError && e.code === 'NOT_FOUND',
    )
  })
})
