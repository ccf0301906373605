import type { Component, Maintenance } from '../../../src/domain/types.ts'
import { ConsoleLayout, type ConsoleContext } from '../../layouts/console.tsx'
import { ConsoleAssets, Time } from '../../partials/console/common.tsx'
import { MaintenanceStatusBadge } from '../../partials/console/maintenance-fields.tsx'

export interface MaintenanceListProps {
  ctx: ConsoleContext
  active: Maintenance[]
  upcoming: Maintenance[]
  /** Completed or cancelled, newest first. */
  past: Maintenance[]
  components: Map<string, Component>
  tz: string
  canWrite: boolean
}

/** Scheduled maintenance: what runs now, what is coming, what is over. */
export function MaintenanceListPage(props: MaintenanceListProps) {
  return (
    <ConsoleLayout ctx={{ ...props.ctx, section: 'maintenance' }} title="Maintenance">
      <ConsoleAssets />
      <div class="page-head">
        <h1 class="page-title">Scheduled maintenance</h1>
        {props.canWrite && (
          <a class="button" href="/console/maintenance/new">
            Schedule maintenance
          </a>
        )}
      </div>
      <MaintenanceTable
        {...props}
        id="maintenance-active"
        title={`In progress (${props.active.length})`}
        list={props.active}
        empty="No maintenance is running."
      />
      <MaintenanceTable
        {...props}
        id="maintenance-upcoming"
        title={`Upcoming (${props.upcoming.length})`}
        list={props.upcoming}
        empty="Nothing scheduled."
      />
      <MaintenanceTable
        {...props}
        id="maintenance-past"
        title="Past"
        list={props.past}
        empty="No past maintenance."
      />
    </ConsoleLayout>
  )
}

function MaintenanceTable(
  props: MaintenanceListProps & { id: string; title: string; list: Maintenance[]; empty: string },
) {
  return (
    <section id={props.id} class="card" aria-labelledby={`${props.id}-title`}>
      <h2 id={`${props.id}-title`}>{props.title}</h2>
      {props.list.length === 0 ? (
        <p class="muted">{props.empty}</p>
      ) : (
        <table class="table incidents-table maintenance-table">
          <thead>
            <tr>
              <th scope="col">Maintenance</th>
              <th scope="col">Status</th>
              <th scope="col">Starts</th>
              <th scope="col">Ends</th>
              <th scope="col">Components</th>
            </tr>
          </thead>
          <tbody>
            {props.list.map((m) => (
              <tr class="maintenance-row">
                <td>
                  <a href={`/console/maintenance/${m.id}`}>{m.name}</a>
                </td>
                <td>
                  <MaintenanceStatusBadge maintenance={m} />
                </td>
                <td>
                  <Time ms={m.scheduledFor} tz={props.tz} />
                </td>
                <td>
                  <Time ms={m.scheduledUntil} tz={props.tz} />
                </td>
                <td>
                  {m.componentIds.length === 0 ? (
                    <span class="muted">—</span>
                  ) : (
                    <ul class="affected-list">
                      {m.componentIds.map((id) => (
                        <li>{props.components.get(id)?.name ?? 'Deleted component'}</li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
