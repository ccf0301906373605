import { Hono } from 'hono'
import type { AppEnv } from '../env.ts'
import { markSecured, securityHeadersFor } from '../middleware/security.ts'

// GET /live: Server-Sent Events telling an open public page that something changed, so it fetches
// the page again (from the cache every write refreshed). Every (re)connection starts with `hello`,
// after which the page fetches once: a reconnecting viewer always gets the full current state.
// Where there is no hub (Workers) or it is full, the answer is 204 and public/js/live.js polls
// with If-None-Match instead.

export const liveRoutes = new Hono<AppEnv>()

const encoder = new TextEncoder()

liveRoutes.get('/', (c) => {
  const hub = c.var.deps.live
  if (!hub || c.var.deps.config.LIVE_MAX_CONNECTIONS === 0) return c.body(null, 204)
  let unsubscribe: (() => void) | null = null
  let refused = false
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (text: string) => {
        try {
          controller.enqueue(encoder.encode(text))
        } catch {
          unsubscribe?.()
        }
      }
      unsubscribe = hub.subscribe((event) =>
        send(event === 'changed' ? `event: changed\ndata: ${Date.now()}\n\n` : ': keep-alive\n\n'),
      )
      if (!unsubscribe) {
        refused = true
        controller.close()
        return
      }
      send('retry: 2000\nevent: hello\ndata: \n\n')
    },
    cancel() {
      unsubscribe?.()
    },
  })
  if (refused) return c.body(null, 204)
  const res = new Response(stream, {
    headers: {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Accel-Buffering': 'no',
      ...securityHeadersFor(c.var.deps.config),
    },
  })
  markSecured(res)
  return res
})
