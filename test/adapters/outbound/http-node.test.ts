import { Webhook } from 'standardwebhooks'
import { afterEach, describe, expect, it } from 'vitest'
import {
  createNodeHttpSender,
  type NodeHttpSender,
  type ResolveAll,
} from '../../../src/adapters/outbound/http.node.ts'
import { generateWebhookSecret, signWebhook } from '../../../src/app/broadcast/sign.ts'
import { nodeSecrets } from '../../../src/adapters/system.node.ts'
import { startReceiver, type Receiver } from './receiver.ts'
import { PINNED_TEST_CERT, PINNED_TEST_KEY } from './tls-fixture.ts'

// Real node:http receivers on loopback; the sender under test is the production one. DNS tricks
// are played by injecting the resolver, the one seam the sender has.

const opened: { close(): unknown }[] = []
afterEach(async () => {
  await Promise.all(opened.splice(0).map((x) => x.close()))
})

async function receiver(opts: Parameters<typeof startReceiver>[0] = {}): Promise<Receiver> {
  const r = await startReceiver(opts)
  opened.push(r)
  return r
}

function sender(opts: Parameters<typeof createNodeHttpSender>[0]): NodeHttpSender {
  const s = createNodeHttpSender(opts)
  opened.push(s)
  return s
}

/** A resolver answering from a script: the n-th call gets the n-th answer (the last repeats). */
function scriptedLookup(...answers: string[][]): { lookup: ResolveAll; calls: string[] } {
  const calls: string[] = []
  const lookup: ResolveAll = (hostname, _options, callback) => {
    calls.push(hostname)
    const answer = answers[Math.min(calls.length, answers.length) - 1] ?? []
    const addresses = answer.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }))
    setImmediate(() => callback(null, addresses))
  }
  return { lookup, calls }
}

const request = (body = '{"ok":true}', timeoutMs = 2000) => ({
  headers: { 'content-type': 'application/json' },
  body,
  timeoutMs,
})

describe('the Node webhook sender guards against SSRF', () => {
  it('refuses a loopback literal without connecting, over http and https', async () => {
    const r = await receiver()
    const s = sender({ allowedHosts: ['example.com'] })

    const plain = await s.post(`http://127.0.0.1:${r.port}/hook`, request())
    const tls = await s.post(`https://127.0.0.1:${r.port}/hook`, request())

    expect(plain).toMatchObject({ kind: 'refused' })
    expect(tls).toEqual({ kind: 'refused', reason: '127.0.0.1 is a loopback address' })
    expect(r.connections()).toBe(0)
  })

  it('refuses a host name that resolves to 127.0.0.1 without connecting', async () => {
    const r = await receiver()
    const s = sender({ allowedHosts: [] })

    const plain = await s.post(`http://localhost:${r.port}/hook`, request())
    const tls = await s.post(`https://localhost:${r.port}/hook`, request())

    expect(plain).toMatchObject({ kind: 'refused' })
    expect(tls.kind).toBe('refused')
    expect(tls.kind === 'refused' && tls.reason).toMatch(/^localhost resolves to .* loopback/)
    expect(r.connections()).toBe(0)
  })

  it.each([
    [['93.184.215.14', '127.0.0.1'], '127.0.0.1 is a loopback'],
    [['127.0.0.1', '93.184.215.14'], '127.0.0.1 is a loopback'],
    [['2606:4700::1111', '::ffff:169.254.169.254'], '169.254.169.254, the cloud metadata'],
    [['fd00::1'], 'unique-local'],
  ])('refuses a name resolving to %j: any non-public address is enough', async (answer, words) => {
    const r = await receiver()
    const { lookup } = scriptedLookup(answer)
    const s = sender({ allowedHosts: [], lookup })

    const attempt = await s.post(`https://hooks.example.test:${r.port}/`, request())

    expect(attempt.kind).toBe('refused')
    expect(attempt.kind === 'refused' && attempt.reason).toContain(words)
    expect(r.connections()).toBe(0)
  })

  it('resolves once and connects to the checked address, not to a later DNS answer', async () => {
    // First answer public (passes the check), any later one loopback: a sender that resolved
    // again to connect would reach the receiver.
    const r = await receiver()
    const { lookup, calls } = scriptedLookup(['1.1.1.1'], ['127.0.0.1'])
    const s = sender({ allowedHosts: [], lookup })

    const attempt = await s.post(`https://rebind.example.test:${r.port}/`, request('{}', 500))

    expect(attempt.kind).toBe('error')
    expect(calls).toEqual(['rebind.example.test'])
    expect(r.connections()).toBe(0)
  })

  it('connects only to the address it resolved, keeping the host name in the Host header', async () => {
    // Two receivers on one port at two loopback addresses; DNS answers the first, then the second.
    const first = await receiver({ host: '127.0.0.2' })
    const second = await receiver({ host: '127.0.0.1', port: first.port })
    const { lookup, calls } = scriptedLookup(['127.0.0.2'], ['127.0.0.1'])
    const s = sender({ allowedHosts: ['pinned.test'], lookup })

    const attempt = await s.post(`http://pinned.test:${first.port}/hook`, request())

    expect(attempt).toEqual({ kind: 'response', status: 204, retryAfter: null })
    expect(calls).toEqual(['pinned.test'])
    expect(first.requests.map((q) => [q.localAddress, q.headers.host])).toEqual([
      ['127.0.0.2', `pinned.test:${first.port}`],
    ])
    expect(second.connections()).toBe(0)
  })

  it('verifies TLS against the host name while connecting to the pinned address', async () => {
    const tls = { key: PINNED_TEST_KEY, cert: PINNED_TEST_CERT }
    const r = await receiver({ tls })
    const { lookup } = scriptedLookup(['127.0.0.1'])
    const s = sender({ allowedHosts: ['pinned.test'], lookup, ca: PINNED_TEST_CERT })

    const attempt = await s.post(`https://pinned.test:${r.port}/hook`, request())

    expect(attempt).toEqual({ kind: 'response', status: 204, retryAfter: null })
    expect(r.requests.map((q) => [q.servername, q.headers.host])).toEqual([
      ['pinned.test', `pinned.test:${r.port}`],
    ])
  })

  it('rejects a certificate that does not name the host, though the address is the same', async () => {
    const r = await receiver({ tls: { key: PINNED_TEST_KEY, cert: PINNED_TEST_CERT } })
    const { lookup } = scriptedLookup(['127.0.0.1'])
    const s = sender({ allowedHosts: ['other.test'], lookup, ca: PINNED_TEST_CERT })

    const attempt = await s.post(`https://other.test:${r.port}/hook`, request())

    expect(attempt.kind).toBe('error')
    expect(attempt.kind === 'error' && attempt.reason).toContain('other.test')
    expect(r.requests).toHaveLength(0)
  })

  it('reports a name that does not resolve as an error', async () => {
    const lookup: ResolveAll = (hostname, _options, callback) => {
      const err: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`)
      err.code = 'ENOTFOUND'
      setImmediate(() => callback(err, []))
    }
    const s = sender({ allowedHosts: [], lookup })

    const attempt = await s.post('https://nowhere.example.test/hook', request())

    expect(attempt).toEqual({
      kind: 'error',
      reason: 'getaddrinfo ENOTFOUND nowhere.example.test',
    })
  })
})

describe('the Node webhook sender delivers', () => {
  it('posts the exact body and headers to an allowlisted host, verifiably signed', async () => {
    const r = await receiver({ reply: { status: 200, body: 'thanks' } })
    const s = sender({ allowedHosts: ['127.0.0.1'] })
    const secret = generateWebhookSecret(new Uint8Array(32).fill(7))
    const body = JSON.stringify({ incident: { name: 'Ünïcode — outage ✓' } })
    const signed = await signWebhook({
      secrets: [secret],
      id: 'msg_0001',
      timestamp: Math.floor(Date.now() / 1000),
      body,
      hmac: nodeSecrets.hmacSha256,
    })
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'Herald-Webhooks',
      ...signed,
      // A caller cannot redirect the request or lie about its length.
      Host: 'evil.example',
      'Content-Length': '1',
    }

    const attempt = await s.post(`${r.origin}/hook?source=herald`, {
      headers,
      body,
      timeoutMs: 2000,
    })

    expect(attempt).toEqual({ kind: 'response', status: 200, retryAfter: null })
    expect(r.requests).toHaveLength(1)
    const got = r.requests[0]!
    expect(got.method).toBe('POST')
    expect(got.url).toBe('/hook?source=herald')
    expect(got.body).toBe(body)
    expect(got.headers).toMatchObject({
      host: `127.0.0.1:${r.port}`,
      'content-type': 'application/json',
      'user-agent': 'Herald-Webhooks',
      'content-length': String(Buffer.byteLength(body)),
      'webhook-id': 'msg_0001',
      'webhook-timestamp': signed['webhook-timestamp'],
      'webhook-signature': signed['webhook-signature'],
    })
    const verified = new Webhook(secret).verify(got.body, got.headers as Record<string, string>)
    expect(verified).toEqual({ incident: { name: 'Ünïcode — outage ✓' } })
  })

  it.each([301, 302, 303, 307, 308])(
    'returns a %i as the answer and never follows it',
    async (status) => {
      const target = await receiver()
      const r = await receiver({ reply: { status, headers: { location: `${target.origin}/x` } } })
      const s = sender({ allowedHosts: ['127.0.0.1'] })

      const attempt = await s.post(`${r.origin}/hook`, request())

      expect(attempt).toEqual({ kind: 'response', status, retryAfter: null })
      expect(r.requests).toHaveLength(1)
      expect(target.connections()).toBe(0)
    },
  )

  it('does not follow a redirect to a private address', async () => {
    const r = await receiver({ reply: { status: 302, headers: { location: 'http://10.0.0.1/' } } })
    const s = sender({ allowedHosts: ['127.0.0.1'] })

    expect(await s.post(`${r.origin}/hook`, request())).toEqual({
      kind: 'response',
      status: 302,
      retryAfter: null,
    })
  })

  it.each([
    [429, '120'],
    [503, 'Wed, 21 Oct 2026 07:28:00 GMT'],
  ])('passes Retry-After through on a %i', async (status, retryAfter) => {
    const r = await receiver({ reply: { status, headers: { 'retry-after': retryAfter } } })
    const s = sender({ allowedHosts: ['127.0.0.1'] })

    expect(await s.post(`${r.origin}/`, request())).toEqual({
      kind: 'response',
      status,
      retryAfter,
    })
  })

  it('gives up on a receiver that never answers when the timeout runs out', async () => {
    const r = await receiver({ reply: 'hang' })
    const s = sender({ allowedHosts: ['127.0.0.1'] })

    const started = performance.now()
    const attempt = await s.post(`${r.origin}/`, request('{}', 300))
    const elapsed = performance.now() - started

    expect(attempt).toEqual({ kind: 'error', reason: 'timeout after 0.3s' })
    expect(elapsed).toBeGreaterThanOrEqual(290)
    expect(elapsed).toBeLessThan(1000)
    expect(r.requests).toHaveLength(1)
  })

  it('counts a resolver that never answers against the same timeout', async () => {
    const s = sender({ allowedHosts: [], lookup: () => {} })

    const started = performance.now()
    const attempt = await s.post('https://slow-dns.example.test/', request('{}', 300))

    expect(attempt).toEqual({ kind: 'error', reason: 'timeout after 0.3s' })
    expect(performance.now() - started).toBeLessThan(1000)
  })

  it('reads a large response only partly and still reports its status', async () => {
    const r = await receiver({ reply: { status: 200, body: 'x'.repeat(4 * 1024 * 1024) } })
    const s = sender({ allowedHosts: ['127.0.0.1'] })

    expect(await s.post(`${r.origin}/`, request())).toEqual({
      kind: 'response',
      status: 200,
      retryAfter: null,
    })
  })

  it('reports a refused connection as an error that does not quote the URL', async () => {
    const r = await receiver()
    const port = r.port
    await r.close()
    const s = sender({ allowedHosts: ['127.0.0.1'] })

    const attempt = await s.post(`http://127.0.0.1:${port}/services/SECRET`, request())

    expect(attempt.kind).toBe('error')
    expect(attempt.kind === 'error' && attempt.reason).toContain('ECONNREFUSED')
    expect(attempt.kind === 'error' && attempt.reason).not.toContain('SECRET')
  })

  it('reports a header that cannot be sent as an error instead of throwing', async () => {
    const r = await receiver()
    const { lookup } = scriptedLookup(['127.0.0.1'])
    const s = sender({ allowedHosts: ['hooks.test'], lookup })

    const attempt = await s.post(`http://hooks.test:${r.port}/`, {
      headers: { 'x-bad': 'line\r\nbreak' },
      body: '{}',
      timeoutMs: 2000,
    })

    expect(attempt.kind).toBe('error')
    expect(attempt.kind === 'error' && attempt.reason).not.toContain('break')
    expect(r.connections()).toBe(0)
  })

  it('gives each of many sends in flight at once its own answer', async () => {
    // Requests cross to the sending thread and answers come back in batches: every answer must
    // still reach the send it belongs to.
    const ok = await receiver()
    const busy = await receiver({ reply: { status: 503, headers: { 'retry-after': '7' } } })
    const s = sender({ allowedHosts: ['127.0.0.1'] })

    const attempts = await Promise.all(
      Array.from({ length: 120 }, (_, i) =>
        s.post(`${i % 3 === 0 ? busy.origin : ok.origin}/${i}`, request(`{"n":${i}}`)),
      ),
    )

    attempts.forEach((attempt, i) =>
      expect(attempt).toEqual(
        i % 3 === 0
          ? { kind: 'response', status: 503, retryAfter: '7' }
          : { kind: 'response', status: 204, retryAfter: null },
      ),
    )
    expect(busy.requests.map((q) => q.url).sort()).toEqual(
      Array.from({ length: 40 }, (_, k) => `/${k * 3}`).sort(),
    )
    expect(ok.requests).toHaveLength(80)
    for (const q of [...ok.requests, ...busy.requests])
      expect(q.body).toBe(`{"n":${q.url.slice(1)}}`)
  })

  it('reports a send cut short by close() as an error worth retrying, and sends again after', async () => {
    const hang = await receiver({ reply: 'hang' })
    const ok = await receiver()
    const s = sender({ allowedHosts: ['127.0.0.1'] })

    const inFlight = s.post(`${hang.origin}/`, request('{}', 10_000))
    while (hang.requests.length === 0) await new Promise((r) => setTimeout(r, 5))
    await s.close()

    const attempt = await inFlight
    expect(attempt.kind).toBe('error')
    // A new thread takes over for the next send.
    expect(await s.post(`${ok.origin}/`, request())).toEqual({
      kind: 'response',
      status: 204,
      retryAfter: null,
    })
  })

  it('reuses a kept-alive connection for consecutive deliveries', async () => {
    const r = await receiver()
    const s = sender({ allowedHosts: ['127.0.0.1'] })

    for (let i = 0; i < 3; i++) {
      expect(await s.post(`${r.origin}/`, request(`{"n":${i}}`))).toMatchObject({ status: 204 })
    }
    expect(r.requests.map((q) => q.body)).toEqual(['{"n":0}', '{"n":1}', '{"n":2}'])
    expect(r.connections()).toBe(1)
  })
})
