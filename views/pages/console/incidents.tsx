import { formatDuration } from '../../../src/domain/time.ts'
import type { Component, Incident } from '../../../src/domain/types.ts'
import { ConsoleLayout, type ConsoleContext } from '../../layouts/console.tsx'
import { DOM } from '../../ids.ts'
import {
  ComponentStatusBadge,
  ConsoleAssets,
  ImpactBadge,
  IncidentStatusBadge,
  Time,
} from '../../partials/console/common.tsx'

export interface IncidentsBoardProps {
  ctx: ConsoleContext
  open: Incident[]
  resolved: Incident[]
  page: number
  pageCount: number
  components: Map<string, Component>
  tz: string
  now: number
  canWrite: boolean
}

/** The incidents board: what is broken now first, then what was fixed recently. */
export function IncidentsBoardPage(props: IncidentsBoardProps) {
  const { tz, now } = props
  return (
    <ConsoleLayout ctx={{ ...props.ctx, section: 'incidents' }} title="Incidents">
      <ConsoleAssets />
      <div class="page-head">
        <h1 class="page-title">Incidents</h1>
        {props.canWrite && (
          <span class="page-actions">
            <a class="button secondary" href="/console/postmortems/import">
              Import postmortem
            </a>{' '}
            <a class="button" href="/console/incidents/new">
              New incident
            </a>
          </span>
        )}
      </div>
      <section id={DOM.openIncidents} class="card" aria-labelledby="open-title">
        <h2 id="open-title">Open ({props.open.length})</h2>
        {props.open.length === 0 ? (
          <p class="muted">No open incidents.</p>
        ) : (
          <table class="table incidents-table">
            <thead>
              <tr>
                <th scope="col">Incident</th>
                <th scope="col">Status</th>
                <th scope="col">Started</th>
                <th scope="col">Duration so far</th>
                <th scope="col">Affected components</th>
              </tr>
            </thead>
            <tbody>
              {props.open.map((i) => (
                <tr class="incident-row incident-open">
                  <td>
                    <a href={`/console/incidents/${i.id}`}>{i.name}</a>{' '}
                    <ImpactBadge impact={i.impact} />
                  </td>
                  <td>
                    <IncidentStatusBadge status={i.status} />
                  </td>
                  <td>
                    <Time ms={i.startedAt} tz={tz} />
                  </td>
                  <td>{formatDuration(now - i.startedAt)}</td>
                  <td>
                    <AffectedList incident={i} components={props.components} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section class="card" aria-labelledby="resolved-title">
        <h2 id="resolved-title">Recently resolved</h2>
        {props.resolved.length === 0 ? (
          <p class="muted">Nothing resolved yet.</p>
        ) : (
          <table class="table incidents-table">
            <thead>
              <tr>
                <th scope="col">Incident</th>
                <th scope="col">Started</th>
                <th scope="col">Resolved</th>
                <th scope="col">Duration</th>
                <th scope="col">Affected components</th>
              </tr>
            </thead>
            <tbody>
              {props.resolved.map((i) => (
                <tr class="incident-row incident-resolved">
                  <td>
                    <a href={`/console/incidents/${i.id}`}>{i.name}</a>{' '}
                    <ImpactBadge impact={i.impact} />
                  </td>
                  <td>
                    <Time ms={i.startedAt} tz={tz} />
                  </td>
                  <td>{i.resolvedAt !== null && <Time ms={i.resolvedAt} tz={tz} />}</td>
                  <td>{formatDuration((i.resolvedAt ?? now) - i.startedAt)}</td>
                  <td>
                    <AffectedList incident={i} components={props.components} plain />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {props.pageCount > 1 && (
          <nav class="pagination" aria-label="Resolved incidents pages">
            {props.page > 1 && (
              <a href={`/console?page=${props.page - 1}`} rel="prev">
                ← Newer
              </a>
            )}
            <span class="muted">
              Page {props.page} of {props.pageCount}
            </span>
            {props.page < props.pageCount && (
              <a href={`/console?page=${props.page + 1}`} rel="next">
                Older →
              </a>
            )}
          </nav>
        )}
      </section>
    </ConsoleLayout>
  )
}

function AffectedList(props: {
  incident: Incident
  components: Map<string, Component>
  plain?: boolean
}) {
  const affected = props.incident.componentIds
    .map((id) => props.components.get(id))
    .filter((c): c is Component => c !== undefined)
  if (affected.length === 0) return <span class="muted">—</span>
  return (
    <ul class="affected-list">
      {affected.map((c) => (
        <li>
          {c.name}
          {!props.plain && (
            <>
              {' '}
              <ComponentStatusBadge status={c.status} />
            </>
          )}
        </li>
      ))}
    </ul>
  )
}
