import type {
  D1Database,
  ExecutionContext,
  MessageBatch,
  Queue,
  ScheduledController,
} from '@cloudflare/workers-types'
import type { MiddlewareHandler } from 'hono'
import { z } from 'zod'
import type { Deps } from '../app/deps.ts'
import { withPageInvalidation } from '../app/invalidating-store.ts'
import { createMemoryPageCache } from '../adapters/cache/memory.ts'
import { createConsoleLogger } from '../adapters/log.ts'
import { createScryptHasher, DEFAULT_SCRYPT } from '../adapters/passwords/scrypt.ts'
import { createD1Store, createD1Sweeper } from '../adapters/storage/d1.worker.ts'
import type { Sweeper } from '../adapters/storage/sweep.ts'
import { createTimeIds, systemClock, webSecrets } from '../adapters/system.ts'
import { Config, parseConfig } from '../config.ts'
import { createApp, type HeraldApp } from '../http/app.tsx'

// Composition root for Cloudflare Workers: the only place that picks Worker implementations of the
// ports. Bindings are declared in wrangler.toml; their types are kept by hand here (no generated
// worker-configuration.d.ts, whose global Request/Response would clash with the DOM types the app
// is checked against). Nothing Node-only may be imported from here: bin/check-worker-bundle.mjs
// fails the build if anything is.

/** Background work sent through the JOBS queue. Mail and webhook jobs arrive with issues 4 and 5. */
export const Job = z.discriminatedUnion('type', [z.object({ type: z.literal('sweep') })])
export type Job = z.infer<typeof Job>

export interface WorkerEnv extends Partial<Record<keyof Config, string>> {
  DB: D1Database
  /** The [assets] binding (files from public/). */
  ASSETS: { fetch(request: Request): Promise<Response> }
  JOBS: Queue<Job>
}

interface Isolate {
  deps: Deps
  app: HeraldApp
  sweeper: Sweeper
}

let isolate: Isolate | undefined

// Built on the first event an isolate sees (bindings are only handed to handlers) and then reused:
// an isolate serves many requests, and the page cache lives as long as it does.
function boot(env: WorkerEnv): Isolate {
  if (isolate) return isolate
  const config = parseConfig(stringVars(env))
  // One page cache per isolate. A write clears only the cache of the isolate that made it; other
  // isolates keep serving their copy until PAGE_CACHE_SECONDS runs out. Invalidation across
  // isolates arrives with the polling/ETag work of issue 3 (a version row in D1 checked per hit).
  const pageCache = createMemoryPageCache()
  const clock = systemClock
  const deps: Deps = {
    config,
    store: withPageInvalidation(createD1Store(env.DB), pageCache),
    clock,
    ids: createTimeIds(clock),
    secrets: webSecrets,
    // Pure-JS scrypt (@noble/hashes): memory-hard and within Workers' limits, unlike PBKDF2, which
    // production Workers cap at 100,000 iterations. Parameters travel with each hash.
    passwords: createScryptHasher(DEFAULT_SCRYPT),
    pageCache,
    // No precompression: a Worker's Response body is encoded by the runtime according to its
    // Content-Encoding header (encodeBody "automatic"), so precompressed bytes would be encoded
    // twice; Cloudflare compresses at the edge (brotli or gzip) per client instead.
    compressor: { encodings: [], compress: () => Promise.reject(new Error('no encodings')) },
    log: createConsoleLogger(config.LOG_LEVEL),
  }
  const app = createApp(deps, {
    assets: serveAssets(env),
    // Set by Cloudflare's edge for every request; clients cannot forge it.
    peerAddress: (c) => c.req.header('CF-Connecting-IP'),
  })
  isolate = { deps, app, sweeper: createD1Sweeper(env.DB) }
  return isolate
}

function stringVars(env: WorkerEnv): Record<string, string | undefined> {
  const vars: Record<string, string | undefined> = {}
  for (const [key, value] of Object.entries(env)) if (typeof value === 'string') vars[key] = value
  return vars
}

// Cloudflare serves files in public/ before the Worker runs, so requests for asset paths only reach
// here when no such file exists (or under a local runner that routes everything to the Worker).
function serveAssets(env: WorkerEnv): MiddlewareHandler {
  return async (c, next) => {
    const res = await env.ASSETS.fetch(c.req.raw)
    if (res.status === 404) return next()
    // A fetched Response has immutable headers; copy it so middleware can add its own.
    return new Response(res.body, res)
  }
}

async function runJob(job: Job, { deps, sweeper }: Isolate): Promise<void> {
  switch (job.type) {
    case 'sweep': {
      const now = deps.clock.now()
      const sessions = await sweeper.expiredSessions(now)
      const rateLimits = await sweeper.staleRateLimits(now, deps.config.LOGIN_WINDOW_SECONDS * 1000)
      deps.log[sessions + rateLimits > 0 ? 'info' : 'debug']('sweep done', { sessions, rateLimits })
      return
    }
  }
}

const DEAD_LETTER_SUFFIX = '-dlq'

export default {
  fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Response | Promise<Response> {
    return boot(env).app.fetch(request, env, ctx)
  },

  /** Cron trigger (wrangler.toml [triggers]): periodic housekeeping. */
  async scheduled(_controller: ScheduledController, env: WorkerEnv): Promise<void> {
    await runJob({ type: 'sweep' }, boot(env))
  },

  /** Consumer of the jobs queue and of its dead-letter queue. */
  async queue(batch: MessageBatch<unknown>, env: WorkerEnv): Promise<void> {
    const worker = boot(env)
    const { log } = worker.deps
    for (const message of batch.messages) {
      if (batch.queue.endsWith(DEAD_LETTER_SUFFIX)) {
        // Out of retries: keep a record in the logs and drop it, or it would come back forever.
        log.error('job gave up after retries', { id: message.id, body: message.body })
        message.ack()
        continue
      }
      const job = Job.safeParse(message.body)
      if (!job.success) {
        // A message no version of this code can run: retrying cannot help.
        log.error('dropping malformed job', { id: message.id, issues: job.error.issues })
        message.ack()
        continue
      }
      try {
        await runJob(job.data, worker)
        message.ack()
      } catch (err) {
        log.warn('job failed; will retry', {
          id: message.id,
          type: job.data.type,
          attempts: message.attempts,
          error: String(err),
        })
        // Back off with the attempt number: 10 s, 20 s, 40 s … up to 10 minutes.
        message.retry({ delaySeconds: Math.min(600, 10 * 2 ** (message.attempts - 1)) })
      }
    }
  },
}
