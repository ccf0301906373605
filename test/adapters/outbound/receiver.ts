import http from 'node:http'
import https from 'node:https'
import type { AddressInfo } from 'node:net'

// A real webhook receiver on a loopback address: records every request (with the address it was
// reached on) and answers with a scripted reply; `reply: 'hang'` never answers.

export interface ReceivedRequest {
  method: string
  url: string
  headers: http.IncomingHttpHeaders
  body: string
  /** The address the client connected to, as the receiver's socket sees it. */
  localAddress: string
  /** The TLS server name (SNI) the client sent, for https receivers. */
  servername: string | null
}

export interface Reply {
  status: number
  headers?: Record<string, string>
  body?: string
}

export interface Receiver {
  host: string
  port: number
  /** `http(s)://host:port` (IPv6 bracketed). */
  origin: string
  requests: ReceivedRequest[]
  /** TCP connections accepted, including ones that never made a valid request. */
  connections(): number
  close(): Promise<void>
}

export async function startReceiver(
  opts: {
    host?: string
    port?: number
    reply?: Reply | 'hang'
    tls?: { key: string; cert: string }
  } = {},
): Promise<Receiver> {
  const host = opts.host ?? '127.0.0.1'
  const reply = opts.reply ?? { status: 204 }
  const requests: ReceivedRequest[] = []
  const handler: http.RequestListener = (req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        localAddress: req.socket.localAddress ?? '',
        servername: 'servername' in req.socket ? String(req.socket.servername) : null,
      })
      if (reply === 'hang') return
      res.writeHead(reply.status, reply.headers)
      res.end(reply.body)
    })
  }
  const server = opts.tls ? https.createServer(opts.tls, handler) : http.createServer(handler)
  let connections = 0
  server.on('connection', () => connections++)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, host, () => resolve())
  })
  const { port } = server.address() as AddressInfo
  return {
    host,
    port,
    origin: `${opts.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`,
    requests,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
