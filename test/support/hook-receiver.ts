import http from 'node:http'
import type { AddressInfo } from 'node:net'

// A real webhook endpoint on 127.0.0.1. Replies come from a script (one status per request, the
// last one repeating), so a test can say "503, 503, then 200".

export interface Hook {
  url: string
  requests: { path: string; headers: http.IncomingHttpHeaders; body: string }[]
  script: { status: number; headers?: Record<string, string> }[]
  close(): Promise<void>
}

export async function startHookReceiver(script: Hook['script'] = [{ status: 204 }]): Promise<Hook> {
  const hook: Hook = { url: '', requests: [], script, close: async () => {} }
  let served = 0
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      hook.requests.push({
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      })
      const step = hook.script[Math.min(served++, hook.script.length - 1)] ?? { status: 204 }
      res.writeHead(step.status, step.headers)
      res.end()
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  hook.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`
  hook.close = () =>
    new Promise((r) => {
      server.closeAllConnections()
      server.close(() => r())
    })
  return hook
}
