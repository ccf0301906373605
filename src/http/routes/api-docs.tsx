import { Hono } from 'hono'
import { ApiDocsPage } from '../../../views/pages/public/api-docs.tsx'
import { getSettings } from '../../app/get-settings.ts'
import { pageContext } from '../../app/get-public-incident.ts'
import { API_OPERATIONS, openApiDocument } from '../api/openapi.ts'
import type { AppEnv } from '../env.ts'
import { publicBaseUrl } from '../public-url.ts'

// GET /api/v1/openapi.json (the machine-readable description) and GET /api/v1/docs (the same,
// for people). Both are public: they describe the API, they do not expose data. Mounted before the
// token-checked API so they need no token.

export const apiDocsRoutes = new Hono<AppEnv>()

apiDocsRoutes.get('/openapi.json', async (c) => {
  const settings = await getSettings(c.var.deps)
  c.header('Access-Control-Allow-Origin', '*')
  c.header('Cache-Control', 'public, max-age=300')
  return c.json(openApiDocument({ serverUrl: publicBaseUrl(c, settings.pageUrl) }))
})

apiDocsRoutes.get('/docs', async (c) => {
  const settings = await getSettings(c.var.deps)
  const doc = openApiDocument({ serverUrl: publicBaseUrl(c, settings.pageUrl) })
  return c.html(<ApiDocsPage page={pageContext(settings)} doc={doc} operations={API_OPERATIONS} />)
})
