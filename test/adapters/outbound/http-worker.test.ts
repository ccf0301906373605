import { afterEach, describe, expect, it } from 'vitest'
import { createFetchHttpSender } from '../../../src/adapters/outbound/http.worker.ts'
import { startReceiver, type Receiver } from './receiver.ts'

// The fetch-based sender runs here on Node's fetch against real loopback receivers; under workerd
// only the transport differs.

const opened: Receiver[] = []
afterEach(async () => {
  await Promise.all(opened.splice(0).map((r) => r.close()))
})

async function receiver(opts: Parameters<typeof startReceiver>[0] = {}): Promise<Receiver> {
  const r = await startReceiver(opts)
  opened.push(r)
  return r
}

const request = (body = '{"ok":true}', timeoutMs = 2000) => ({
  headers: { 'content-type': 'application/json' },
  body,
  timeoutMs,
})

describe('the fetch webhook sender', () => {
  it.each([
    ['http://127.0.0.1:PORT/', 'https is required'],
    ['https://127.0.0.1:PORT/', 'loopback'],
    ['https://[::1]:PORT/', 'loopback'],
    ['https://[::ffff:7f00:1]:PORT/', 'loopback'],
    ['https://localhost:PORT/', 'local-only'],
    ['https://api.localhost:PORT/', 'local-only'],
    ['https://intranet:PORT/', 'fully qualified'],
    ['https://169.254.169.254/latest/meta-data/', 'metadata'],
    ['https://user:pw@example.com/', 'credentials'],
  ])('refuses %s without connecting', async (template, words) => {
    const r = await receiver()
    const s = createFetchHttpSender({ allowedHosts: [] })

    const attempt = await s.post(template.replace('PORT', String(r.port)), request())

    expect(attempt.kind).toBe('refused')
    expect(attempt.kind === 'refused' && attempt.reason).toContain(words)
    expect(r.connections()).toBe(0)
  })

  it('posts the exact body and headers to an allowlisted host', async () => {
    const r = await receiver({ reply: { status: 202, body: 'ok' } })
    const s = createFetchHttpSender({ allowedHosts: ['127.0.0.1'] })
    const body = '{"text":"Ünïcode ✓"}'

    const attempt = await s.post(`${r.origin}/hook?a=1`, {
      headers: { 'content-type': 'application/json', 'webhook-id': 'msg_1' },
      body,
      timeoutMs: 2000,
    })

    expect(attempt).toEqual({ kind: 'response', status: 202, retryAfter: null })
    expect(r.requests).toHaveLength(1)
    expect(r.requests[0]).toMatchObject({ method: 'POST', url: '/hook?a=1', body })
    expect(r.requests[0]!.headers).toMatchObject({
      'content-type': 'application/json',
      'webhook-id': 'msg_1',
    })
  })

  it('returns a redirect as the answer and never follows it', async () => {
    const target = await receiver()
    const r = await receiver({ reply: { status: 302, headers: { location: `${target.origin}/` } } })
    const s = createFetchHttpSender({ allowedHosts: ['127.0.0.1'] })

    expect(await s.post(`${r.origin}/`, request())).toEqual({
      kind: 'response',
      status: 302,
      retryAfter: null,
    })
    expect(target.connections()).toBe(0)
  })

  it('passes Retry-After through', async () => {
    const r = await receiver({ reply: { status: 429, headers: { 'retry-after': '30' } } })
    const s = createFetchHttpSender({ allowedHosts: ['127.0.0.1'] })

    expect(await s.post(`${r.origin}/`, request())).toEqual({
      kind: 'response',
      status: 429,
      retryAfter: '30',
    })
  })

  it('gives up on a receiver that never answers when the timeout runs out', async () => {
    const r = await receiver({ reply: 'hang' })
    const s = createFetchHttpSender({ allowedHosts: ['127.0.0.1'] })

    const started = performance.now()
    const attempt = await s.post(`${r.origin}/`, request('{}', 300))

    expect(attempt).toEqual({ kind: 'error', reason: 'timeout after 0.3s' })
    expect(performance.now() - started).toBeLessThan(1000)
  })

  it('reports a header that cannot be sent as an error that does not quote it', async () => {
    const r = await receiver()
    const s = createFetchHttpSender({ allowedHosts: ['127.0.0.1'] })

    const attempt = await s.post(`${r.origin}/`, {
      headers: { authorization: 'Bearer s3cret\r\nx' },
      body: '{}',
      timeoutMs: 2000,
    })

    expect(attempt).toEqual({
      kind: 'error',
      reason: 'a request header has an invalid name or value',
    })
    expect(r.connections()).toBe(0)
  })

  it('reports a refused connection as an error', async () => {
    const r = await receiver()
    const port = r.port
    await r.close()
    const s = createFetchHttpSender({ allowedHosts: ['127.0.0.1'] })

    const attempt = await s.post(`http://127.0.0.1:${port}/services/SECRET`, request())

    expect(attempt.kind).toBe('error')
    expect(attempt.kind === 'error' && attempt.reason).not.toContain('SECRET')
  })
})
