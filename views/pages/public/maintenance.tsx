import type { PublicMaintenancePage } from '../../../src/app/get-public-maintenance.ts'
import { PublicLayout } from '../../layouts/public.tsx'
import { MaintenanceTimeline, MaintenanceWindow } from '../../partials/public/maintenance.tsx'
import { Time } from '../../partials/public/time.tsx'

/** GET /maintenance/:id — the window, its progress and its timeline; a cancelled one says so. */
export function MaintenancePage(props: { view: PublicMaintenancePage }) {
  const { page, maintenance } = props.view
  return (
    <PublicLayout
      page={page}
      title={maintenance.name}
      head={<link rel="stylesheet" href="/css/maintenance.css" />}
    >
      <article
        class={`incident-page maintenance-page${maintenance.cancelled ? ' maintenance-cancelled' : ''}`}
      >
        <header class="incident-page-head">
          <p class="incident-meta">Scheduled maintenance</p>
          <h1 class="incident-title">{maintenance.name}</h1>
          <p class="incident-meta">
            <span class="badge">{maintenance.statusLabel}</span>
          </p>
        </header>
        {maintenance.cancelledAt ? (
          <p class="maintenance-cancelled-note" role="status">
            This maintenance was cancelled on <Time stamp={maintenance.cancelledAt} /> and will not
            take place.
          </p>
        ) : null}
        <dl class="facts">
          <div>
            <dt>Scheduled</dt>
            <dd>
              <MaintenanceWindow maintenance={maintenance} />
            </dd>
          </div>
          <div>
            <dt>Started</dt>
            <dd>{maintenance.started ? <Time stamp={maintenance.started} /> : 'Not yet'}</dd>
          </div>
          <div>
            <dt>Completed</dt>
            <dd>{maintenance.completed ? <Time stamp={maintenance.completed} /> : 'Not yet'}</dd>
          </div>
          <div>
            <dt>Affected components</dt>
            <dd>
              {maintenance.components.length ? (
                <ul class="affected-list">
                  {maintenance.components.map((c) => (
                    <li>{c.name}</li>
                  ))}
                </ul>
              ) : (
                'None listed'
              )}
            </dd>
          </div>
        </dl>
        <section class="incident-updates">
          <h2 class="section-title">Updates</h2>
          <MaintenanceTimeline updates={maintenance.updates} />
        </section>
      </article>
      <p class="more">
        <a href="/">← Current status</a> · <a href="/maintenance.ics">Maintenance calendar</a>
      </p>
    </PublicLayout>
  )
}
