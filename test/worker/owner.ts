import { expect } from 'vitest'
import { createWorkerClient, type WorkerClient } from '../support/worker-client.ts'
import type { TestWorker } from '../support/worker.ts'

// A new owner on a fresh Worker, as a new user makes one: /console/setup, then a write-scoped API
// token from the console's token page. Shared by the feature suites in test/worker/.

export const OWNER_PASSWORD = 'correct horse battery staple'

export interface Owner {
  /** Signed in as the owner; keeps cookies and the CSRF token of the last page read. */
  browser: WorkerClient
  token: string
  api: ApiClient
}

export type ApiClient = (
  method: string,
  path: string,
  body?: unknown,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
) => Promise<{ status: number; headers: Headers; json: any }>

export function apiClient(worker: TestWorker, token: string): ApiClient {
  return async (method, path, body) => {
    const res = await worker.fetch(`/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    })
    const text = await res.text()
    return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : null }
  }
}

export async function setUpOwner(
  worker: TestWorker,
  opts: { pageName?: string; email?: string } = {},
): Promise<Owner> {
  const browser = createWorkerClient(worker.url)
  await browser.get('/console/setup')
  const done = await browser.post('/console/setup', {
    name: 'Ada Owner',
    email: opts.email ?? 'ada@herald.test',
    password: OWNER_PASSWORD,
    confirm: OWNER_PASSWORD,
    pageName: opts.pageName ?? 'Acme Status',
    timeZone: 'UTC',
  })
  expect(done.status, done.text.slice(0, 500)).toBe(303)
  await browser.get('/console/tokens')
  const created = await browser.post('/console/tokens', { name: 'tests', scope: 'write' })
  expect(created.status).toBe(201)
  const token = /value="(hrld_[^"]+)"/.exec(created.text)?.[1]
  if (!token) throw new Error('no token on the token page')
  return { browser, token, api: apiClient(worker, token) }
}

/** The 303's target path (Location may be absolute or relative). */
export function locationOf(res: { headers: Headers }): string {
  return new URL(res.headers.get('location') ?? '', 'http://worker.test').pathname
}

/** Polls `probe` until it returns something, for at most `ms`. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  ms = 20_000,
): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`gave up after ${ms / 1000}s waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}
