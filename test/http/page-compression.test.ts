import { connect } from 'node:net'
import { brotliDecompressSync } from 'node:zlib'
import { Hono } from 'hono'
import { afterEach, describe, expect, it } from 'vitest'
import { CLI_ACTOR } from '../../src/app/actor.ts'
import { createComponent } from '../../src/app/components.ts'
import type { Compressor } from '../../src/app/ports.ts'
import { cachedPage, fastAnswer } from '../../src/http/cached-page.ts'
import type { AppEnv } from '../../src/http/env.ts'
import { createTestApp, type TestApp } from '../support/app.ts'
import { startTestServer, type TestServer } from '../support/server.ts'

// A render is served with brotli at a quality it can wait for, then the cache swaps in brotli's
// best (Compressor.polish, run off the main thread). A render that comes out byte for byte as
// before keeps the earlier compressed bytes. The swap never outlives the copy it was made for.

let t: TestApp | undefined
let server: TestServer | undefined
afterEach(async () => {
  t?.close()
  t = undefined
  await server?.close()
  server = undefined
})

/** A page that brotli's top quality shrinks well beyond quality 9: many similar, varied rows. */
function bigPage(marker: string): string {
  const rows: string[] = []
  for (let i = 0; i < 6000; i++) {
    const day = (i * 7919) % 90
    const uptime = (100 - ((i * 37) % 700) / 100).toFixed(2)
    rows.push(
      `<span role="img" class="bar s${i % 5}" aria-label="Day ${day}: ${uptime}% uptime, incident #${(i * 131) % 1000}"></span>`,
    )
  }
  return `<!doctype html><title>${marker}</title><main>${rows.join('')}</main>`
}

/** The app's real Node compressor, counting its calls (the bytes are its own). */
function counted(inner: Compressor) {
  const calls = { compress: 0, polish: 0 }
  const compressor: Compressor = {
    encodings: inner.encodings,
    compress: (body, encoding) => (calls.compress++, inner.compress(body, encoding)),
    polish: (body, encoding) => (calls.polish++, inner.polish!(body, encoding)),
  }
  return { compressor, calls }
}

function appFor(test: TestApp, compressor: Compressor, html: () => string) {
  const deps = { ...test.deps, compressor }
  const app = new Hono<AppEnv>()
  app.use(async (c, next) => {
    c.set('deps', deps)
    await next()
  })
  app.get('/big', (c) => cachedPage(c, '/big', html, { shared: true }))
  const get = async (headers: Record<string, string> = { 'Accept-Encoding': 'br' }) => {
    const res = await app.request('http://localhost/big', { headers })
    return { res, bytes: Buffer.from(await res.arrayBuffer()) }
  }
  return { deps, get }
}

async function until<T>(what: string, probe: () => Promise<T | null>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await probe()
    if (value !== null) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

describe('brotli polishing of cached pages', () => {
  it('swaps in smaller brotli bytes of the same page, keeping the ETag', async () => {
    t = createTestApp({ env: { PAGE_CACHE_SECONDS: '30' } })
    const { compressor, calls } = counted(t.deps.compressor)
    const html = bigPage('one')
    const { get } = appFor(t, compressor, () => html)

    const first = await get()
    expect(first.res.headers.get('Content-Encoding')).toBe('br')
    expect(brotliDecompressSync(first.bytes).toString()).toBe(html)
    const etag = first.res.headers.get('ETag')!

    const polished = await until('the polished copy', async () => {
      const again = await get()
      return again.bytes.equals(first.bytes) ? null : again
    })
    expect(calls.polish).toBe(1)
    expect(polished.bytes.length).toBeLessThan(first.bytes.length)
    expect(brotliDecompressSync(polished.bytes).toString()).toBe(html)
    expect(polished.res.headers.get('ETag')).toBe(etag)
    expect(polished.res.headers.get('Content-Length') ?? String(polished.bytes.length)).toBe(
      String(polished.bytes.length),
    )
    // The runtime's fast lane answers with the polished bytes and their length too.
    const lane = fastAnswer(t.deps, {
      method: 'GET',
      host: undefined,
      url: '/big',
      acceptEncoding: 'br',
      ifNoneMatch: undefined,
    })
    expect(Buffer.from(lane!.body!).equals(polished.bytes)).toBe(true)
    expect(lane!.headers['Content-Length']).toBe(String(polished.bytes.length))
    // The old tag still revalidates: same content, same coding.
    const revalidated = await get({ 'Accept-Encoding': 'br', 'If-None-Match': etag })
    expect(revalidated.res.status).toBe(304)
    // gzip and identity are untouched.
    const plain = await get({ 'Accept-Encoding': 'identity' })
    expect(plain.bytes.toString()).toBe(html)
  })

  it('keeps the compressed bytes of a render that comes out the same as before', async () => {
    t = createTestApp({ env: { PAGE_CACHE_SECONDS: '30' } })
    const { compressor, calls } = counted(t.deps.compressor)
    let renders = 0
    const html = bigPage('same')
    const { get } = appFor(t, compressor, () => (renders++, html))
    const first = await get()
    const polished = await until('the polished copy', async () => {
      const again = await get()
      return again.bytes.equals(first.bytes) ? null : again
    })
    const compressions = calls.compress
    // Past the cache's lifetime and its stale grace: the next request renders again.
    t.clock.advance(10 * 60_000)
    const rerendered = await get()
    expect(renders).toBe(2)
    expect(calls.compress).toBe(compressions)
    expect(rerendered.bytes.equals(polished.bytes)).toBe(true)
    // Nothing left to polish for bytes that are already the best.
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(calls.polish).toBe(1)
  })

  it('drops the polished bytes when a write replaced the page meanwhile', async () => {
    t = createTestApp({ env: { PAGE_CACHE_SECONDS: '30' } })
    const real = t.deps.compressor
    // The real compressor, whose polish starts only when the test says so.
    let open: () => void = () => {}
    const gate = new Promise<void>((resolve) => (open = resolve))
    const compressor: Compressor = {
      encodings: real.encodings,
      compress: (body, encoding) => real.compress(body, encoding),
      polish: async (body, encoding) => {
        await gate
        return real.polish!(body, encoding)
      },
    }
    let html = bigPage('before the write')
    const { get } = appFor(t, compressor, () => html)
    await get()
    // A write while the first render's polish is pending, then the new page is rendered.
    await createComponent(t.deps, CLI_ACTOR, { name: 'API' })
    html = bigPage('after the write')
    const fresh = await get()
    expect(brotliDecompressSync(fresh.bytes).toString()).toBe(html)
    open()
    const polished = await until('the new page polished', async () => {
      const again = await get()
      return again.bytes.equals(fresh.bytes) ? null : again
    })
    expect(brotliDecompressSync(polished.bytes).toString()).toBe(html)
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(brotliDecompressSync((await get()).bytes).toString()).toBe(html)
  })
})

describe('the Node fast lane reads repeated headers as the app does', () => {
  /** Sends a raw HTTP/1.1 request and returns the status line and headers of the answer. */
  function raw(url: string, lines: string[]): Promise<string> {
    const { port } = new URL(url)
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1')
      let text = ''
      socket.on('data', (chunk) => {
        text += chunk.toString('latin1')
        const end = text.indexOf('\r\n\r\n')
        if (end >= 0) {
          socket.destroy()
          resolve(text.slice(0, end))
        }
      })
      socket.on('error', reject)
      socket.write(`GET / HTTP/1.1\r\n${lines.join('\r\n')}\r\nConnection: close\r\n\r\n`)
    })
  }

  it('joins repeated Accept-Encoding and If-None-Match lines and takes the first Host', async () => {
    server = await startTestServer({ env: { PAGE_CACHE_SECONDS: '30' } })
    await createComponent(server.deps, CLI_ACTOR, { name: 'API' })
    const host = new URL(server.url).host
    const first = await fetch(`${server.url}/`, { headers: { 'Accept-Encoding': 'br' } })
    const etag = first.headers.get('ETag')!
    await first.arrayBuffer()
    // Now the lane answers. "identity" then "br" on two lines: br is accepted.
    const split = await raw(server.url, [
      `HOST: ${host}`,
      'Accept-Encoding: identity',
      'accept-encoding: br',
    ])
    expect(split).toMatch(/^HTTP\/1\.1 200/)
    expect(split.toLowerCase()).toContain('content-encoding: br')
    // The matching tag on the second of two If-None-Match lines revalidates.
    const conditional = await raw(server.url, [
      `Host: ${host}`,
      'Accept-Encoding: br',
      'If-None-Match: "nope"',
      `If-None-Match: ${etag}`,
    ])
    expect(conditional).toMatch(/^HTTP\/1\.1 304/)
    // Node keeps the first Host: a second one does not pick another copy.
    const twoHosts = await raw(server.url, [
      `Host: ${host}`,
      'Host: elsewhere.example',
      'Accept-Encoding: br',
    ])
    expect(twoHosts).toMatch(/^HTTP\/1\.1 200/)
    expect(twoHosts).toContain(`ETag: ${etag}`)
  })
})
