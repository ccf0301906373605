import { raw } from 'hono/html'
import type { Child } from 'hono/jsx'
import type { JSX } from 'hono/jsx/jsx-runtime'

// E-mail HTML: one table-based layout that survives clients which drop <style> (the content stays
// readable, only the colours go), no images, no scripts, no inline style attributes. Mail is read
// outside the page, so the page's CSP does not apply, but the same rule holds: all user text goes
// through JSX escaping or renderMarkdown.

const EMAIL_CSS = `
body { margin: 0; padding: 0; background: #f4f5f7; color: #1f2328;
  font-family: -apple-system, BlinkMacSystemFont, 'Segoe UI', Helvetica, Arial, sans-serif;
  font-size: 15px; line-height: 1.5; }
.outer { width: 100%; background: #f4f5f7; }
.card { width: 100%; max-width: 600px; background: #ffffff; border: 1px solid #d0d7de; }
.head { padding: 16px 24px; border-bottom: 1px solid #d0d7de; font-weight: 600; }
.head a { color: #1f2328; text-decoration: none; }
.main { padding: 24px; }
.foot { padding: 16px 24px; border-top: 1px solid #d0d7de; color: #57606a; font-size: 13px; }
.foot a { color: #57606a; }
h1 { margin: 0 0 8px; font-size: 22px; line-height: 1.3; }
h2 { margin: 24px 0 8px; font-size: 16px; }
.status { margin: 0 0 16px; font-weight: 600; }
.tone-resolved { color: #1a7f37; }
.tone-none { color: #57606a; }
.tone-minor { color: #9a6700; }
.tone-major { color: #bc4c00; }
.tone-critical { color: #cf222e; }
.tone-maintenance { color: #0969da; }
.when { color: #57606a; font-size: 13px; margin: 8px 0 0; }
.changes { margin: 16px 0 0; border-collapse: collapse; }
.changes td { padding: 4px 12px 4px 0; vertical-align: top; }
.button { display: inline-block; margin: 20px 0 0; padding: 10px 16px; background: #0969da;
  color: #ffffff; text-decoration: none; border-radius: 6px; font-weight: 600; }
.earlier { border-top: 1px solid #d0d7de; margin-top: 24px; }
.earlier-item { margin: 12px 0 0; }
.earlier-label { margin: 0; font-weight: 600; font-size: 14px; }
.markdown p { margin: 0 0 12px; }
.markdown code { font-family: SFMono-Regular, Consolas, monospace; font-size: 13px; }
@media (prefers-color-scheme: dark) {
  body, .outer { background: #0d1117; color: #e6edf3; }
  .card { background: #161b22; border-color: #30363d; }
  .head a { color: #e6edf3; }
  .head, .foot, .earlier { border-color: #30363d; }
}
`

export function EmailLayout(props: {
  title: string
  pageName: string
  pageUrl: string | null
  children: Child
  footer: Child
}) {
  return (
    <>
      {raw('<!doctype html>')}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="color-scheme" content="light dark" />
          <meta name="supported-color-schemes" content="light dark" />
          <title>{props.title}</title>
          <style dangerouslySetInnerHTML={{ __html: EMAIL_CSS }}></style>
        </head>
        <body>
          <table
            class="outer"
            role="presentation"
            width="100%"
            cellpadding="0"
            cellspacing="0"
            border={0}
          >
            <tr>
              <td align="center">
                <table
                  class="card"
                  role="presentation"
                  width="600"
                  cellpadding="0"
                  cellspacing="0"
                  border={0}
                >
                  <tr>
                    <td class="head">
                      {props.pageUrl ? (
                        <a href={props.pageUrl}>{props.pageName}</a>
                      ) : (
                        props.pageName
                      )}
                    </td>
                  </tr>
                  <tr>
                    <td class="main">{props.children}</td>
                  </tr>
                  <tr>
                    <td class="foot">{props.footer}</td>
                  </tr>
                </table>
              </td>
            </tr>
          </table>
        </body>
      </html>
    </>
  )
}

/** The e-mail components are synchronous, so rendering yields a string at once. */
export function renderEmail(element: JSX.Element): string {
  const out: unknown = element.toString()
  if (typeof out === 'string' || out instanceof String) return String(out)
  throw new Error('an e-mail template rendered asynchronously')
}
