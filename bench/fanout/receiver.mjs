// The webhook receiver: a node:http server on loopback in its own process. It reads and discards
// each body, answers 204, and counts requests (duplicates by their `webhook-id` header).
// Started by run.mjs with an IPC channel; the first message it sends is {type:'listening', port}.
import http from 'node:http'
import { createCounter } from './counter.mjs'

const counter = createCounter()
process.on('message', (msg) => counter.handle(msg))

const server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  let size = 0
  req.on('data', (chunk) => (size += chunk.length))
  req.on('end', () => {
    res.writeHead(204)
    res.end()
    const id = req.headers['webhook-id']
    counter.arrived(typeof id === 'string' ? id : null, size, () => ({
      bytes: size,
      signed: typeof req.headers['webhook-signature'] === 'string',
    }))
  })
})
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.send({ type: 'listening', port: server.address().port })
})
