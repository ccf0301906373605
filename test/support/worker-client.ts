/**
 * A browser-like client for a Worker reached over real HTTP (test/support/worker.ts): it keeps
 * cookies, never follows redirects (so tests see each 303), and remembers the CSRF token of the
 * last console page it read, as test/support/client.ts does for app.request.
 */

export interface WorkerAnswer {
  status: number
  headers: Headers
  /** The body as text ('' for a 204 or 304). */
  text: string
}

export type Form = Record<string, string | string[]>

export function createWorkerClient(baseUrl: string) {
  const jar = new Map<string, string>()
  let lastCsrf: string | null = null

  function remember(res: Response) {
    for (const cookie of res.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';')
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq).trim()
      const value = pair.slice(eq + 1).trim()
      // Deleting a cookie is setting it empty, expired or with Max-Age=0.
      const expires = /;\s*expires=([^;]+)/i.exec(cookie)?.[1]
      const expired = expires !== undefined && Date.parse(expires) <= Date.now()
      if (value === '' || /;\s*max-age=0\b/i.test(cookie) || expired) jar.delete(name)
      else jar.set(name, value)
    }
  }

  async function request(path: string, init: RequestInit & { form?: Form } = {}) {
    const { form, ...rest } = init
    const headers = new Headers(rest.headers)
    if (jar.size) headers.set('Cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '))
    let body = rest.body
    if (form) {
      const params = new URLSearchParams()
      for (const [k, v] of Object.entries(form))
        for (const item of Array.isArray(v) ? v : [v]) params.append(k, item)
      body = params.toString()
      headers.set('Content-Type', 'application/x-www-form-urlencoded')
    }
    const res = await fetch(new URL(path, baseUrl), {
      ...rest,
      headers,
      body: body ?? null,
      redirect: 'manual',
    })
    remember(res)
    const text = await res.text()
    const token = /name="_csrf" value="([^"]+)"/.exec(text)?.[1]
    if (token) lastCsrf = token
    return { status: res.status, headers: res.headers, text } satisfies WorkerAnswer
  }

  return {
    jar,
    request,
    get: (path: string, init: RequestInit = {}) => request(path, { ...init, method: 'GET' }),
    /** Posts a form with the CSRF token of the last page read (unless the form sets its own). */
    post: (path: string, form: Form = {}, init: RequestInit = {}) =>
      request(path, { ...init, method: 'POST', form: { _csrf: lastCsrf ?? '', ...form } }),
    get csrf() {
      return lastCsrf
    },
  }
}

export type WorkerClient = ReturnType<typeof createWorkerClient>
