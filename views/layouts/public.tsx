import type { Child } from 'hono/jsx'
import type { PublicPageContext } from '../../src/app/get-public-incident.ts'
import { Document } from './document.tsx'

/** Every public page: page name or logo, the content, and a footer naming the time zone. */
export function PublicLayout(props: {
  page: PublicPageContext
  /** Prefixed to the page name in the document title. */
  title?: string
  /** Extra <head> content (stylesheets, per-page feed links). */
  head?: Child
  children: Child
}) {
  const { page } = props
  return (
    <Document
      title={props.title ? `${props.title} · ${page.name}` : page.name}
      bodyClass="public"
      head={
        <>
          <link rel="stylesheet" href="/css/page.css" />
          <link
            rel="alternate"
            type="application/atom+xml"
            title={`${page.name} (Atom)`}
            href="/feed.atom"
          />
          <link
            rel="alternate"
            type="application/rss+xml"
            title={`${page.name} (RSS)`}
            href="/feed.rss"
          />
          {props.head}
          <script src="/js/live.js" defer></script>
        </>
      }
    >
      <header class="page-header">
        <div class="wrap page-header-inner">
          <a class="brand" href="/">
            {page.logoUrl ? (
              <img class="brand-logo" src={page.logoUrl} alt={page.name} />
            ) : (
              <span class="brand-name">{page.name}</span>
            )}
          </a>
          <nav class="page-nav" aria-label="Status page">
            <a href="/">Current status</a>
            <a href="/history">History</a>
            <a href="/subscribe">Subscribe to updates</a>
          </nav>
        </div>
      </header>
      <main class="wrap page-main">{props.children}</main>
      <footer class="page-footer">
        <div class="wrap page-footer-inner">
          <p>
            Times are shown in <strong>{page.timeZone}</strong>.
          </p>
          <p class="feeds">
            Follow: <a href="/feed.atom">Atom</a> · <a href="/feed.rss">RSS</a> ·{' '}
            <a href="/api/v2/summary.json">JSON API</a> ·{' '}
            <a href="/maintenance.ics">Maintenance calendar</a> ·{' '}
            <a href="/subscribe">E-mail and webhooks</a>
          </p>
          <p>Powered by Herald</p>
        </div>
      </footer>
    </Document>
  )
}
