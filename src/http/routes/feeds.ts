import { Hono, type Context } from 'hono'
import { getFeed, getMaintenanceCalendar } from '../../app/get-feed.ts'
import { cachedPage } from '../cached-page.ts'
import type { AppEnv } from '../env.ts'
import { FEED_CONTENT_TYPES, renderFeed, type FeedFormat } from '../feed-xml.tsx'
import { ICAL_CONTENT_TYPE, renderMaintenanceCalendar } from '../ical.ts'
import { originKey, publicBaseUrl } from '../public-url.ts'

// Atom and RSS for the page and for each incident, and the iCalendar feed of maintenance, all
// cached like the page (every write clears them).
export const feedsRoutes = new Hono<AppEnv>()

function serveFeed(c: Context<AppEnv>, format: FeedFormat, incidentId?: string) {
  const path =
    incidentId === undefined ? '/feed' : `/incidents/${encodeURIComponent(incidentId)}/feed`
  return cachedPage(
    c,
    `${path}.${format}${originKey(c)}`,
    async () => {
      // An unknown incident throws NOT_FOUND here, before anything is cached.
      const feed = await getFeed(c.var.deps, incidentId === undefined ? {} : { incidentId })
      return renderFeed(feed, format, publicBaseUrl(c, feed.page.url), incidentId)
    },
    { contentType: FEED_CONTENT_TYPES[format], shared: true },
  )
}

feedsRoutes.get('/feed.atom', (c) => serveFeed(c, 'atom'))
feedsRoutes.get('/feed.rss', (c) => serveFeed(c, 'rss'))
feedsRoutes.get('/incidents/:id/feed.atom', (c) => serveFeed(c, 'atom', c.req.param('id')))
feedsRoutes.get('/incidents/:id/feed.rss', (c) => serveFeed(c, 'rss', c.req.param('id')))

feedsRoutes.get('/maintenance.ics', (c) =>
  cachedPage(
    c,
    `/maintenance.ics${originKey(c)}`,
    async () => {
      const calendar = await getMaintenanceCalendar(c.var.deps)
      return renderMaintenanceCalendar(calendar, publicBaseUrl(c, calendar.page.url))
    },
    { contentType: ICAL_CONTENT_TYPE, shared: true },
  ),
)
