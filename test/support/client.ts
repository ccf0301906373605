import type { TestApp } from './app.ts'

/**
 * A cookie-keeping client for app.request, like a browser: it remembers Set-Cookie, and can pull
 * the CSRF token out of the last HTML page it saw, so console tests go through the real forms.
 */
export function createClient(app: TestApp['app'], base = 'http://localhost') {
  const jar = new Map<string, string>()
  let lastCsrf: string | null = null

  async function request(
    path: string,
    init: RequestInit & { form?: Record<string, string | string[]> } = {},
  ) {
    const headers = new Headers(init.headers)
    if (jar.size) headers.set('Cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '))
    let body = init.body
    if (init.form) {
      const params = new URLSearchParams()
      for (const [k, v] of Object.entries(init.form)) {
        for (const item of Array.isArray(v) ? v : [v]) params.append(k, item)
      }
      body = params.toString()
      headers.set('Content-Type', 'application/x-www-form-urlencoded')
    }
    const res = await app.request(new URL(path, base).toString(), {
      ...init,
      headers,
      body,
      redirect: 'manual',
    })
    for (const cookie of res.headers.getSetCookie()) {
      const [pair] = cookie.split(';')
      const eq = pair!.indexOf('=')
      const name = pair!.slice(0, eq)
      const value = pair!.slice(eq + 1)
      if (/max-age=0/i.test(cookie) || value === '') jar.delete(name)
      else jar.set(name, value)
    }
    const type = res.headers.get('Content-Type') ?? ''
    const text =
      type.includes('html') || type.includes('json') || type.includes('text')
        ? await res.clone().text()
        : ''
    const m =
      /name="_csrf" value="([^"]+)"/.exec(text) ??
      /"X-CSRF-Token":"([^"]+)"/.exec(text.replace(/&quot;/g, '"'))
    if (m) lastCsrf = m[1]!
    return Object.assign(res, { text })
  }

  return {
    jar,
    request,
    get: (path: string, init: RequestInit = {}) => request(path, { ...init, method: 'GET' }),
    /** Posts a form with the CSRF token of the last page seen (unless the form sets its own). */
    post: (path: string, form: Record<string, string | string[]> = {}, init: RequestInit = {}) =>
      request(path, { ...init, method: 'POST', form: { _csrf: lastCsrf ?? '', ...form } }),
    get csrf() {
      return lastCsrf
    },
  }
}
