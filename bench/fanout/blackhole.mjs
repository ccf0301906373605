// For the post-latency run: a TCP server that accepts connections and never says a word. Herald's
// SMTP pool waits for a greeting and its webhook POSTs wait for an answer (15 s timeouts each), so
// its delivery loop sits in one long await instead of sending or failing fast, and the timed posts
// meet no delivery work. Reports how many connections it has seen.
import net from 'node:net'

const sockets = new Set()
let connections = 0
const server = net.createServer((socket) => {
  connections++
  sockets.add(socket)
  socket.on('error', () => {})
  socket.on('close', () => sockets.delete(socket))
  socket.resume()
})
process.on('message', (msg) => {
  if (msg?.type === 'stats') process.send({ type: 'stats', connections, open: sockets.size })
})
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.send({ type: 'listening', port: server.address().port })
})
