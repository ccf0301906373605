import { msToLocalDateTime } from '../../../src/domain/local-time.ts'
import { formatDuration } from '../../../src/domain/time.ts'
import type { Incident } from '../../../src/domain/types.ts'
import { CsrfField } from '../../layouts/console.tsx'
import { DOM } from '../../ids.ts'
import { ImpactBadge, IncidentStatusBadge, Time, type FormState } from './common.tsx'
import { ImpactRow, NameRow, StartedAtRow } from './fields.tsx'

export interface IncidentHeaderProps {
  incident: Incident
  tz: string
  now: number
  csrfToken: string
  canWrite: boolean
  canDelete: boolean
  /** The edit form's state; open when it carries errors. */
  form: FormState
  oob?: boolean
}

const P = 'incident-edit'

/** Name, impact, derived status, start, resolution and duration; refreshed out of band on posts. */
export function IncidentHeader(props: IncidentHeaderProps) {
  const { incident, tz, form } = props
  const base = `/console/incidents/${incident.id}`
  const duration = (incident.resolvedAt ?? props.now) - incident.startedAt
  const hasErrors = Object.keys(form.errors).length > 0
  return (
    <section
      id={DOM.incidentHeader}
      class="incident-header card"
      aria-labelledby="incident-name"
      hx-swap-oob={props.oob ? 'true' : undefined}
    >
      <p class="muted">
        <a href="/console">← Incidents</a>
      </p>
      <h1 id="incident-name" class="page-title">
        {incident.name}
      </h1>
      <p class="badges">
        <IncidentStatusBadge status={incident.status} /> <ImpactBadge impact={incident.impact} />
      </p>
      <dl class="facts">
        <div>
          <dt>Started</dt>
          <dd>
            <Time ms={incident.startedAt} tz={tz} />
          </dd>
        </div>
        <div>
          <dt>Resolved</dt>
          <dd>
            {incident.resolvedAt === null ? 'Ongoing' : <Time ms={incident.resolvedAt} tz={tz} />}
          </dd>
        </div>
        <div>
          <dt>{incident.resolvedAt === null ? 'Duration so far' : 'Duration'}</dt>
          <dd>{formatDuration(duration)}</dd>
        </div>
      </dl>
      {props.canWrite && (
        <details class="inline-edit" open={hasErrors}>
          <summary>Edit name, impact or start</summary>
          <form
            method="post"
            action={base}
            hx-post={base}
            hx-target={`#${DOM.incidentHeader}`}
            hx-swap="outerHTML"
          >
            <CsrfField token={props.csrfToken} />
            <NameRow prefix={P} errors={form.errors} value={form.values.name ?? incident.name} />
            <ImpactRow
              prefix={P}
              errors={form.errors}
              value={form.values.impact ?? incident.impact}
            />
            <StartedAtRow
              prefix={P}
              tz={tz}
              errors={form.errors}
              value={form.values.startedAt ?? msToLocalDateTime(incident.startedAt, tz)}
            />
            <div class="actions">
              <button type="submit">Save</button>
            </div>
          </form>
          {props.canDelete && (
            <form
              method="post"
              action={`${base}/delete`}
              hx-post={`${base}/delete`}
              hx-confirm="Delete this incident and its whole timeline? The audit log keeps a copy."
              class="actions"
            >
              <CsrfField token={props.csrfToken} />
              <button type="submit" class="danger">
                Delete incident
              </button>
            </form>
          )}
        </details>
      )}
    </section>
  )
}
