import { Hono, type Context } from 'hono'
import { getSummary } from '../../app/get-summary.ts'
import { v2Body, type V2Endpoint } from '../api/v2-serialize.ts'
import { cachedPage } from '../cached-page.ts'
import type { AppEnv } from '../env.ts'
import { isSecured } from '../middleware/security.ts'
import { originKey, publicBaseUrl } from '../public-url.ts'

// The Statuspage-compatible public API (DESIGN.md, principle 4): read-only, no login, open to any
// origin, and served like the page: rendered once per write, with ETag and 304.
export const apiV2Routes = new Hono<AppEnv>()

export const V2_CONTENT_TYPE = 'application/json; charset=utf-8'
const CORS_HEADERS: Readonly<Record<string, string>> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'ETag',
}

apiV2Routes.use(async (c, next) => {
  if (c.req.method === 'OPTIONS') {
    return c.body(null, 204, {
      ...CORS_HEADERS,
      'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS',
      'Access-Control-Allow-Headers': 'If-None-Match',
      'Access-Control-Max-Age': '86400',
    })
  }
  await next()
  // Cached answers and their 304s carry the headers already (cachedPage's `headers`); error
  // answers get them here.
  if (isSecured(c.res)) return
  for (const [name, value] of Object.entries(CORS_HEADERS)) c.res.headers.set(name, value)
})

function serveV2(c: Context<AppEnv>, endpoint: V2Endpoint) {
  return cachedPage(
    c,
    `api:v2:${endpoint}${originKey(c)}`,
    async () => {
      const summary = await getSummary(c.var.deps)
      return JSON.stringify(v2Body(endpoint, summary, publicBaseUrl(c, summary.page.url)))
    },
    { contentType: V2_CONTENT_TYPE, headers: CORS_HEADERS, shared: true },
  )
}

const ENDPOINTS: V2Endpoint[] = [
  'summary',
  'status',
  'components',
  'incidents',
  'incidents/unresolved',
  'scheduled-maintenances',
  'scheduled-maintenances/upcoming',
  'scheduled-maintenances/active',
]
for (const endpoint of ENDPOINTS) {
  apiV2Routes.get(`/${endpoint}.json`, (c) => serveV2(c, endpoint))
}
// Anything else under /api/v2 falls through to the app's JSON 404 (src/http/app.tsx).
