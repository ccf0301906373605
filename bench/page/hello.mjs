// The baseline: a bare Hono "hello" route on the same kind of server Herald uses on Node.
import { serve } from '@hono/node-server'
import { Hono } from 'hono'

const app = new Hono()
app.get('/', (c) => c.text('Hello Hono!'))

// The second baseline (run.mjs): exactly the bytes and headers Herald sent for its page.
if (process.env.SAME_BYTES_BODY && process.env.SAME_BYTES_HEADERS) {
  const { readFileSync } = await import('node:fs')
  const body = new Uint8Array(readFileSync(process.env.SAME_BYTES_BODY))
  const headers = JSON.parse(readFileSync(process.env.SAME_BYTES_HEADERS, 'utf8'))
  app.get('/same-bytes', () => new globalThis.Response(body, { status: 200, headers }))
}

const server = serve(
  { fetch: app.fetch, port: Number(process.env.PORT ?? 0), hostname: '127.0.0.1' },
  (info) => {
    // run.mjs reads the port from this line, as it does from Herald's start-up line.
    console.error(`hello is serving http://127.0.0.1:${info.port}`)
  },
)
const stop = () => server.close(() => process.exit(0))
process.once('SIGTERM', stop)
process.once('SIGINT', stop)
