// The baseline: a bare Hono "hello" route on the same kind of server Herald uses on Node.
import { serve } from '@hono/node-server'
import { Hono } from 'hono'

const app = new Hono()
app.get('/', (c) => c.text('Hello Hono!'))

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
