import { raw } from 'hono/html'
import type { Indicator } from '../../../src/domain/enums.ts'

export interface EmbedView {
  pageName: string
  indicator: Indicator
  description: string
  /** Open incidents, newest first (a few at most). */
  incidents: { id: string; name: string; statusLabel: string }[]
  /** How many more open incidents there are than listed. */
  more: number
  /** Maintenance in progress or verifying, soonest started first. */
  maintenance: { id: string; name: string; statusLabel: string }[]
}

/** Seconds between the widget's own reloads: no script, so a plain meta refresh. */
export const EMBED_REFRESH_SECONDS = 60

/**
 * GET /embed — a small status widget other sites put in an iframe: no script, no htmx, and links
 * that open the page in a new tab (the widget's own frame is too small to read it in). It reloads
 * itself every minute (a meta refresh, which no CSP blocks) instead of holding a live stream:
 * a widget on a busy site would otherwise take one SSE connection per visitor of that site.
 */
export function EmbedPage(props: { view: EmbedView }) {
  const { view } = props
  return (
    <>
      {raw('<!doctype html>')}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="color-scheme" content="light dark" />
          <meta name="robots" content="noindex" />
          <meta http-equiv="refresh" content={String(EMBED_REFRESH_SECONDS)} />
          <title>{`${view.pageName}: current status`}</title>
          <link rel="stylesheet" href="/css/base.css" />
          <link rel="stylesheet" href="/css/embed.css" />
        </head>
        <body class="embed">
          <a class={`embed-status embed-${view.indicator}`} href="/" target="_blank" rel="noopener">
            <span class="embed-name">{view.pageName}</span>
            <span class="embed-description">{view.description}</span>
          </a>
          {view.incidents.length || view.maintenance.length ? (
            <ul class="embed-incidents">
              {view.incidents.map((incident) => (
                <li>
                  <a
                    href={`/incidents/${encodeURIComponent(incident.id)}`}
                    target="_blank"
                    rel="noopener"
                  >
                    {incident.name}
                  </a>{' '}
                  <span class="muted">{incident.statusLabel}</span>
                </li>
              ))}
              {view.maintenance.map((m) => (
                <li class="embed-maintenance">
                  <a
                    href={`/maintenance/${encodeURIComponent(m.id)}`}
                    target="_blank"
                    rel="noopener"
                  >
                    {m.name}
                  </a>{' '}
                  <span class="muted">{m.statusLabel}</span>
                </li>
              ))}
              {view.more > 0 ? (
                <li>
                  <a href="/" target="_blank" rel="noopener">
                    {`and ${view.more} more`}
                  </a>
                </li>
              ) : null}
            </ul>
          ) : null}
        </body>
      </html>
    </>
  )
}

export async function renderEmbed(view: EmbedView): Promise<string> {
  return String(await (<EmbedPage view={view} />).toString())
}
