import { createServer, type Server, type ServerResponse } from 'node:http'
import { connect } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { sendWithPrebuiltHead } from '../../src/runtime/prebuilt-head.node.ts'

// The fast lane writes its header block itself instead of through writeHead(). What goes on the
// wire must be byte for byte what writeHead() and end() send, and every response writeHead()
// would treat differently (closing connections, HTTP/1.0, the last request a socket may carry)
// must be left to writeHead(). The server here answers /prebuilt through the lane's function and
// /plain through writeHead() with the same record; a raw socket reads exactly what was sent.

const BODY = new TextEncoder().encode('<!doctype html><p>All systems operational</p>')
const RECORD: Readonly<Record<string, string>> = {
  'Content-Security-Policy': "default-src 'self'; frame-ancestors 'self'",
  ETag: '"abc123-br"',
  'Cache-Control': 'public, max-age=10, stale-while-revalidate=30',
  Vary: 'Accept-Encoding',
  'Content-Type': 'text/html; charset=UTF-8',
  'Content-Encoding': 'br',
  'Content-Length': String(BODY.byteLength),
}

let server: Server | undefined
let prebuilt: boolean[] = []

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
  server = undefined
  prebuilt = []
})

async function start(setup: (s: Server) => void = () => {}): Promise<number> {
  server = createServer((req, res: ServerResponse) => {
    if (req.url === '/prebuilt') {
      const used = sendWithPrebuiltHead(res, RECORD, BODY)
      prebuilt.push(used)
      if (used) return
    }
    res.writeHead(200, RECORD)
    res.end(BODY)
  })
  setup(server)
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  return typeof address === 'object' && address ? address.port : 0
}

/** Writes `requests` on one connection; reads until `answers` answers arrived or the server closed it. */
function exchange(port: number, requests: string, answers: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(requests))
    let text = ''
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`timed out after: ${JSON.stringify(text)}`))
    }, 3000)
    const done = () => {
      clearTimeout(timer)
      socket.destroy()
      resolve(text)
    }
    socket.setEncoding('latin1')
    socket.on('data', (chunk: string) => {
      text += chunk
      if (
        text.split('HTTP/1.1 ').length - 1 >= answers &&
        text.endsWith(new TextDecoder().decode(BODY))
      )
        done()
    })
    socket.on('end', done)
    socket.on('error', reject)
  })
}

const get = (path: string, extra = '') =>
  `GET ${path} HTTP/1.1\r\nHost: status.test\r\n${extra}\r\n`
/** Date is the one line that may differ between two answers a second apart. */
const sameSecond = (text: string) => text.replace(/\r\nDate: [^\r]+\r\n/g, '\r\nDate: D\r\n')

describe('sendWithPrebuiltHead', () => {
  it('sends exactly the bytes writeHead() and end() send, Date and keep-alive included', async () => {
    const port = await start()
    const plain = await exchange(port, get('/plain'), 1)
    const fast = await exchange(port, get('/prebuilt'), 1)
    expect(prebuilt).toEqual([true])
    expect(sameSecond(fast)).toBe(sameSecond(plain))
    expect(fast).toMatch(/^HTTP\/1\.1 200 OK\r\nContent-Security-Policy: default-src 'self'/)
    expect(fast).toContain('\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n\r\n')
    expect(fast).toMatch(/\r\nDate: \w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT\r\n/)
    expect(fast.endsWith(`\r\n\r\n${new TextDecoder().decode(BODY)}`)).toBe(true)
  })

  it('keeps the connection usable: pipelined requests on one socket all get their answer', async () => {
    const port = await start()
    const text = await exchange(port, get('/prebuilt') + get('/prebuilt') + get('/prebuilt'), 3)
    expect(prebuilt).toEqual([true, true, true])
    expect(text.split('HTTP/1.1 200 OK\r\n')).toHaveLength(4)
  })

  it('follows the server’s keep-alive settings and leaves the last allowed request to writeHead()', async () => {
    const port = await start((s) => {
      s.keepAliveTimeout = 7000
      s.maxRequestsPerSocket = 2
    })
    const text = await exchange(port, get('/prebuilt') + get('/prebuilt'), 2)
    const [first, second] = text.split('HTTP/1.1 200 OK\r\n').slice(1)
    expect(first).toContain('\r\nConnection: keep-alive\r\nKeep-Alive: timeout=7, max=2\r\n')
    expect(second).toContain('\r\nConnection: close\r\n')
    expect(prebuilt).toEqual([true, false])
  })

  it('leaves Connection: close and HTTP/1.0 requests to writeHead(), which closes the socket', async () => {
    const port = await start()
    const closing = await exchange(port, get('/prebuilt', 'Connection: close\r\n'), 1)
    expect(closing).toContain('\r\nConnection: close\r\n')
    const old = await exchange(port, 'GET /prebuilt HTTP/1.0\r\n\r\n', 1)
    expect(old).toContain('\r\nConnection: close\r\n')
    expect(prebuilt).toEqual([false, false])
  })

  // One request to a handler that tries the record and falls back to writeHead() itself.
  const probe = (record: Record<string, string>, before?: (res: ServerResponse) => void) =>
    new Promise<boolean | Error>((resolve) => {
      server!.removeAllListeners('request')
      server!.on('request', (_req, res: ServerResponse) => {
        before?.(res)
        let used: boolean | Error
        try {
          used = sendWithPrebuiltHead(res, record, BODY)
        } catch (e) {
          used = e as Error
        }
        resolve(used)
        if (used !== true) {
          res.removeHeader('X-Extra')
          res.writeHead(200, { 'Content-Length': String(BODY.byteLength) })
          res.end(BODY)
        }
      })
      const address = server!.address()
      const port = typeof address === 'object' && address ? address.port : 0
      void exchange(port, get('/x'), 1)
    })

  it('refuses records it cannot send itself and responses with headers already set', async () => {
    await start()
    const { 'Content-Length': _length, ...unsized } = RECORD
    expect(await probe(unsized)).toBe(false)
    expect(await probe({ ...RECORD, Date: 'Thu, 01 Jan 2026 00:00:00 GMT' })).toBe(false)
    expect(await probe({ ...RECORD, Connection: 'close' })).toBe(false)
    expect(await probe({ ...RECORD }, (res) => res.setHeader('X-Extra', '1'))).toBe(false)
    expect(await probe({ ...RECORD })).toBe(true)
  })

  it('rejects a header value with a line break, as writeHead() does', async () => {
    await start()
    const outcome = await probe({ ...RECORD, ETag: '"a"\r\nSet-Cookie: x=1' })
    expect(outcome).toBeInstanceOf(Error)
    expect(String(outcome)).toMatch(/Invalid character in header content \["ETag"\]/)
  })
})
