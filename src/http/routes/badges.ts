import { Hono, type Context } from 'hono'
import { z } from 'zod'
import { getComponentBadge, getPageBadge, type Badge } from '../../app/get-badge.ts'
import { getSummary } from '../../app/get-summary.ts'
import { INCIDENT_STATUS_LABELS, MAINTENANCE_STATUS_LABELS } from '../../domain/enums.ts'
import { renderEmbed, type EmbedView } from '../../../views/pages/public/embed.tsx'
import { BADGE_COLOURS, renderBadge } from '../badge-svg.ts'
import { cachedPage, matchesAny, yieldToEventLoop } from '../cached-page.ts'
import type { AppEnv } from '../env.ts'
import { CSP, markSecured } from '../middleware/security.ts'

// Status badges (shields.io flat style) and the embeddable widget: what other sites show of us.
export const badgesRoutes = new Hono<AppEnv>()

export const SVG_TYPE = 'image/svg+xml; charset=utf-8'
// Short enough that a README shows a change within a minute; the ETag makes revalidation cheap.
export const BADGE_CACHE_CONTROL = 'public, max-age=30, stale-while-revalidate=30'

/** `?label=`: the left-hand text instead of the default. */
export const BadgeQuery = z.object({
  label: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(40, 'must be at most 40 characters')
    // eslint-disable-next-line no-control-regex
    .regex(/^[^\u0000-\u001F\u007F]*$/, 'must not contain control characters')
    .optional(),
})

const svgOf = (badge: Badge, label = badge.label) =>
  renderBadge({ label, message: badge.message, colour: BADGE_COLOURS[badge.tone] }).svg

// A cheap, stable validator for the uncached custom-label answers (FNV-1a, not for security).
function weakTag(text: string): string {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return `W/"b${hash.toString(16)}-${text.length.toString(16)}"`
}

async function serveBadge(c: Context<AppEnv>, key: string, read: () => Promise<Badge>) {
  const { label } = BadgeQuery.parse({ label: c.req.query('label') })
  if (label === undefined) {
    return cachedPage(c, key, async () => svgOf(await read()), {
      contentType: SVG_TYPE,
      cacheControl: BADGE_CACHE_CONTROL,
      shared: true,
    })
  }
  // Custom labels are not put in the page cache: any visitor can make up new ones, and they
  // would push real pages out of it. They cost one small read and are validated by ETag.
  const svg = svgOf(await read(), label)
  const etag = weakTag(svg)
  const headers = { ETag: etag, 'Cache-Control': BADGE_CACHE_CONTROL }
  const inm = c.req.header('If-None-Match')
  if (inm !== undefined && matchesAny(inm, etag.slice(3, -1))) return c.body(null, 304, headers)
  return c.body(svg, 200, { ...headers, 'Content-Type': SVG_TYPE })
}

badgesRoutes.get('/badge.svg', (c) => serveBadge(c, '/badge.svg', () => getPageBadge(c.var.deps)))

badgesRoutes.get('/components/:id/badge.svg', (c) => {
  const id = c.req.param('id')
  return serveBadge(c, `/components/${encodeURIComponent(id)}/badge.svg`, () =>
    getComponentBadge(c.var.deps, id),
  )
})

// --- embed ------------------------------------------------------------------------------------

const EMBED_INCIDENTS = 3

/** The page's CSP, except that any site may frame it: for /embed only. */
export const EMBED_CSP = CSP.split('; ')
  .filter((directive) => !directive.startsWith('frame-ancestors'))
  .concat('frame-ancestors *')
  .join('; ')

badgesRoutes.get('/embed', async (c) => {
  const cached = await cachedPage(c, '/embed', async () => {
    const summary = await getSummary(c.var.deps)
    const view: EmbedView = {
      pageName: summary.page.name,
      indicator: summary.rollup.indicator,
      description: summary.rollup.description,
      incidents: summary.unresolved.slice(0, EMBED_INCIDENTS).map((i) => ({
        id: i.id,
        name: i.name,
        statusLabel: INCIDENT_STATUS_LABELS[i.status],
      })),
      more: Math.max(0, summary.unresolved.length - EMBED_INCIDENTS),
      maintenance: summary.maintenances.active.map((m) => ({
        id: m.id,
        name: m.name,
        statusLabel: MAINTENANCE_STATUS_LABELS[m.status],
      })),
    }
    await yieldToEventLoop()
    return renderEmbed(view)
  })
  // The cached answer carries the site-wide headers (frame-ancestors 'self', X-Frame-Options);
  // this one route swaps them for a policy that lets other sites frame it.
  const headers = new Headers(cached.headers)
  headers.set('Content-Security-Policy', EMBED_CSP)
  headers.delete('X-Frame-Options')
  return markSecured(new Response(cached.body, { status: cached.status, headers }))
})
