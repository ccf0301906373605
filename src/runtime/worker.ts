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
import { withJobSignal, withPageInvalidation, withPageVersion } from '../app/invalidating-store.ts'
import type { JobSignal } from '../app/ports.ts'
import { createCaptureMailer } from '../adapters/mail/capture.ts'
import { createWorkerSmtpMailer, type WorkerSmtpMailer } from '../adapters/mail/smtp.worker.ts'
import { createFetchHttpSender } from '../adapters/outbound/http.worker.ts'
import { createMemoryPageCache } from '../adapters/cache/memory.ts'
import { createConsoleLogger } from '../adapters/log.ts'
import { createScryptHasher, DEFAULT_SCRYPT } from '../adapters/passwords/scrypt.ts'
import { createVersionedPageCache } from '../adapters/cache/versioned.ts'
import { createD1Store, createD1Sweeper } from '../adapters/storage/d1.worker.ts'
import type { Sweeper } from '../adapters/storage/sweep.ts'
import { createTimeIds, systemClock, webSecrets } from '../adapters/system.ts'
import { createDispatcher, type DispatchOptions } from '../app/broadcast/dispatch.ts'
import { runMaintenanceTransitions } from '../app/maintenance.ts'
import { Config, parseConfig } from '../config.ts'
import { createApp, type HeraldApp } from '../http/app.tsx'

// Composition root for Cloudflare Workers: the only place that picks Worker implementations of the
// ports. Bindings are declared in wrangler.toml; their types are kept by hand here (no generated
// worker-configuration.d.ts, whose global Request/Response would clash with the DOM types the app
// is checked against). Nothing Node-only may be imported from here: bin/check-worker-bundle.mjs
// fails the build if anything is.

/** Background work sent through the JOBS queue. */
export const Job = z.discriminatedUnion('type', [
  z.object({ type: z.literal('sweep') }),
  // A broadcast was committed: expand it and send what is due.
  z.object({ type: z.literal('broadcast'), ids: z.array(z.string()).max(100) }),
  // More deliveries are due (a long fan-out continues in the next message).
  z.object({ type: z.literal('deliver') }),
])
export type Job = z.infer<typeof Job>

export interface WorkerEnv extends Partial<Record<keyof Config, string>> {
  DB: D1Database
  /** The [assets] binding (files from public/); absent under a config without [assets]. */
  ASSETS?: { fetch(request: Request): Promise<Response> }
  JOBS: Queue<Job>
}

interface Isolate {
  deps: Deps
  app: HeraldApp
  sweeper: Sweeper
  jobs: Queue<Job>
  /** Set with SMTP_URL: background jobs open a session of it per invocation. */
  smtp: WorkerSmtpMailer | null
}

let isolate: Isolate | undefined

// Built on the first event an isolate sees (bindings are only handed to handlers) and then reused:
// an isolate serves many requests, and the page cache lives as long as it does.
function boot(env: WorkerEnv): Isolate {
  if (isolate) return isolate
  const config = parseConfig(stringVars(env))
  const clock = systemClock
  const ids = createTimeIds(clock)
  const rawStore = createD1Store(env.DB)
  // Each isolate caches rendered pages; a write in any isolate bumps the shared page version in
  // the same D1 batch, and the others notice within a second (one small read per request at most
  // once a second), so polling pages see a new update promptly wherever it was posted.
  const pageCache = createVersionedPageCache(createMemoryPageCache(), () => rawStore.pageVersion())
  // Used as is only by requests (a confirmation mail: one connection per message); queue and cron
  // invocations send through a session that keeps its connections open (withMailSession).
  const smtp = config.SMTP_URL ? createWorkerSmtpMailer(config.SMTP_URL) : null
  const jobs: JobSignal = {
    async broadcastsCreated(broadcastIds) {
      await env.JOBS.send({ type: 'broadcast', ids: broadcastIds.slice(0, 100) })
    },
  }
  const deps: Deps = {
    config,
    store: withJobSignal(withPageInvalidation(withPageVersion(rawStore), pageCache), jobs),
    clock,
    ids,
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
    mailer: smtp ?? createCaptureMailer({ store: rawStore, ids, clock }),
    http: createFetchHttpSender({ allowedHosts: config.WEBHOOK_ALLOWED_HOSTS }),
    jobs,
  }
  const app = createApp(deps, {
    assets: serveAssets(env),
    // Set by Cloudflare's edge for every request; clients cannot forge it.
    peerAddress: (c) => c.req.header('CF-Connecting-IP'),
  })
  isolate = { deps, app, sweeper: createD1Sweeper(env.DB), jobs: env.JOBS, smtp }
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
    if (!env.ASSETS) return next()
    const res = await env.ASSETS.fetch(c.req.raw)
    if (res.status === 404) return next()
    // A fetched Response has immutable headers; copy it so middleware can add its own.
    return new Response(res.body, res)
  }
}

// Deliveries on Workers: an invocation holds at most six connections of any kind (fetch and
// sockets alike; the rest wait), two of them SMTP, so a claim is kept small enough for the slowest
// round (50 webhooks timing out after 15 s, four at a time, is about 190 s) to end well within the
// lease. A crashed invocation's claim is taken over when its lease runs out.
const WORKER_DISPATCH: Partial<DispatchOptions> = { claimBatch: 50, leaseMs: 300_000 }
/** Claim-and-send rounds per invocation before the rest is handed to the next queue message. */
const MAX_ROUNDS = 10

/** Runs `work` with a mailer that keeps SMTP connections open for this invocation only. */
async function withMailSession(
  worker: Isolate,
  work: (deps: Deps) => Promise<void>,
): Promise<void> {
  if (!worker.smtp) return work(worker.deps)
  const session = worker.smtp.session()
  try {
    await work({ ...worker.deps, mailer: session })
  } finally {
    await session.close()
  }
}

async function runJob(job: Job, worker: Isolate, deps: Deps): Promise<void> {
  switch (job.type) {
    case 'sweep': {
      const now = deps.clock.now()
      const sessions = await worker.sweeper.expiredSessions(now)
      const rateLimits = await worker.sweeper.staleRateLimits(
        now,
        deps.config.LOGIN_WINDOW_SECONDS * 1000,
      )
      deps.log[sessions + rateLimits > 0 ? 'info' : 'debug']('sweep done', { sessions, rateLimits })
      // Scheduled maintenance: reminders, starts and completions that are due (also ones missed
      // while no cron ran), before deliveries so their broadcasts go out in this same run.
      const transitions = await runMaintenanceTransitions(deps)
      if (transitions) deps.log.info('maintenance transitions', { count: transitions })
      // Broadcasts whose queue message was lost, retries that came due, leases of dead senders.
      await runJob({ type: 'deliver' }, worker, deps)
      return
    }
    case 'broadcast':
    case 'deliver': {
      const dispatcher = createDispatcher(deps, WORKER_DISPATCH)
      if (job.type === 'broadcast') await dispatcher.expand(job.ids)
      // Bounded work per invocation; if more is due now, the next message carries on. Retries due
      // later are found by the cron sweep (every minute).
      const settled = await dispatcher.drain({ maxRounds: MAX_ROUNDS })
      const due = await deps.store.nextDeliveryDue()
      if (settled > 0 && due !== null && due <= deps.clock.now())
        await worker.jobs.send({ type: 'deliver' })
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
    const worker = boot(env)
    await withMailSession(worker, (deps) => runJob({ type: 'sweep' }, worker, deps))
  },

  /** Consumer of the jobs queue and of its dead-letter queue. */
  async queue(batch: MessageBatch<unknown>, env: WorkerEnv): Promise<void> {
    const worker = boot(env)
    const { log } = worker.deps
    // One mail session for the batch: its messages share SMTP connections.
    await withMailSession(worker, async (deps) => {
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
          await runJob(job.data, worker, deps)
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
    })
  },
}
