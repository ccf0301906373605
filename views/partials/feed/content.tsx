import type { PublicIncidentView, PublicUpdateView } from '../../../src/app/get-public-incident.ts'
import type { PublicMaintenanceView } from '../../../src/app/get-public-maintenance.ts'
import { renderMarkdown } from '../../markdown.ts'

// HTML carried inside feed entries (Atom content type="html", RSS content:encoded). Feed readers
// show it without our stylesheet or CSP, so it is plain markup: no classes, no scripts, and user
// text only as escaped text or through renderMarkdown.

function ComponentChanges(props: { update: PublicUpdateView }) {
  const changes = props.update.componentChanges
  if (changes.length === 0) return null
  return <p>{changes.map((c) => `${c.name}: ${c.statusLabel}`).join(', ')}</p>
}

/** One public update: its time, status and rendered body. */
export function UpdateFeedContent(props: { update: PublicUpdateView }) {
  const { update } = props
  return (
    <>
      <p>
        <strong>{update.label}</strong> · <time datetime={update.at.iso}>{update.at.text}</time>
        {update.edited ? ` · edited ${update.edited.text}` : ''}
      </p>
      <div dangerouslySetInnerHTML={{ __html: renderMarkdown(update.body) }}></div>
      <ComponentChanges update={update} />
    </>
  )
}

/** One incident in the page feed: status, impact, times, affected components, its timeline. */
export function IncidentFeedContent(props: { incident: PublicIncidentView }) {
  const { incident } = props
  return (
    <>
      <p>
        <strong>{incident.statusLabel}</strong> · {incident.impactText}
      </p>
      <p>
        Started <time datetime={incident.started.iso}>{incident.started.text}</time>
        {incident.resolved ? ` · Resolved ${incident.resolved.text}` : ''}
      </p>
      {incident.components.length ? (
        <p>Affected: {incident.components.map((c) => c.name).join(', ')}</p>
      ) : null}
      {incident.updates.map((update) => (
        <UpdateFeedContent update={update} />
      ))}
    </>
  )
}

/** One scheduled maintenance in the page feed: status, window, affected components, its updates. */
export function MaintenanceFeedContent(props: { maintenance: PublicMaintenanceView }) {
  const { maintenance } = props
  return (
    <>
      <p>
        <strong>{maintenance.statusLabel}</strong> · Scheduled maintenance
      </p>
      <p>
        <time datetime={maintenance.scheduledFor.iso}>{maintenance.scheduledFor.text}</time>
        {' – '}
        <time datetime={maintenance.scheduledUntil.iso}>{maintenance.scheduledUntil.text}</time>
      </p>
      {maintenance.components.length ? (
        <p>Affected: {maintenance.components.map((c) => c.name).join(', ')}</p>
      ) : null}
      {maintenance.updates.map((update) => (
        <>
          <p>
            <strong>{update.label}</strong> · <time datetime={update.at.iso}>{update.at.text}</time>
          </p>
          <div dangerouslySetInnerHTML={{ __html: renderMarkdown(update.body) }}></div>
        </>
      ))}
    </>
  )
}
