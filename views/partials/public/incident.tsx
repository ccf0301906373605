import type { PublicIncidentView, PublicUpdateView } from '../../../src/app/get-public-incident.ts'
import { renderMarkdown } from '../../markdown.ts'
import { Time } from './time.tsx'

/** Public updates, newest first: status label, rendered body, time, and an edited marker. */
export function Timeline(props: { updates: PublicUpdateView[] }) {
  if (props.updates.length === 0) return <p class="empty">No updates have been posted yet.</p>
  return (
    <ol class="timeline">
      {props.updates.map((update) => (
        <li class="update">
          <p class="update-label">{update.label}</p>
          <div class="update-main">
            <div
              class="markdown"
              dangerouslySetInnerHTML={{ __html: renderMarkdown(update.body) }}
            ></div>
            {update.componentChanges.length ? (
              <p class="update-components">
                {update.componentChanges.map((c, i) => (
                  <>
                    {i > 0 ? ', ' : ''}
                    {c.name}:{' '}
                    <span class={`component-status status-${c.status}`}>{c.statusLabel}</span>
                  </>
                ))}
              </p>
            ) : null}
            <p class="update-meta">
              <Time stamp={update.at} />
              {update.edited ? (
                <span class="edited">
                  {' · '}edited <Time stamp={update.edited} />
                </span>
              ) : null}
            </p>
          </div>
        </li>
      ))}
    </ol>
  )
}

export function AffectedComponents(props: { incident: PublicIncidentView }) {
  const { components } = props.incident
  if (components.length === 0) return null
  return <p class="affected">Affected: {components.map((c) => c.name).join(', ')}</p>
}

/** An open incident on the front page, with its whole public timeline. */
export function IncidentCard(props: { incident: PublicIncidentView }) {
  const { incident } = props
  return (
    <article class={`incident impact-${incident.impact}`}>
      <header class="incident-head">
        <h3 class="incident-name">
          <a href={`/incidents/${encodeURIComponent(incident.id)}`}>{incident.name}</a>
        </h3>
        <p class="incident-meta">
          <span class="badge">{incident.statusLabel}</span>
          <span>{incident.impactText}</span>
          <span>
            since <Time stamp={incident.started} />
          </span>
        </p>
      </header>
      <Timeline updates={incident.updates} />
      <AffectedComponents incident={incident} />
    </article>
  )
}
