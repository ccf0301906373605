import { Hono } from 'hono'
import type { z } from 'zod'
import { deleteIncident } from '../../../app/delete-incident.ts'
import { deleteIncidentUpdate } from '../../../app/delete-incident-update.ts'
import { EditIncidentUpdateInput, editIncidentUpdate } from '../../../app/edit-incident-update.ts'
import {
  getEventDeliveryProgress,
  getIncidentDeliveryProgress,
} from '../../../app/get-delivery-progress.ts'
import { getIncident } from '../../../app/get-incident.ts'
import { getSettings } from '../../../app/get-settings.ts'
import { listIncidents } from '../../../app/list-incidents.ts'
import { OpenIncidentInput, openIncident } from '../../../app/open-incident.ts'
import { PostIncidentUpdateInput, postIncidentUpdate } from '../../../app/post-incident-update.ts'
import { ResolveIncidentInput, resolveIncident } from '../../../app/resolve-incident.ts'
import { UpdateIncidentInput, updateIncident } from '../../../app/update-incident.ts'
import { notFound } from '../../../domain/errors.ts'
import { msToLocalDateTime, parseLocalDateTime } from '../../../domain/local-time.ts'
import type { Incident, TimelineEvent } from '../../../domain/types.ts'
import { DOM, eventDomId } from '../../../../views/ids.ts'
import type { ConsoleContext } from '../../../../views/layouts/console.tsx'
import { IncidentsBoardPage } from '../../../../views/pages/console/incidents.tsx'
import {
  IncidentPage,
  timelineContext,
  type IncidentPageProps,
} from '../../../../views/pages/console/incident.tsx'
import { NewIncidentPage } from '../../../../views/pages/console/new-incident.tsx'
import {
  emptyForm,
  type FieldErrors,
  type FormState,
} from '../../../../views/partials/console/common.tsx'
import { Composer } from '../../../../views/partials/console/composer.tsx'
import { DeliveryProgressView } from '../../../../views/partials/console/delivery-progress.tsx'
import { IncidentComponents } from '../../../../views/partials/console/incident-components.tsx'
import { IncidentHeader } from '../../../../views/partials/console/incident-header.tsx'
import { NotifyCount } from '../../../../views/partials/console/notify-count.tsx'
import {
  EventEditForm,
  TimelineEventItem,
  TimelineItems,
} from '../../../../views/partials/console/timeline.tsx'
import type { AppEnv } from '../../env.ts'
import { parseFields, readForm } from '../../forms.ts'
import { requireUser } from '../../middleware/session.ts'
import { isHtmx, respond } from '../../respond.ts'
import { actorOf, str, userOf, validationErrors, valuesOf, type C, type Form } from './support.ts'

// The incidents board, opening an incident, and the incident view with its timeline composer.
// Handlers turn form fields into use-case input (local times → ms, blanks → absent), call the use
// case, and answer with a fragment for htmx or a page / 303 redirect without it.

export const incidentsRoutes = new Hono<AppEnv>()
const writers = requireUser('owner', 'responder')

// --- request helpers ---

const consoleCtx = (c: C): ConsoleContext => ({ user: userOf(c), csrfToken: c.var.csrfToken })
const canWrite = (c: C) => ['owner', 'responder'].includes(userOf(c).role)
const timeZone = async (c: C) => (await getSettings(c.var.deps)).timeZone

/** `components.<id>` selects with a status chosen ("no change" is blank). */
function componentRequests(form: Form): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(form)) {
    if (!k.startsWith('components.')) continue
    const value = str(v).trim()
    if (value) out[k.slice('components.'.length)] = value
  }
  return out
}

/** A datetime-local field in the page's zone; blank is undefined (now), garbage is a field error. */
function readTime(
  value: string,
  tz: string,
  field: string,
  errors: FieldErrors,
): number | undefined {
  if (value.trim() === '') return undefined
  const ms = parseLocalDateTime(value, tz)
  if (ms === null) {
    errors[field] = 'must be a date and time'
    return undefined
  }
  return ms
}

type Outcome<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors }

/**
 * Validates with the use case's own schema (so every message names a form field), then runs the
 * use case; a VALIDATION error it raises (unknown component, time in the future) comes back as
 * field errors for re-rendering, anything else propagates to the error mapper.
 */
async function attempt<S extends z.ZodType, T>(
  schema: S,
  input: unknown,
  earlier: FieldErrors,
  run: (data: z.output<S>) => Promise<T>,
): Promise<Outcome<T>> {
  const parsed = parseFields(schema, input)
  const errors = { ...(parsed.ok ? {} : parsed.errors), ...earlier }
  if (!parsed.ok || Object.keys(errors).length) return { ok: false, errors }
  try {
    return { ok: true, value: await run(parsed.data) }
  } catch (err) {
    return { ok: false, errors: validationErrors(err) }
  }
}

const incidentPath = (id: string) => `/console/incidents/${id}`

// --- the incident view's data ---

type IncidentView = Pick<
  IncidentPageProps,
  'incident' | 'events' | 'affected' | 'components' | 'tz' | 'now'
> &
  Required<Pick<IncidentPageProps, 'progress' | 'recipients'>>

async function loadView(c: C, id: string): Promise<IncidentView> {
  const { deps } = c.var
  const [detail, components, tz, progress] = await Promise.all([
    getIncident(deps, id),
    deps.store.listComponents(),
    timeZone(c),
    getIncidentDeliveryProgress(deps, id),
  ])
  return {
    incident: detail.incident,
    events: detail.events,
    affected: detail.components,
    components,
    tz,
    now: deps.clock.now(),
    progress,
    recipients: await deps.store.countRecipients(detail.incident.componentIds),
  }
}

/**
 * Who an update would reach: subscribers of the incident's components and of those the form sets
 * a status for (the broadcast's scope, see planIncidentBroadcast).
 */
async function recipientsFor(c: C, incident: Incident, form: Form): Promise<number> {
  const chosen = Object.keys(componentRequests(form)).slice(0, 500)
  return c.var.deps.store.countRecipients([...new Set([...incident.componentIds, ...chosen])])
}

async function loadEvent(c: C, incidentId: string, eventId: string): Promise<TimelineEvent> {
  const event = await c.var.deps.store.getEvent(eventId)
  if (!event || event.incidentId !== incidentId) throw notFound('Event', eventId)
  return event
}

function pageProps(
  c: C,
  view: IncidentView,
  forms: Partial<IncidentPageProps['forms']> = {},
  editing?: IncidentPageProps['editing'],
): IncidentPageProps {
  return {
    ctx: consoleCtx(c),
    ...view,
    canWrite: canWrite(c),
    canDeleteIncident: userOf(c).role === 'owner',
    forms: {
      header: forms.header ?? emptyForm(),
      composer: forms.composer ?? emptyForm(),
      resolve: forms.resolve ?? emptyForm(),
    },
    ...(editing ? { editing } : {}),
  }
}

const tctx = (c: C, view: IncidentView) =>
  timelineContext({ ...view, canWrite: canWrite(c), csrfToken: c.var.csrfToken })

const headerOf = (c: C, view: IncidentView, form: FormState = emptyForm(), oob = false) => (
  <IncidentHeader
    incident={view.incident}
    tz={view.tz}
    now={view.now}
    csrfToken={c.var.csrfToken}
    canWrite={canWrite(c)}
    canDelete={userOf(c).role === 'owner'}
    form={form}
    oob={oob}
  />
)

const composerOf = (
  c: C,
  view: IncidentView,
  form: FormState = emptyForm(),
  oob = false,
  recipients = view.recipients,
) => (
  <Composer
    incident={view.incident}
    components={view.components}
    tz={view.tz}
    csrfToken={c.var.csrfToken}
    form={form}
    oob={oob}
    recipients={recipients}
  />
)

const flashOob = (message: string) => (
  <div hx-swap-oob={`innerHTML:#${DOM.flash}`}>
    <p class="flash flash-ok" role="status">
      {message}
    </p>
  </div>
)

/**
 * After a timeline change: `event` alone when it simply lands on top (the request's own target),
 * otherwise the whole list (it landed mid-list, or Delete buttons appear or disappear), plus the
 * header and affected components out of band.
 */
function timelineAnswer(
  c: C,
  view: IncidentView,
  opts: { event?: TimelineEvent; inPlace?: boolean; message: string; composer?: boolean },
) {
  const ctx = tctx(c, view)
  const oob = (
    <>
      {headerOf(c, view, emptyForm(), true)}
      <IncidentComponents components={view.affected} oob />
      {opts.composer && composerOf(c, view, emptyForm(), true)}
      {flashOob(opts.message)}
    </>
  )
  const event = opts.event
  const onTop = view.events.length > 2 && view.events[0]?.id === event?.id
  if (event && (opts.inPlace || onTop))
    return c.html(
      <>
        <TimelineEventItem ctx={ctx} event={event} />
        {oob}
      </>,
    )
  c.header('HX-Retarget', `#${DOM.timeline}`)
  c.header('HX-Reswap', 'innerHTML')
  return c.html(
    <>
      <TimelineItems ctx={ctx} events={view.events} />
      {oob}
    </>,
  )
}

// --- board ---

incidentsRoutes.get('/', requireUser(), async (c) => {
  const { deps } = c.var
  const page = Number.parseInt(c.req.query('page') ?? '1', 10)
  const [board, tz] = await Promise.all([
    listIncidents(deps, { page: Number.isFinite(page) ? page : 1 }),
    timeZone(c),
  ])
  return c.html(
    <IncidentsBoardPage
      ctx={consoleCtx(c)}
      {...board}
      tz={tz}
      now={deps.clock.now()}
      canWrite={canWrite(c)}
    />,
  )
})

// --- new incident ---

async function newIncidentPage(c: C, form: FormState, status: 200 | 422 = 200) {
  const [components, tz] = await Promise.all([c.var.deps.store.listComponents(), timeZone(c)])
  const values = { startedAt: msToLocalDateTime(c.var.deps.clock.now(), tz), ...form.values }
  return c.html(
    <NewIncidentPage
      ctx={consoleCtx(c)}
      components={components}
      tz={tz}
      form={{ ...form, values }}
    />,
    status,
  )
}

/**
 * The start field comes prefilled with the minute the form was shown. Left as shown it means "now":
 * read literally it would date the incident up to a few minutes back, behind any component status
 * set meanwhile, and a backdated change never overrides a newer one.
 */
function startedAtOf(form: Form): string {
  const value = str(form.startedAt)
  return value === str(form.startedAtShown) ? '' : value
}

incidentsRoutes.get('/incidents/new', writers, (c) => newIncidentPage(c, emptyForm()))

incidentsRoutes.post('/incidents', writers, async (c) => {
  const { deps } = c.var
  const form = await readForm(c)
  const tz = await timeZone(c)
  const errors: FieldErrors = {}
  const input = {
    name: str(form.name),
    impact: str(form.impact),
    status: str(form.status) || undefined,
    body: str(form.body),
    components: componentRequests(form),
    startedAt: readTime(startedAtOf(form), tz, 'startedAt', errors),
    kind: str(form.kind) || undefined,
    notify: str(form.notify) === 'on',
  }
  const result = await attempt(OpenIncidentInput, input, errors, (data) =>
    openIncident(deps, actorOf(c), data),
  )
  if (!result.ok)
    return newIncidentPage(c, { values: valuesOf(form, ['notify']), errors: result.errors }, 422)
  return c.redirect(incidentPath(result.value.incident.id), 303)
})

// --- incident view ---

incidentsRoutes.get('/incidents/:id', requireUser(), async (c) => {
  const view = await loadView(c, c.req.param('id'))
  return c.html(<IncidentPage {...pageProps(c, view)} />)
})

incidentsRoutes.post('/incidents/:id', writers, async (c) => {
  const { deps } = c.var
  const id = c.req.param('id')
  const before = await loadView(c, id)
  const form = await readForm(c)
  const errors: FieldErrors = {}
  const input: Record<string, unknown> = { name: str(form.name), impact: str(form.impact) }
  // Re-saving the shown start (minute precision) must not move a start that has seconds.
  const started = str(form.startedAt)
  if (started && started !== msToLocalDateTime(before.incident.startedAt, before.tz))
    input.startedAt = readTime(started, before.tz, 'startedAt', errors)
  const result = await attempt(UpdateIncidentInput, input, errors, (data) =>
    updateIncident(deps, actorOf(c), id, data),
  )
  if (!result.ok) {
    const state = { values: valuesOf(form), errors: result.errors }
    if (isHtmx(c)) return c.html(headerOf(c, before, state), 422)
    return c.html(<IncidentPage {...pageProps(c, before, { header: state })} />, 422)
  }
  if (!isHtmx(c)) return c.redirect(incidentPath(id), 303)
  const view = await loadView(c, id)
  return c.html(
    <>
      {headerOf(c, view)}
      {flashOob('Incident saved.')}
    </>,
  )
})

incidentsRoutes.post('/incidents/:id/delete', requireUser('owner'), async (c) => {
  await deleteIncident(c.var.deps, actorOf(c), c.req.param('id'))
  if (isHtmx(c)) {
    c.header('HX-Redirect', '/console')
    return c.body(null, 204)
  }
  return c.redirect('/console', 303)
})

// --- posting to the timeline ---

incidentsRoutes.post('/incidents/:id/updates', writers, async (c) => {
  const { deps } = c.var
  const id = c.req.param('id')
  const before = await loadView(c, id)
  const form = await readForm(c)
  const errors: FieldErrors = {}
  const components = componentRequests(form)
  const input = {
    body: str(form.body),
    status: str(form.status) || undefined,
    visibility: str(form.visibility) || undefined,
    at: readTime(str(form.at), before.tz, 'at', errors),
    components: Object.keys(components).length ? components : undefined,
    kind: str(form.kind) || undefined,
    notify: str(form.notify) === 'on',
  }
  const result = await attempt(PostIncidentUpdateInput, input, errors, (data) =>
    postIncidentUpdate(deps, actorOf(c), id, data),
  )
  if (!result.ok) {
    const state = { values: valuesOf(form, ['notify']), errors: result.errors }
    const shown = { ...before, recipients: await recipientsFor(c, before.incident, form) }
    if (isHtmx(c)) {
      c.header('HX-Retarget', `#${DOM.composer}`)
      c.header('HX-Reswap', 'outerHTML')
      return c.html(composerOf(c, shown, state), 422)
    }
    return c.html(<IncidentPage {...pageProps(c, shown, { composer: state })} />, 422)
  }
  if (!isHtmx(c)) return c.redirect(incidentPath(id), 303)
  const view = await loadView(c, id)
  return timelineAnswer(c, view, {
    event: result.value.event,
    message:
      result.value.event.visibility === 'internal' ? 'Internal note added.' : 'Update posted.',
    composer: true,
  })
})

incidentsRoutes.post('/incidents/:id/resolve', writers, async (c) => {
  const { deps } = c.var
  const id = c.req.param('id')
  const before = await loadView(c, id)
  const form = await readForm(c)
  const input = { body: str(form.body).trim() || undefined, notify: str(form.notify) === 'on' }
  const result = await attempt(ResolveIncidentInput, input, {}, (data) =>
    resolveIncident(deps, actorOf(c), id, data),
  )
  if (!result.ok) {
    const state = { values: valuesOf(form, ['notify']), errors: result.errors }
    return c.html(<IncidentPage {...pageProps(c, before, { resolve: state })} />, 422)
  }
  if (isHtmx(c)) {
    c.header('HX-Redirect', incidentPath(id))
    return c.body(null, 204)
  }
  return c.redirect(incidentPath(id), 303)
})

// --- broadcast: who will hear, how far it got ---

// The composer's "N subscribers will be notified", refreshed when its selection changes.
incidentsRoutes.get('/incidents/:id/recipients', writers, async (c) => {
  const incident = await c.var.deps.store.getIncident(c.req.param('id'))
  if (!incident) throw notFound('Incident', c.req.param('id'))
  const form: Form = c.req.query()
  const block =
    str(form.visibility) === 'internal' ? 'internal' : str(form.notify) === 'on' ? null : 'off'
  return c.html(
    <NotifyCount
      incidentId={incident.id}
      count={await recipientsFor(c, incident, form)}
      block={block}
    />,
  )
})

// Polled by the timeline while the event's broadcast is being delivered.
incidentsRoutes.get('/incidents/:id/events/:eventId/delivery', requireUser(), async (c) => {
  const incidentId = c.req.param('id')
  const event = await loadEvent(c, incidentId, c.req.param('eventId'))
  // A navigation (no htmx) sees the bar in its place on the incident page.
  if (!isHtmx(c)) return c.redirect(`${incidentPath(incidentId)}#${eventDomId(event.id)}`, 303)
  const progress = await getEventDeliveryProgress(c.var.deps, event.id)
  c.header('Cache-Control', 'no-store')
  c.header('Vary', 'HX-Request', { append: true })
  return c.html(
    <DeliveryProgressView incidentId={incidentId} eventId={event.id} progress={progress} />,
  )
})

// --- one event: show, edit, delete ---

incidentsRoutes.get('/incidents/:id/events/:eventId', requireUser(), async (c) => {
  const view = await loadView(c, c.req.param('id'))
  const event = await loadEvent(c, view.incident.id, c.req.param('eventId'))
  return respond(c, {
    page: () => <IncidentPage {...pageProps(c, view)} />,
    fragment: () => <TimelineEventItem ctx={tctx(c, view)} event={event} />,
  })
})

incidentsRoutes.get('/incidents/:id/events/:eventId/edit', writers, async (c) => {
  const view = await loadView(c, c.req.param('id'))
  const event = await loadEvent(c, view.incident.id, c.req.param('eventId'))
  return respond(c, {
    page: () => (
      <IncidentPage {...pageProps(c, view, {}, { eventId: event.id, form: emptyForm() })} />
    ),
    fragment: () => <EventEditForm ctx={tctx(c, view)} event={event} form={emptyForm()} />,
  })
})

incidentsRoutes.post('/incidents/:id/events/:eventId', writers, async (c) => {
  const { deps } = c.var
  const before = await loadView(c, c.req.param('id'))
  const event = await loadEvent(c, before.incident.id, c.req.param('eventId'))
  const form = await readForm(c)
  const errors: FieldErrors = {}
  const input: Record<string, unknown> = {
    body: str(form.body),
    status: str(form.status) || null,
    visibility: str(form.visibility) || undefined,
    kind: str(form.kind) || null,
  }
  // The form shows minutes; an unchanged time keeps the event's exact `at`.
  const at = str(form.at)
  const moved = at !== '' && at !== msToLocalDateTime(event.at, before.tz)
  if (moved) input.at = readTime(at, before.tz, 'at', errors)
  const result = await attempt(EditIncidentUpdateInput, input, errors, (data) =>
    editIncidentUpdate(deps, actorOf(c), event.id, data),
  )
  if (!result.ok) {
    const state = { values: valuesOf(form), errors: result.errors }
    if (isHtmx(c))
      return c.html(<EventEditForm ctx={tctx(c, before)} event={event} form={state} />, 422)
    return c.html(
      <IncidentPage {...pageProps(c, before, {}, { eventId: event.id, form: state })} />,
      422,
    )
  }
  if (!isHtmx(c)) return c.redirect(incidentPath(before.incident.id), 303)
  const view = await loadView(c, before.incident.id)
  return timelineAnswer(c, view, {
    event: result.value.event,
    inPlace: !moved,
    message: 'Update edited.',
  })
})

incidentsRoutes.post('/incidents/:id/events/:eventId/delete', writers, async (c) => {
  const { deps } = c.var
  const incidentId = c.req.param('id')
  const event = await loadEvent(c, incidentId, c.req.param('eventId'))
  await deleteIncidentUpdate(deps, actorOf(c), event.id)
  if (!isHtmx(c)) return c.redirect(incidentPath(incidentId), 303)
  const view = await loadView(c, incidentId)
  if (view.events.length > 1) {
    // The swap target is the deleted event: an empty main answer removes it.
    return c.html(
      <>
        {headerOf(c, view, emptyForm(), true)}
        <IncidentComponents components={view.affected} oob />
        {flashOob('Update deleted.')}
      </>,
    )
  }
  return timelineAnswer(c, view, { message: 'Update deleted.' })
})
