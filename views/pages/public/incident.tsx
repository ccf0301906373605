import type { PublicIncidentPage } from '../../../src/app/get-public-incident.ts'
import type { PostmortemDocument } from '../../../src/domain/postmortem/index.ts'
import { PublicLayout } from '../../layouts/public.tsx'
import { Timeline } from '../../partials/public/incident.tsx'
import { Time } from '../../partials/public/time.tsx'
import { PostmortemView } from '../../partials/postmortem.tsx'

/** GET /incidents/:id */
export function IncidentPage(props: {
  view: PublicIncidentPage
  /** A published postmortem (issue 6); drafts never reach the page. */
  postmortem?: { document: PostmortemDocument; publishedAt: number } | null
}) {
  const { page, incident } = props.view
  const postmortem = props.postmortem
  // This incident's own feeds; the page-wide ones are in the layout.
  const feedBase = `/incidents/${encodeURIComponent(incident.id)}/feed`
  return (
    <PublicLayout
      page={page}
      title={incident.name}
      head={
        <>
          {postmortem ? <link rel="stylesheet" href="/css/postmortem.css" /> : null}
          <link
            rel="alternate"
            type="application/atom+xml"
            title={`${incident.name} (Atom)`}
            href={`${feedBase}.atom`}
          />
          <link
            rel="alternate"
            type="application/rss+xml"
            title={`${incident.name} (RSS)`}
            href={`${feedBase}.rss`}
          />
        </>
      }
    >
      <article class={`incident-page impact-${incident.impact}`}>
        <header class="incident-page-head">
          <h1 class="incident-title">{incident.name}</h1>
          <p class="incident-meta">
            <span class="badge">{incident.statusLabel}</span>
            <span>{incident.impactText}</span>
          </p>
        </header>
        <dl class="facts">
          <div>
            <dt>Started</dt>
            <dd>
              <Time stamp={incident.started} />
            </dd>
          </div>
          <div>
            <dt>Resolved</dt>
            <dd>{incident.resolved ? <Time stamp={incident.resolved} /> : 'Not yet'}</dd>
          </div>
          <div>
            <dt>Duration</dt>
            <dd>{incident.ongoing ? `${incident.duration} so far` : incident.duration}</dd>
          </div>
          <div>
            <dt>Affected components</dt>
            <dd>
              {incident.components.length ? (
                <ul class="affected-list">
                  {incident.components.map((c) => (
                    <li>
                      {c.name}{' '}
                      <span class={`component-status status-${c.status}`}>{c.statusLabel}</span>
                    </li>
                  ))}
                </ul>
              ) : (
                'None listed'
              )}
            </dd>
          </div>
        </dl>
        {postmortem && (
          <PostmortemView doc={postmortem.document} publishedAt={postmortem.publishedAt} titled />
        )}
        <section class="incident-updates">
          <h2 class="section-title">Updates</h2>
          <Timeline updates={incident.updates} />
        </section>
      </article>
      <p class="more">
        <a href="/">← Current status</a> · <a href="/history">Incident history</a> · Follow this
        incident: <a href={`${feedBase}.atom`}>Atom</a> · <a href={`${feedBase}.rss`}>RSS</a>
      </p>
    </PublicLayout>
  )
}
