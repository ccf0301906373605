import type {
  PublicMaintenanceUpdateView,
  PublicMaintenanceView,
} from '../../../src/app/get-public-maintenance.ts'
import { renderMarkdown } from '../../markdown.ts'
import { Time } from './time.tsx'

// Scheduled maintenance on the public pages: the window in the page's zone, what it affects, and
// its own timeline. Styles: public/css/maintenance.css on top of the incident card's.

export const maintenancePath = (id: string) => `/maintenance/${encodeURIComponent(id)}`

/** The window: start, and the end as the time alone when it falls on the same day. */
export function MaintenanceWindow(props: { maintenance: PublicMaintenanceView }) {
  const { maintenance } = props
  return (
    <span class="maintenance-window">
      <Time stamp={maintenance.scheduledFor} />
      {' – '}
      <Time stamp={maintenance.scheduledUntilShort} />
    </span>
  )
}

export function MaintenanceAffected(props: { maintenance: PublicMaintenanceView }) {
  const { components } = props.maintenance
  if (components.length === 0) return null
  return <p class="affected">Affected: {components.map((c) => c.name).join(', ')}</p>
}

function UpdateItem(props: { update: PublicMaintenanceUpdateView }) {
  const { update } = props
  return (
    <li class="update">
      <p class="update-label">{update.label}</p>
      <div class="update-main">
        <div
          class="markdown"
          dangerouslySetInnerHTML={{ __html: renderMarkdown(update.body) }}
        ></div>
        <p class="update-meta">
          <Time stamp={update.at} />
        </p>
      </div>
    </li>
  )
}

/** Its updates, newest first. */
export function MaintenanceTimeline(props: { updates: PublicMaintenanceUpdateView[] }) {
  if (props.updates.length === 0) return <p class="empty">No updates have been posted yet.</p>
  return (
    <ol class="timeline">
      {props.updates.map((update) => (
        <UpdateItem update={update} />
      ))}
    </ol>
  )
}

/**
 * One maintenance on the front page: running ones and upcoming ones alike show their window, their
 * latest update (the announcement, until it starts) and what they affect.
 */
export function MaintenanceCard(props: { maintenance: PublicMaintenanceView }) {
  const { maintenance } = props
  const latest = maintenance.updates[0]
  return (
    <article class="incident maintenance">
      <header class="incident-head">
        <h3 class="incident-name">
          <a href={maintenancePath(maintenance.id)}>{maintenance.name}</a>
        </h3>
        <p class="incident-meta">
          <span class="badge">{maintenance.statusLabel}</span>
          <span>
            Scheduled <MaintenanceWindow maintenance={maintenance} />
          </span>
        </p>
      </header>
      {latest ? (
        <ol class="timeline">
          <UpdateItem update={latest} />
        </ol>
      ) : null}
      <MaintenanceAffected maintenance={maintenance} />
    </article>
  )
}
