import { request } from 'node:http'
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { CLI_ACTOR } from '../../src/app/actor.ts'
import { createComponent } from '../../src/app/components.ts'
import { createApiToken } from '../../src/app/create-api-token.ts'
import { createUser } from '../../src/app/create-user.ts'
import { createFixedClock } from '../../src/adapters/system.ts'
import { cachedPage, fastAnswer } from '../../src/http/cached-page.ts'
import type { AppEnv } from '../../src/http/env.ts'
import { createTestApp, TEST_NOW } from '../support/app.ts'
import { startTestServer, type TestServer } from '../support/server.ts'

// The Node runtime answers repeat requests for fresh public pages before the app runs (the fast
// lane in src/http/cached-page.ts). It must answer exactly what the app would, and never anything
// the app would not: not after a write, not past the cache's lifetime, not behind a token.

interface Raw {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Buffer
}

function get(url: string, headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      )
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

const withoutDate = ({ date: _date, ...rest }: Raw['headers']) => rest

const clock = createFixedClock(TEST_NOW)
let server: TestServer
let host: string

beforeAll(async () => {
  server = await startTestServer({
    env: { PAGE_CACHE_SECONDS: '30' },
    overrides: { clock },
  })
  host = new URL(server.url).host
  await createComponent(server.deps, CLI_ACTOR, { name: 'API' })
})
afterAll(() => server?.close())

/** What the fast lane would answer for a GET of `path` right now (null: the app answers). */
const lane = (path: string, headers: { host?: string; acceptEncoding?: string } = {}) =>
  fastAnswer(server.deps, {
    method: 'GET',
    host: headers.host ?? host,
    url: path,
    acceptEncoding: headers.acceptEncoding,
    ifNoneMatch: undefined,
  })

describe('the fast lane', () => {
  it('answers a repeat request with the same status, headers and bytes as the app did', async () => {
    for (const encoding of ['br', 'gzip', 'identity']) {
      const headers = { 'Accept-Encoding': encoding }
      const first = await get(`${server.url}/`, headers)
      expect(lane('/', { acceptEncoding: encoding })).not.toBeNull()
      const repeat = await get(`${server.url}/`, headers)
      expect(repeat.status).toBe(200)
      expect(withoutDate(repeat.headers)).toEqual(withoutDate(first.headers))
      expect(repeat.body.equals(first.body)).toBe(true)
      expect(repeat.headers['content-encoding']).toBe(
        encoding === 'identity' ? undefined : encoding,
      )
      expect(repeat.headers['content-security-policy']).toContain("default-src 'self'")
    }
  })

  it('answers If-None-Match with 304 and the same ETag', async () => {
    const first = await get(`${server.url}/`, { 'Accept-Encoding': 'br' })
    const etag = String(first.headers.etag)
    const again = await get(`${server.url}/`, { 'Accept-Encoding': 'br', 'If-None-Match': etag })
    expect(again.status).toBe(304)
    expect(again.headers.etag).toBe(etag)
    expect(again.body.length).toBe(0)
  })

  it('stops answering the moment a write changes the page', async () => {
    await get(`${server.url}/`)
    expect(lane('/')).not.toBeNull()
    await createComponent(server.deps, CLI_ACTOR, { name: 'Billing' })
    expect(lane('/')).toBeNull()
    const after = await get(`${server.url}/`)
    expect(after.body.toString()).toContain('Billing')
  })

  it('leaves a copy past the cache lifetime to the app', async () => {
    await get(`${server.url}/`)
    expect(lane('/')).not.toBeNull()
    clock.advance(30_000)
    try {
      expect(lane('/')).toBeNull()
      // The app still answers at once (the stale copy, while one render replaces it).
      expect((await get(`${server.url}/`)).status).toBe(200)
    } finally {
      clock.advance(1)
    }
  })

  it('carries the Statuspage API headers and keeps one copy per Host', async () => {
    const a = await get(`${server.url}/api/v2/summary.json`, { Host: 'a.example' })
    const b = await get(`${server.url}/api/v2/summary.json`, { Host: 'b.example' })
    expect(JSON.parse(a.body.toString()).page.url).toBe('http://a.example')
    expect(JSON.parse(b.body.toString()).page.url).toBe('http://b.example')
    const fromLane = lane('/api/v2/summary.json', { host: 'a.example' })
    expect(fromLane).not.toBeNull()
    expect(fromLane!.headers['Access-Control-Allow-Origin']).toBe('*')
    expect(JSON.parse(Buffer.from(fromLane!.body!).toString()).page.url).toBe('http://a.example')
    const again = await get(`${server.url}/api/v2/summary.json`, { Host: 'b.example' })
    expect(JSON.parse(again.body.toString()).page.url).toBe('http://b.example')
    expect(again.headers['access-control-allow-origin']).toBe('*')
  })

  it('never answers for the admin API, whose cached list needs a token on every request', async () => {
    const user = await createUser(server.deps, CLI_ACTOR, {
      email: 'owner@example.com',
      name: 'Owner',
      role: 'owner',
      password: 'correct horse battery',
    })
    const { secret } = await createApiToken(server.deps, CLI_ACTOR, {
      name: 'script',
      userId: user.id,
    })
    const authed = await get(`${server.url}/api/v1/components`, {
      Authorization: `Bearer ${secret}`,
    })
    expect(authed.status).toBe(200)
    expect(lane('/api/v1/components')).toBeNull()
    expect((await get(`${server.url}/api/v1/components`)).status).toBe(401)
  })

  it('leaves query strings, other methods and unknown pages to the app', async () => {
    await get(`${server.url}/`)
    expect(lane('/?utm=1')).toBeNull()
    expect(fastAnswer(server.deps, { ...laneRequest('/'), method: 'HEAD' })).toBeNull()
    expect(fastAnswer(server.deps, { ...laneRequest('/'), method: 'POST' })).toBeNull()
    expect(lane('/nowhere')).toBeNull()
    const withQuery = await get(`${server.url}/?utm=1`)
    expect(withQuery.status).toBe(200)
    expect(withQuery.body.toString()).toContain('API')
    expect((await get(`${server.url}/nowhere`)).status).toBe(404)
  })
})

function laneRequest(url: string) {
  return { method: 'GET', host, url, acceptEncoding: undefined, ifNoneMatch: undefined }
}

describe('the fast lane while a stale page is rendered again', () => {
  it('keeps answering with the stale copy until the one background render lands', async () => {
    const t = createTestApp({ env: { PAGE_CACHE_SECONDS: '30' } })
    try {
      let renders = 0
      let release: (() => void) | undefined
      const app = new Hono<AppEnv>()
      app.use(async (c, next) => {
        c.set('deps', t.deps)
        await next()
      })
      app.get('/x', (c) =>
        cachedPage(
          c,
          '/x',
          async () => {
            renders++
            if (renders > 1) await new Promise<void>((resolve) => (release = resolve))
            return `<p>render ${renders}</p>`
          },
          { shared: true },
        ),
      )
      const ask = () =>
        fastAnswer(t.deps, {
          method: 'GET',
          host: undefined,
          url: '/x',
          acceptEncoding: undefined,
          ifNoneMatch: undefined,
        })
      const text = (a: ReturnType<typeof ask>) => Buffer.from(a!.body!).toString()

      expect(await (await app.request('http://localhost/x')).text()).toBe('<p>render 1</p>')
      expect(text(ask())).toBe('<p>render 1</p>')
      t.clock.advance(30_000)
      // Stale, and nobody is rendering it: the app must answer (and start the render).
      expect(ask()).toBeNull()
      expect(await (await app.request('http://localhost/x')).text()).toBe('<p>render 1</p>')
      expect(renders).toBe(2)
      // While that render runs, the stale copy is served without the app, and no second render starts.
      expect(text(ask())).toBe('<p>render 1</p>')
      expect(await (await app.request('http://localhost/x')).text()).toBe('<p>render 1</p>')
      expect(renders).toBe(2)
      release!()
      await vi.waitFor(() => expect(text(ask())).toBe('<p>render 2</p>'))
    } finally {
      t.close()
    }
  })
})
