import { Feed as FeedWriter, type Item } from 'feed'
import type { JSX } from 'hono/jsx/jsx-runtime'
import {
  FEED_INCIDENTS,
  type Feed,
  type FeedIncident,
  type FeedMaintenance,
} from '../app/get-feed.ts'
import {
  IncidentFeedContent,
  MaintenanceFeedContent,
  UpdateFeedContent,
} from '../../views/partials/feed/content.tsx'
import { eventDomId } from '../../views/ids.ts'
import { markdownToText } from '../../views/markdown.ts'

// Atom 1.0 and RSS 2.0 through the `feed` package (pure JS: it and its xml-js writer use no Node
// API at run time). Its quirks are handled here:
// - entry titles go into CDATA marked type="html", so a name is HTML-escaped first and reads as
//   plain text (a tag in an incident name stays text in every reader);
// - its CDATA writer splits only the first "]]>", so none may reach it (escaping removes every
//   ">" from titles; rendered markdown never contains one, and any left over is broken up);
// - XML 1.0 forbids most control characters, which a pasted body may hold, so they are dropped.

export type FeedFormat = 'atom' | 'rss'

export const FEED_CONTENT_TYPES: Record<FeedFormat, string> = {
  atom: 'application/atom+xml; charset=utf-8',
  rss: 'application/rss+xml; charset=utf-8',
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch] ?? ch)
}

// Control characters other than tab, LF and CR, U+FFFE/U+FFFF, and unpaired surrogates.
const XML_INVALID =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

export function xmlSafe(text: string): string {
  return text.replace(XML_INVALID, '')
}

const cdataSafe = (html: string) => html.replaceAll(']]>', ']]&gt;')

// xml-js turns "&amp;" in element text back into "&" before escaping (to avoid double escaping),
// which would change a name that really contains "&amp;"; pre-doubling keeps it intact.
const plain = (text: string) => text.replaceAll('&amp;', '&amp;amp;')

async function html(element: JSX.Element): Promise<string> {
  return cdataSafe(String(await element.toString()))
}

function summaryOf(body: string, label: string): string {
  const text = markdownToText(body).replace(/\s+/g, ' ').trim()
  const short = text.length > 280 ? `${text.slice(0, 279)}…` : text
  return escapeHtml(short ? `${label}: ${short}` : label)
}

const incidentUrl = (base: string, id: string) => `${base}/incidents/${encodeURIComponent(id)}`

async function incidentItem(base: string, incident: FeedIncident): Promise<Item> {
  const { view } = incident
  const url = incidentUrl(base, view.id)
  const latest = view.updates[0]
  return {
    title: escapeHtml(view.name),
    id: url,
    link: url,
    date: new Date(incident.updatedAt),
    published: new Date(incident.createdAt),
    description: summaryOf(latest?.body ?? '', view.statusLabel),
    content: await html(<IncidentFeedContent incident={view} />),
  }
}

const maintenanceUrl = (base: string, id: string) => `${base}/maintenance/${encodeURIComponent(id)}`

async function maintenanceItem(base: string, maintenance: FeedMaintenance): Promise<Item> {
  const { view } = maintenance
  const url = maintenanceUrl(base, view.id)
  return {
    title: escapeHtml(`Maintenance: ${view.name}`),
    id: url,
    link: url,
    date: new Date(maintenance.updatedAt),
    published: new Date(maintenance.createdAt),
    description: summaryOf(view.updates[0]?.body ?? '', view.statusLabel),
    content: await html(<MaintenanceFeedContent maintenance={view} />),
  }
}

/** Incidents and maintenance, newest first: incidents by start, maintenance by window start. */
async function pageItems(base: string, feed: Feed, limit: number): Promise<Item[]> {
  const merged: ({ sortAt: number; id: string } & (
    { incident: FeedIncident } | { maintenance: FeedMaintenance }
  ))[] = [
    ...feed.incidents.map((incident) => ({
      sortAt: incident.startedAt,
      id: incident.view.id,
      incident,
    })),
    ...feed.maintenances.map((maintenance) => ({
      sortAt: maintenance.sortAt,
      id: maintenance.view.id,
      maintenance,
    })),
  ]
  merged.sort((a, b) => b.sortAt - a.sortAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
  return Promise.all(
    merged
      .slice(0, limit)
      .map((e) =>
        'incident' in e ? incidentItem(base, e.incident) : maintenanceItem(base, e.maintenance),
      ),
  )
}

async function updateItems(base: string, incident: FeedIncident): Promise<Item[]> {
  const url = incidentUrl(base, incident.view.id)
  const items: Item[] = []
  for (const update of incident.updates) {
    const { view } = update
    items.push({
      title: escapeHtml(`${incident.view.name}: ${view.label}`),
      // A fragment per update (the timeline's DOM id for it): stable, unique, and still the
      // incident page for a reader that follows it.
      id: `${url}#${eventDomId(encodeURIComponent(view.id))}`,
      link: url,
      date: new Date(update.updatedAt),
      published: new Date(update.postedAt),
      description: summaryOf(view.body, view.label),
      content: await html(<UpdateFeedContent update={view} />),
    })
  }
  return items
}

/**
 * The page feed (incidents, newest first) or, with `incidentId`, one incident's feed (its public
 * updates, newest first). `base` is the page's absolute address without a trailing slash.
 */
export async function renderFeed(
  feed: Feed,
  format: FeedFormat,
  base: string,
  incidentId?: string,
): Promise<string> {
  const { page } = feed
  const incident = incidentId === undefined ? undefined : feed.incidents[0]
  const home = incident ? incidentUrl(base, incident.view.id) : `${base}/`
  const self = incident ? `${incidentUrl(base, incident.view.id)}/feed` : `${base}/feed`
  const writer = new FeedWriter({
    title: plain(incident ? `${incident.view.name} · ${page.name}` : page.name),
    description: plain(
      incident
        ? `Public updates on “${incident.view.name}” from ${page.name}`
        : `Incidents and maintenance reported on ${page.name}`,
    ),
    id: home,
    link: home,
    language: 'en',
    updated: new Date(feed.updatedAt),
    generator: 'Herald',
    feedLinks: { atom: `${self}.atom`, rss: `${self}.rss` },
    ...(page.logoUrl ? { image: page.logoUrl } : {}),
  })
  const items = incident
    ? await updateItems(base, incident)
    : await pageItems(base, feed, FEED_INCIDENTS)
  for (const item of items) writer.addItem(item)
  return xmlSafe(format === 'atom' ? writer.atom1() : writer.rss2())
}
