import { afterEach, describe, expect, it } from 'vitest'
import { CLI_ACTOR } from '../../src/app/actor.ts'
import { createComponent } from '../../src/app/components.ts'
import { openIncident } from '../../src/app/open-incident.ts'
import { createLiveHub } from '../../src/adapters/live/hub.ts'
import { createTestApp, type TestApp } from '../support/app.ts'
import { startTestServer, type TestServer } from '../support/server.ts'

// Live pages on Node: a real server, real SSE streams read with fetch.

let server: TestServer | undefined
let t: TestApp | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
  t?.close()
  t = undefined
})

async function openStream(url: string) {
  const controller = new AbortController()
  const res = await fetch(`${url}/live`, { signal: controller.signal })
  const reader = res.body?.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  const next = async (event: string, timeoutMs = 3000): Promise<boolean> => {
    const until = Date.now() + timeoutMs
    while (!buffer.includes(`event: ${event}\n`)) {
      if (!reader || Date.now() > until) return false
      const chunk = await Promise.race([
        reader.read(),
        new Promise<null>((r) => setTimeout(() => r(null), until - Date.now())),
      ])
      if (!chunk || chunk.done) return buffer.includes(`event: ${event}\n`)
      buffer += decoder.decode(chunk.value)
    }
    buffer = buffer.slice(buffer.indexOf(`event: ${event}\n`) + event.length + 8)
    return true
  }
  return { res, next, close: () => controller.abort() }
}

describe('live page updates (SSE)', () => {
  it('greets each connection and tells it when the page changed', async () => {
    server = await startTestServer()
    const stream = await openStream(server.url)
    expect(stream.res.status).toBe(200)
    expect(stream.res.headers.get('content-type')).toContain('text/event-stream')
    expect(stream.res.headers.get('cache-control')).toBe('no-store')
    expect(await stream.next('hello')).toBe(true)
    await createComponent(server.deps, CLI_ACTOR, { name: 'API' })
    expect(await stream.next('changed')).toBe(true)
    stream.close()
  })

  it('does not disturb open pages for private writes such as sign-ins', async () => {
    server = await startTestServer()
    const stream = await openStream(server.url)
    expect(await stream.next('hello')).toBe(true)
    await server.deps.store.commit([{ type: 'token.touch', id: 'none', at: Date.now() }])
    expect(await stream.next('changed', 500)).toBe(false)
    stream.close()
  })

  it('keeps a bounded number of connections and sends the rest to polling with 204', async () => {
    server = await startTestServer({ env: { LIVE_MAX_CONNECTIONS: '1' } })
    const first = await openStream(server.url)
    expect(await first.next('hello')).toBe(true)
    const second = await fetch(`${server.url}/live`)
    expect(second.status).toBe(204)
    first.close()
    // The slot is freed once the first viewer leaves.
    await new Promise((r) => setTimeout(r, 200))
    const third = await openStream(server.url)
    expect(third.res.status).toBe(200)
    third.close()
  })

  it('answers 204 where there is no live hub, so pages poll', async () => {
    t = createTestApp({ env: { LIVE_MAX_CONNECTIONS: '0' } })
    const res = await t.app.request('/live')
    expect(res.status).toBe(204)
    // Polling relies on the page's ETag: an unchanged page costs a 304.
    await openIncident(t.deps, CLI_ACTOR, { name: 'x', impact: 'minor', body: 'x' })
    const page = await t.app.request('/')
    const etag = page.headers.get('etag')!
    const again = await t.app.request('/', { headers: { 'if-none-match': etag } })
    expect(again.status).toBe(304)
  })

  it('sends keep-alive comments on idle streams, and stops once the last viewer leaves', async () => {
    t = createTestApp()
    // The hub of the app under test, with a short keep-alive interval instead of 15 s.
    const hub = createLiveHub({ max: 10, keepAliveMs: 50 })
    t.deps.live = hub
    const controller = new AbortController()
    const res = await t.app.request('/live', { signal: controller.signal })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/event-stream')
    const reader = res.body!.getReader()
    const decoder = new TextDecoder()
    let text = ''
    const deadline = Date.now() + 3000
    while ((text.match(/^: keep-alive$/gm) ?? []).length < 2 && Date.now() < deadline)
      text += decoder.decode((await reader.read()).value)
    expect(text.startsWith('retry: 2000\nevent: hello\n')).toBe(true)
    expect((text.match(/^: keep-alive$/gm) ?? []).length).toBeGreaterThanOrEqual(2)
    // Comments only: an EventSource dispatches nothing for them, so pages do not refetch.
    expect(text).not.toContain('event: changed')
    expect(hub.connections).toBe(1)
    await reader.cancel()
    expect(hub.connections).toBe(0)
  })
})
