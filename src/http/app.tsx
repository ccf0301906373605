import { Hono, type Context, type MiddlewareHandler } from 'hono'
import type { Deps } from '../app/deps.ts'
import { NotFoundPage } from '../../views/pages/error.tsx'
import type { AppEnv } from './env.ts'
import { handleError } from './errors.tsx'
import { securityHeaders } from './middleware/security.ts'
import { apiDocsRoutes } from './routes/api-docs.tsx'
import { apiV1Routes } from './routes/api-v1.ts'
import { apiV2Routes } from './routes/api-v2.ts'
import { badgesRoutes } from './routes/badges.ts'
import { consoleRoutes } from './routes/console/index.ts'
import { feedsRoutes } from './routes/feeds.ts'
import { liveRoutes } from './routes/live.ts'
import { publicRoutes } from './routes/public.tsx'
import { subscriptionRoutes } from './routes/subscriptions.tsx'

export interface AppOptions {
  /** How this runtime learns the connecting peer's address (Node socket, CF-Connecting-IP…). */
  peerAddress?: (c: Context<AppEnv>) => string | undefined
  /** Serves files from public/ (runtime-specific: serveStatic on Node, the ASSETS binding on Workers). */
  assets?: MiddlewareHandler
}

export const ASSET_PATHS = ['/css/*', '/js/*', '/vendor/*', '/favicon.svg'] as const

/** The one Hono app, shared by every runtime; runtimes add only static files and serving. */
export function createApp(deps: Deps, opts: AppOptions = {}) {
  const app = new Hono<AppEnv>()
  // One middleware for every request (each layer of middleware costs on the hot page path): only
  // what every route needs; the console and API middlewares set session, user and token.
  app.use(async (c, next) => {
    c.set('deps', deps)
    c.set('peerAddress', opts.peerAddress?.(c) ?? 'unknown')
    await securityHeaders(c, next)
  })
  if (opts.assets) for (const path of ASSET_PATHS) app.use(path, opts.assets)
  app.onError(handleError)
  app.notFound((c) => {
    if (c.req.path.startsWith('/api/'))
      return c.json(
        { error: { code: 'NOT_FOUND', message: `No route for ${c.req.method} ${c.req.path}` } },
        404,
      )
    return c.html(<NotFoundPage />, 404)
  })

  app.route('/api/v1', apiDocsRoutes)
  app.route('/api/v1', apiV1Routes)
  app.route('/api/v2', apiV2Routes)
  app.route('/console', consoleRoutes)
  app.route('/live', liveRoutes)
  app.route('/', feedsRoutes)
  app.route('/', badgesRoutes)
  app.route('/', subscriptionRoutes)
  app.route('/', publicRoutes)
  return app
}

export type HeraldApp = ReturnType<typeof createApp>
