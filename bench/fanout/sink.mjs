// The SMTP sink: a real smtp-server on loopback in its own process (so it never shares an event
// loop with a sender). It counts accepted messages and their bytes and throws the bodies away.
// Started by run.mjs with an IPC channel; the first message it sends is {type:'listening', port}.
import { SMTPServer } from 'smtp-server'
import { createCounter } from './counter.mjs'

const counter = createCounter()
process.on('message', (msg) => counter.handle(msg))

const server = new SMTPServer({
  authOptional: true,
  // Plain SMTP on loopback, as Herald's SMTP_URL=smtp://127.0.0.1:port asks for.
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  onData(stream, session, callback) {
    let size = 0
    stream.on('data', (chunk) => (size += chunk.length))
    stream.on('end', () => {
      const rcpt = session.envelope.rcptTo.map((r) => r.address).join(',')
      counter.arrived(rcpt, size, () => ({ bytes: size }))
      callback()
    })
  },
})
server.on('error', (err) => console.error(`[sink] ${err.message}`))
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.send({ type: 'listening', port: server.server.address().port })
})
