import { Hono } from 'hono'
import type { JSX } from 'hono/jsx/jsx-runtime'
import { getHistory, HistoryQuery } from '../../app/get-history.ts'
import { getPublicIncident } from '../../app/get-public-incident.ts'
import { getPublishedPostmortem } from '../../app/postmortems.ts'
import { getPublicMaintenance } from '../../app/get-public-maintenance.ts'
import { getStatusPage } from '../../app/get-status-page.ts'
import { HistoryPage } from '../../../views/pages/public/history.tsx'
import { IncidentPage } from '../../../views/pages/public/incident.tsx'
import { MaintenancePage } from '../../../views/pages/public/maintenance.tsx'
import { StatusPage } from '../../../views/pages/public/status.tsx'
import { cachedPage, yieldToEventLoop } from '../cached-page.ts'
import type { AppEnv } from '../env.ts'

// The public page: no login, no JS needed, every answer rendered once and served from the page
// cache. Cache keys are canonical (only the parameters a page reads), so made-up query strings
// cannot push real pages out of the cache or force renders.
export const publicRoutes = new Hono<AppEnv>()

// The same for every visitor, so repeat requests may be answered before the app runs.
const SHARED = { shared: true } as const

async function renderDocument(element: JSX.Element): Promise<string> {
  // Let waiting requests through before the synchronous JSX render.
  await yieldToEventLoop()
  return String(await element.toString())
}

publicRoutes.get('/', (c) =>
  cachedPage(
    c,
    '/',
    async () => renderDocument(<StatusPage view={await getStatusPage(c.var.deps)} />),
    SHARED,
  ),
)

publicRoutes.get('/incidents/:id', (c) => {
  const id = c.req.param('id')
  return cachedPage(
    c,
    `/incidents/${encodeURIComponent(id)}`,
    async () =>
      renderDocument(
        <IncidentPage
          view={await getPublicIncident(c.var.deps, id)}
          postmortem={await getPublishedPostmortem(c.var.deps, id)}
        />,
      ),
    SHARED,
  )
})

publicRoutes.get('/maintenance/:id', (c) => {
  const id = c.req.param('id')
  return cachedPage(
    c,
    `/maintenance/${encodeURIComponent(id)}`,
    async () =>
      renderDocument(<MaintenancePage view={await getPublicMaintenance(c.var.deps, id)} />),
    SHARED,
  )
})

publicRoutes.get('/history', (c) => {
  const query = HistoryQuery.parse({ page: c.req.query('page') })
  return cachedPage(
    c,
    `/history?page=${query.page}`,
    async () => renderDocument(<HistoryPage view={await getHistory(c.var.deps, query)} />),
    SHARED,
  )
})
