import type { DeliveryProgress } from '../../../src/app/get-delivery-progress.ts'
import type { Component, Incident, TimelineEvent } from '../../../src/domain/types.ts'
import { ConsoleLayout, CsrfField, type ConsoleContext } from '../../layouts/console.tsx'
import { ConsoleAssets, type FormState } from '../../partials/console/common.tsx'
import { Composer } from '../../partials/console/composer.tsx'
import { NotifyRow, TextareaRow } from '../../partials/console/fields.tsx'
import { IncidentComponents } from '../../partials/console/incident-components.tsx'
import { IncidentHeader } from '../../partials/console/incident-header.tsx'
import { NotifyCount } from '../../partials/console/notify-count.tsx'
import { Timeline, type TimelineContext } from '../../partials/console/timeline.tsx'

export const DEFAULT_RESOLVE_MESSAGE = 'This incident has been resolved.'

export interface IncidentPageProps {
  ctx: ConsoleContext
  incident: Incident
  /** Newest first, internal notes included. */
  events: TimelineEvent[]
  /** The incident's affected components. */
  affected: Component[]
  /** Every component, for the composer. */
  components: Component[]
  tz: string
  now: number
  canWrite: boolean
  /** Owners may delete the whole incident. */
  canDeleteIncident: boolean
  forms: { header: FormState; composer: FormState; resolve: FormState }
  editing?: { eventId: string; form: FormState }
  /** Per event id, its broadcast's delivery progress. */
  progress?: Map<string, DeliveryProgress>
  /** Subscribers an update would reach with the composer's current component choice. */
  recipients?: number
}

export function timelineContext(p: {
  incident: Incident
  events: TimelineEvent[]
  components: Component[]
  tz: string
  canWrite: boolean
  csrfToken: string
  progress?: Map<string, DeliveryProgress>
}): TimelineContext {
  return {
    incidentId: p.incident.id,
    tz: p.tz,
    csrfToken: p.csrfToken,
    canWrite: p.canWrite,
    canDelete: p.events.length > 1,
    componentNames: new Map(p.components.map((c) => [c.id, c.name])),
    ...(p.progress ? { progress: p.progress } : {}),
  }
}

/** The incident view: header, affected components, composer, timeline, resolve. */
export function IncidentPage(props: IncidentPageProps) {
  const { ctx, incident, forms } = props
  const csrfToken = ctx.csrfToken
  return (
    <ConsoleLayout ctx={{ ...ctx, section: 'incidents' }} title={incident.name}>
      <ConsoleAssets />
      <link rel="stylesheet" href="/css/console-subscribers.css" />
      <div class="incident-view">
        <div class="incident-main">
          <IncidentHeader
            incident={incident}
            tz={props.tz}
            now={props.now}
            csrfToken={csrfToken}
            canWrite={props.canWrite}
            canDelete={props.canDeleteIncident}
            form={forms.header}
          />
          {props.canWrite && (
            <Composer
              incident={incident}
              components={props.components}
              tz={props.tz}
              csrfToken={csrfToken}
              form={forms.composer}
              {...(props.recipients !== undefined ? { recipients: props.recipients } : {})}
            />
          )}
          <section class="timeline-section" aria-labelledby="timeline-title">
            <h2 id="timeline-title">Timeline</h2>
            <Timeline
              ctx={timelineContext({ ...props, csrfToken })}
              events={props.events}
              {...(props.editing ? { editing: props.editing } : {})}
            />
          </section>
        </div>
        <aside class="incident-side">
          <IncidentComponents components={props.affected} />
          {incident.status === 'resolved' && (
            <PostmortemCard
              incidentId={incident.id}
              csrfToken={csrfToken}
              canWrite={props.canWrite}
            />
          )}
          {props.canWrite && incident.status !== 'resolved' && (
            <ResolveForm
              incidentId={incident.id}
              csrfToken={csrfToken}
              form={forms.resolve}
              {...(props.recipients !== undefined ? { recipients: props.recipients } : {})}
            />
          )}
        </aside>
      </div>
    </ConsoleLayout>
  )
}

const R = 'resolve'

function ResolveForm(props: {
  incidentId: string
  csrfToken: string
  form: FormState
  recipients?: number
}) {
  const { values, errors } = props.form
  return (
    <form
      method="post"
      action={`/console/incidents/${props.incidentId}/resolve`}
      class="card resolve-form"
      aria-labelledby="resolve-title"
    >
      <h2 id="resolve-title">Resolve</h2>
      <CsrfField token={props.csrfToken} />
      <p class="muted">
        Posts a final public update and returns affected components to operational.
      </p>
      <TextareaRow
        prefix={R}
        name="body"
        label="Message"
        errors={errors}
        value={values.body ?? DEFAULT_RESOLVE_MESSAGE}
      />
      <NotifyRow values={values} label="Notify subscribers" />
      {props.recipients !== undefined && (
        <NotifyCount count={props.recipients} block={values.notify === 'off' ? 'off' : null} />
      )}
      <div class="actions">
        <button type="submit">Resolve incident</button>
      </div>
    </form>
  )
}

/** Resolved incidents get their postmortem: drafting opens the existing one if there is one. */
function PostmortemCard(props: { incidentId: string; csrfToken: string; canWrite: boolean }) {
  const path = `/console/incidents/${props.incidentId}/postmortem`
  return (
    <section class="card postmortem-card" aria-labelledby="postmortem-card-title">
      <h2 id="postmortem-card-title">Postmortem</h2>
      {props.canWrite ? (
        <form method="post" action={path}>
          <CsrfField token={props.csrfToken} />
          <p class="muted">
            Builds the document from this timeline, or opens the one already drafted.
          </p>
          <div class="actions">
            <button type="submit">Draft postmortem</button>
          </div>
        </form>
      ) : (
        <p>
          <a href={path}>Read the postmortem</a>
        </p>
      )}
    </section>
  )
}
