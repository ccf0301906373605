import { afterEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/app.ts'
import { between, seeder } from './public-seed.ts'

// TEST_NOW is 2026-11-22T12:00:00Z, so page 1 covers November, October and September 2026.
let t: TestApp
afterEach(() => t?.close())

async function history(query = '') {
  const res = await t.app.request(`/history${query}`)
  return { res, html: await res.text() }
}

const month = (html: string, title: string) =>
  between(html, `<h2 class="month-title">${title}</h2>`, '</section>')

describe('GET /history', () => {
  it('files an incident under the month it started in the page time zone', async () => {
    t = createTestApp()
    const s = seeder(t)
    await s.settings({ timeZone: 'Asia/Tokyo' })
    // 23:30 UTC on Oct 31 is 08:30 on Nov 1 in Tokyo.
    await s.incident('Halloween deploy', {
      startedAt: '2026-10-31T23:30:00Z',
      resolvedAt: '2026-11-01T00:30:00Z',
    })
    const { res, html } = await history()
    expect(res.status).toBe(200)
    expect(month(html, 'November 2026')).toContain('Halloween deploy')
    expect(month(html, 'November 2026')).toContain('<time datetime="2026-11-01T08:30:00+09:00">')
    expect(month(html, 'October 2026')).not.toContain('Halloween deploy')
    expect(month(html, 'October 2026')).toContain('No incidents reported')
  })

  it('lists months newest first, with open and resolved incidents newest first within a month', async () => {
    t = createTestApp()
    const s = seeder(t)
    await s.incident('Old resolved', {
      startedAt: '2026-11-02T10:00:00Z',
      resolvedAt: '2026-11-02T11:00:00Z',
    })
    await s.incident('Still open', { startedAt: '2026-11-21T10:00:00Z' })
    await s.incident('September blip', {
      startedAt: '2026-09-15T10:00:00Z',
      resolvedAt: '2026-09-15T10:20:00Z',
    })
    const { html } = await history()
    const titles = [...html.matchAll(/<h2 class="month-title">([^<]+)<\/h2>/g)].map((m) => m[1])
    expect(titles).toEqual(['November 2026', 'October 2026', 'September 2026'])
    const november = month(html, 'November 2026')
    expect(november.indexOf('Still open')).toBeLessThan(november.indexOf('Old resolved'))
    expect(november).toContain('ongoing, 1d 2h so far')
    expect(november).toContain('lasted 1h')
    // Resolved the day it started: the end shows as a time alone.
    expect(november).toContain('– <time datetime="2026-11-02T11:00:00+00:00">11:00</time>')
    expect(month(html, 'September 2026')).toContain('September blip')
  })

  it('pages three months at a time with Older and Newer links', async () => {
    t = createTestApp()
    const s = seeder(t)
    await s.incident('Recent', {
      startedAt: '2026-11-05T10:00:00Z',
      resolvedAt: '2026-11-05T11:00:00Z',
    })
    await s.incident('Summer', {
      startedAt: '2026-07-04T10:00:00Z',
      resolvedAt: '2026-07-04T11:00:00Z',
    })

    const first = await history()
    expect(first.html).toContain('<a rel="next" href="/history?page=2">Older →</a>')
    expect(first.html).not.toContain('rel="prev"')
    expect(first.html).not.toContain('Summer')

    const second = await history('?page=2')
    expect(second.res.status).toBe(200)
    const titles = [...second.html.matchAll(/<h2 class="month-title">([^<]+)<\/h2>/g)].map(
      (m) => m[1],
    )
    expect(titles).toEqual(['August 2026', 'July 2026', 'June 2026'])
    expect(month(second.html, 'July 2026')).toContain('Summer')
    expect(month(second.html, 'August 2026')).toContain('No incidents reported')
    expect(second.html).toContain('<a rel="prev" href="/history">← Newer</a>')
    expect(second.html).not.toContain('rel="next"')

    expect((await history('?page=3')).res.status).toBe(404)
  })

  it('shows page 1 with empty months when there has never been an incident', async () => {
    t = createTestApp()
    const { res, html } = await history()
    expect(res.status).toBe(200)
    expect(html.match(/No incidents reported/g)).toHaveLength(3)
    expect(html).not.toContain('Older →')
  })

  it.each(['abc', '0', '-1', '1.5', '', '99999', '%00', '1e3'])(
    'answers ?page=%s with a 4xx page, never a 500',
    async (value) => {
      t = createTestApp()
      const { res } = await history(`?page=${value}`)
      expect(res.status).toBeGreaterThanOrEqual(400)
      expect(res.status).toBeLessThan(500)
    },
  )
})
