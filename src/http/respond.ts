import type { Context } from 'hono'
import type { JSX } from 'hono/jsx/jsx-runtime'
import type { AppEnv } from './env.ts'

export const isHtmx = (c: Context<AppEnv>) => c.req.header('HX-Request') === 'true'

// One partial serves the page and the swap (STYLE.md point 7): htmx gets the fragment, a
// navigation gets the whole page, caches are told the answer depends on HX-Request.
export function respond(
  c: Context<AppEnv>,
  views: { page: () => JSX.Element; fragment: () => JSX.Element },
  status: 200 | 201 | 422 = 200,
) {
  c.header('Vary', 'HX-Request', { append: true })
  return c.html(isHtmx(c) ? views.fragment() : views.page(), status)
}
