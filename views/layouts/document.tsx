import { raw } from 'hono/html'
import type { Child } from 'hono/jsx'

// htmx is configured here rather than in inline script (the CSP forbids inline script): no eval,
// no injected indicator styles, and 422 form re-renders are swapped like successes.
export const HTMX_CONFIG = JSON.stringify({
  allowEval: false,
  allowScriptTags: false,
  includeIndicatorStyles: false,
  responseHandling: [
    { code: '204', swap: false },
    { code: '[23]..', swap: true },
    { code: '422', swap: true },
    { code: '[45]..', swap: true, error: true },
    { code: '...', swap: false },
  ],
})

export const HTMX_SRC = '/vendor/htmx-2.0.11.min.js'

export function Document(props: {
  title: string
  head?: Child
  bodyClass?: string
  bodyAttrs?: Record<string, string>
  children: Child
}) {
  return (
    <>
      {raw('<!doctype html>')}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="color-scheme" content="light dark" />
          <meta name="htmx-config" content={HTMX_CONFIG} />
          <title>{props.title}</title>
          <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
          <link rel="stylesheet" href="/css/base.css" />
          {props.head}
          <script src={HTMX_SRC} defer></script>
        </head>
        <body class={props.bodyClass} {...(props.bodyAttrs ?? {})}>
          {props.children}
        </body>
      </html>
    </>
  )
}
