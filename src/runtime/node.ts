import { getRequestListener, type ServerType } from '@hono/node-server'
import { serveStatic } from '@hono/node-server/serve-static'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { fileURLToPath } from 'node:url'
import type { Deps } from '../app/deps.ts'
import { withJobSignal, withPageInvalidation, withReadCache } from '../app/invalidating-store.ts'
import type { Clock, HttpSender, Ids, Mailer } from '../app/ports.ts'
import { createLiveHub } from '../adapters/live/hub.ts'
import { createCaptureMailer } from '../adapters/mail/capture.ts'
import { createSmtpMailer } from '../adapters/mail/smtp.node.ts'
import { createNodeHttpSender } from '../adapters/outbound/http.node.ts'
import { createMemoryPageCache } from '../adapters/cache/memory.ts'
import { zlibCompressor } from '../adapters/compress/zlib.node.ts'
import { createConsoleLogger } from '../adapters/log.ts'
import {
  createScryptHasher,
  DEFAULT_SCRYPT,
  type ScryptParams,
} from '../adapters/passwords/scrypt.ts'
import { nodeScrypt } from '../adapters/passwords/scrypt.node.ts'
import { openNodeDatabase, type NodeDatabase } from '../adapters/storage/sqlite.node.ts'
import { createTimeIds, systemClock } from '../adapters/system.ts'
import { nodeSecrets } from '../adapters/system.node.ts'
import type { Config } from '../config.ts'
import { createApp } from '../http/app.tsx'
import { fastAnswer } from '../http/cached-page.ts'
import { startDeliveryLoop, type DeliveryLoop } from './delivery-loop.ts'
import { startMaintenanceClock } from './maintenance-clock.ts'
import { sendWithPrebuiltHead } from './prebuilt-head.node.ts'
import { renderWithoutAsyncContext } from './render-context.node.ts'

// Composition root for Node: the only place that picks Node implementations of the ports.

export const PUBLIC_DIR = fileURLToPath(new URL('../../public', import.meta.url))

export interface NodeOverrides {
  clock?: Clock
  ids?: Ids
  scrypt?: ScryptParams
  mailer?: Mailer
  http?: HttpSender
}

/** Lets the composition root connect the store's "broadcast created" signal to a loop later. */
export interface WakeSignal {
  loop: DeliveryLoop | null
  broadcastsCreated(ids: string[]): Promise<void>
}

export function createNodeDeps(
  config: Config,
  overrides: NodeOverrides = {},
): { deps: Deps; database: NodeDatabase; signal: WakeSignal } {
  renderWithoutAsyncContext()
  const database = openNodeDatabase(config.DATABASE_PATH)
  const clock = overrides.clock ?? systemClock
  const ids = overrides.ids ?? createTimeIds(clock)
  const pageCache = createMemoryPageCache()
  const live = createLiveHub({ max: config.LIVE_MAX_CONNECTIONS })
  const signal: WakeSignal = {
    loop: null,
    async broadcastsCreated() {
      signal.loop?.wake()
    },
  }
  const deps: Deps = {
    config,
    // One process sees every write, so the large uptime reads can be kept between writes.
    store: withJobSignal(
      withPageInvalidation(withReadCache(database.store), pageCache, live),
      signal,
    ),
    clock,
    ids,
    secrets: nodeSecrets,
    passwords: createScryptHasher(overrides.scrypt ?? DEFAULT_SCRYPT, nodeScrypt),
    pageCache,
    compressor: zlibCompressor,
    log: createConsoleLogger(config.LOG_LEVEL),
    mailer:
      overrides.mailer ??
      (config.SMTP_URL
        ? createSmtpMailer(config.SMTP_URL)
        : createCaptureMailer({ store: database.store, ids, clock })),
    http: overrides.http ?? createNodeHttpSender({ allowedHosts: config.WEBHOOK_ALLOWED_HOSTS }),
    jobs: signal,
    live,
  }
  return { deps, database, signal }
}

/** The Hono app plus static files from public/, as served on Node. */
export function createNodeApp(deps: Deps) {
  return createApp(deps, {
    assets: serveStatic({
      root: PUBLIC_DIR,
      onFound: (_path, c) => {
        // Vendored files carry their version in the name; our CSS changes between releases.
        c.header(
          'Cache-Control',
          c.req.path.startsWith('/vendor/')
            ? 'public, max-age=31536000, immutable'
            : 'public, max-age=300',
        )
      },
    }),
    peerAddress: (c) =>
      (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming
        ?.socket?.remoteAddress,
  })
}

/**
 * The fast lane (src/http/cached-page.ts): a repeat GET of a public page that is fresh in the
 * cache is answered here, without Hono's Request and Response objects, routing or middleware.
 * During a refresh storm that is nearly every request; anything else goes to the app.
 */
function answerFromCache(deps: Deps, req: IncomingMessage, res: ServerResponse): boolean {
  const answer = fastAnswer(deps, {
    method: req.method,
    host: req.headers.host,
    url: req.url,
    acceptEncoding: req.headers['accept-encoding'],
    ifNoneMatch: req.headers['if-none-match'],
  })
  if (!answer) return false
  if (
    answer.status === 200 &&
    answer.body &&
    sendWithPrebuiltHead(res, answer.headers, answer.body)
  )
    return true
  res.writeHead(answer.status, answer.headers)
  res.end(answer.body ?? undefined)
  return true
}

export interface RunningServer {
  url: string
  deps: Deps
  loop: DeliveryLoop
  close(): Promise<void>
}

/** Starts the HTTP server; resolves once it listens. PORT=0 picks a free port (tests). */
export async function startNodeServer(
  config: Config,
  overrides: NodeOverrides = {},
): Promise<RunningServer> {
  const { deps, database, signal } = createNodeDeps(config, overrides)
  const app = createNodeApp(deps)
  const loop = startDeliveryLoop(deps)
  signal.loop = loop
  const maintenanceClock = startMaintenanceClock(deps)
  const listener = getRequestListener(app.fetch, { hostname: config.HOST })
  const server: ServerType = createServer((req, res) => {
    if (!answerFromCache(deps, req, res)) void listener(req, res)
  })
  await new Promise<void>((resolve) => server.listen(config.PORT, config.HOST, resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : config.PORT
  const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST
  return {
    url: `http://${host}:${port}`,
    deps,
    loop,
    close: () =>
      new Promise<void>((resolve) => {
        if ('closeAllConnections' in server) server.closeAllConnections()
        server.close(() => {
          maintenanceClock.stop()
          void loop.stop().then(async () => {
            await Promise.all([deps.mailer.close?.(), deps.http.close?.()])
            database.close()
            resolve()
          })
        })
      }),
  }
}
