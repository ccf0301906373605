import { parseFeed } from '@rowanmanning/feed-parser'
import ICAL from 'ical.js'
import { afterEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/app.ts'
import { seedMaintenance, seedScenario, XSS } from './api-v2-fixture.ts'
import { seeder } from './public-seed.ts'

// Feed readers and calendar apps find the feeds from the page: <link rel="alternate"> in <head>
// (autodiscovery) and plain links in the footer. Every advertised link must answer with the type
// it claims and be readable by an independent parser.

let t: TestApp
afterEach(() => t?.close())

const unescape = (v: string) =>
  v
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')

function attrs(tag: string): Record<string, string> {
  return Object.fromEntries(
    [...tag.matchAll(/([a-z-]+)="([^"]*)"/g)].map((m) => [m[1]!, unescape(m[2]!)]),
  )
}

/** The alternate links of a page's <head>, as autodiscovery reads them. */
function alternates(html: string) {
  const head = /<head>([\s\S]*?)<\/head>/.exec(html)![1]!
  return [...head.matchAll(/<link\b[^>]*>/g)]
    .map((m) => attrs(m[0]))
    .filter((a) => a.rel === 'alternate')
    .map(({ type, title, href }) => ({ type, title, href }))
}

function footerLinks(html: string) {
  const footer = /<footer\b[\s\S]*?<\/footer>/.exec(html)![0]
  return [...footer.matchAll(/<a\b[^>]*href="([^"]*)"[^>]*>([^<]*)<\/a>/g)].map((m) => [
    m[2]!,
    unescape(m[1]!),
  ])
}

async function readAdvertised(link: { type?: string; href?: string }) {
  const res = await t.app.request(link.href!)
  expect(res.status, link.href).toBe(200)
  expect(res.headers.get('Content-Type'), link.href).toContain(link.type!)
  const text = await res.text()
  if (link.type === 'text/calendar') return new ICAL.Component(ICAL.parse(text)).name
  return parseFeed(text).meta.type
}

describe('feed links', () => {
  it('puts the page feeds and the calendar in the head and the footer of the status page', async () => {
    t = createTestApp()
    await seedScenario(t)
    const html = await (await t.app.request('/')).text()
    expect(alternates(html)).toEqual([
      { type: 'application/atom+xml', title: 'Acme Status (Atom)', href: '/feed.atom' },
      { type: 'application/rss+xml', title: 'Acme Status (RSS)', href: '/feed.rss' },
      {
        type: 'text/calendar',
        title: expect.stringContaining('Acme Status'),
        href: '/maintenance.ics',
      },
    ])
    for (const link of alternates(html))
      expect(await readAdvertised(link)).toBe(
        {
          'application/atom+xml': 'atom',
          'application/rss+xml': 'rss',
          'text/calendar': 'vcalendar',
        }[link.type!],
      )
    expect(footerLinks(html)).toEqual(
      expect.arrayContaining([
        ['Atom', '/feed.atom'],
        ['RSS', '/feed.rss'],
        ['Maintenance calendar', '/maintenance.ics'],
        ['JSON API', '/api/v2/summary.json'],
      ]),
    )
  })

  it("adds the incident's own feeds on an incident page, with its name as the title", async () => {
    t = createTestApp()
    const s = await seedScenario(t)
    const evil = await seeder(t).incident(XSS, { startedAt: '2026-11-22T11:00:00Z' })
    for (const incident of [s.open, evil]) {
      const html = await (await t.app.request(`/incidents/${incident.id}`)).text()
      const links = alternates(html)
      const own = links.filter((l) => l.href!.startsWith(`/incidents/${incident.id}/`))
      expect(own).toEqual([
        {
          type: 'application/atom+xml',
          title: `${incident.name} (Atom)`,
          href: `/incidents/${incident.id}/feed.atom`,
        },
        {
          type: 'application/rss+xml',
          title: `${incident.name} (RSS)`,
          href: `/incidents/${incident.id}/feed.rss`,
        },
      ])
      // The page-wide feeds stay discoverable too.
      expect(links.map((l) => l.href)).toEqual(expect.arrayContaining(['/feed.atom', '/feed.rss']))
      for (const link of own) await readAdvertised(link)
      expect(html).toContain(`<a href="/incidents/${incident.id}/feed.atom">Atom</a>`)
      expect(html).toContain(`<a href="/incidents/${incident.id}/feed.rss">RSS</a>`)
      // A name is text in the attribute, never markup in the head.
      expect(/<head>[\s\S]*<\/head>/.exec(html)![0]).not.toContain('<img')
    }
  })

  it('links the feeds from the history and maintenance pages as well', async () => {
    t = createTestApp()
    const s = await seedScenario(t)
    const m = await seedMaintenance(t, s)
    for (const path of ['/history', `/maintenance/${m.active.id}`]) {
      const html = await (await t.app.request(path)).text()
      expect(
        alternates(html).map((l) => l.href),
        path,
      ).toEqual(expect.arrayContaining(['/feed.atom', '/feed.rss']))
      expect(footerLinks(html), path).toEqual(
        expect.arrayContaining([
          ['Atom', '/feed.atom'],
          ['Maintenance calendar', '/maintenance.ics'],
        ]),
      )
    }
  })
})
