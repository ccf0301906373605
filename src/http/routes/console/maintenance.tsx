import { Hono } from 'hono'
import type { z } from 'zod'
import { getSettings } from '../../../app/get-settings.ts'
import {
  cancelMaintenance,
  deleteMaintenance,
  postMaintenanceUpdate,
  PostMaintenanceUpdateInput,
  RescheduleMaintenanceInput,
  scheduleMaintenance,
  ScheduleMaintenanceInput,
  updateMaintenance,
} from '../../../app/maintenance.ts'
import { sortTimelineNewestFirst } from '../../../domain/incident-status.ts'
import { notFound } from '../../../domain/errors.ts'
import { msToLocalDateTime, parseLocalDateTime } from '../../../domain/local-time.ts'
import { HOUR_MS } from '../../../domain/time.ts'
import type { ConsoleContext } from '../../../../views/layouts/console.tsx'
import {
  MaintenancePage,
  type MaintenancePageProps,
} from '../../../../views/pages/console/maintenance.tsx'
import { MaintenanceListPage } from '../../../../views/pages/console/maintenance-list.tsx'
import { NewMaintenancePage } from '../../../../views/pages/console/maintenance-new.tsx'
import {
  emptyForm,
  type FieldErrors,
  type FormState,
  type FormValues,
} from '../../../../views/partials/console/common.tsx'
import type { AppEnv } from '../../env.ts'
import { parseFields, readForm } from '../../forms.ts'
import { requireUser } from '../../middleware/session.ts'
import { actorOf, str, userOf, validationErrors, valuesOf, type C, type Form } from './support.ts'

// Scheduled maintenance in the console (issue 5): the list, the schedule form, and one
// maintenance's view with its timeline, composer, reschedule, cancel and delete. Plain forms with
// POST-redirect-GET, so everything works without JavaScript; a form that fails re-renders with
// 422 and the message next to the field. Times are datetime-local values in the page's zone.

export const maintenanceRoutes = new Hono<AppEnv>()
const writers = requireUser('owner', 'responder')

const consoleCtx = (c: C): ConsoleContext => ({ user: userOf(c), csrfToken: c.var.csrfToken })
const canWrite = (c: C) => ['owner', 'responder'].includes(userOf(c).role)
const timeZone = async (c: C) => (await getSettings(c.var.deps)).timeZone
const viewPath = (id: string) => `/console/maintenance/${id}`

const CHECKBOXES = ['autoStart', 'autoComplete', 'notify']
const list = (v: string | string[] | undefined): string[] =>
  v === undefined ? [] : (Array.isArray(v) ? v : [v]).filter((x) => x !== '')
const ticked = (form: Form, name: string) => str(form[name]) === 'on'

/** The submitted fields for re-rendering; ticked components as a comma list. */
const formValues = (form: Form): FormValues => ({
  ...valuesOf(form, CHECKBOXES),
  componentIds: list(form.componentIds).join(','),
})

/** A required datetime-local field in the page's zone; blank or garbage is a field error. */
function readTime(
  value: string,
  tz: string,
  field: string,
  errors: FieldErrors,
): number | undefined {
  if (value.trim() === '') {
    errors[field] = 'is required'
    return undefined
  }
  const ms = parseLocalDateTime(value, tz)
  if (ms === null) errors[field] = 'must be a date and time'
  return ms ?? undefined
}

type Outcome<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors }

/**
 * Validates with the use case's own schema (its field names are the form's), then runs it; a
 * VALIDATION error it raises comes back as field errors, anything else goes to the error mapper.
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

// --- list ---

maintenanceRoutes.get('/maintenance', requireUser(), async (c) => {
  const { store } = c.var.deps
  const [active, upcoming, past, components, tz] = await Promise.all([
    store.listMaintenances({ state: 'active' }),
    store.listMaintenances({ state: 'upcoming' }),
    store.listMaintenances({ state: 'past', limit: 50 }),
    store.listComponents(),
    timeZone(c),
  ])
  return c.html(
    <MaintenanceListPage
      ctx={consoleCtx(c)}
      active={active}
      upcoming={upcoming}
      past={past}
      components={new Map(components.map((x) => [x.id, x]))}
      tz={tz}
      canWrite={canWrite(c)}
    />,
  )
})

// --- schedule ---

async function newPage(c: C, form: FormState, status: 200 | 422 = 200) {
  const [components, tz] = await Promise.all([c.var.deps.store.listComponents(), timeZone(c)])
  // Offered: the next full hour tomorrow, for an hour.
  const start = Math.ceil((c.var.deps.clock.now() + 24 * HOUR_MS) / HOUR_MS) * HOUR_MS
  const values = {
    scheduledFor: msToLocalDateTime(start, tz),
    scheduledUntil: msToLocalDateTime(start + HOUR_MS, tz),
    ...form.values,
  }
  return c.html(
    <NewMaintenancePage
      ctx={consoleCtx(c)}
      components={components}
      tz={tz}
      form={{ ...form, values }}
    />,
    status,
  )
}

maintenanceRoutes.get('/maintenance/new', writers, (c) => newPage(c, emptyForm()))

maintenanceRoutes.post('/maintenance', writers, async (c) => {
  const { deps } = c.var
  const form = await readForm(c)
  const tz = await timeZone(c)
  const errors: FieldErrors = {}
  const input = {
    name: str(form.name),
    body: str(form.body),
    scheduledFor: readTime(str(form.scheduledFor), tz, 'scheduledFor', errors),
    scheduledUntil: readTime(str(form.scheduledUntil), tz, 'scheduledUntil', errors),
    componentIds: list(form.componentIds),
    autoStart: ticked(form, 'autoStart'),
    autoComplete: ticked(form, 'autoComplete'),
    notify: ticked(form, 'notify'),
  }
  const result = await attempt(ScheduleMaintenanceInput, input, errors, (data) =>
    scheduleMaintenance(deps, actorOf(c), data),
  )
  if (!result.ok) return newPage(c, { values: formValues(form), errors: result.errors }, 422)
  return c.redirect(viewPath(result.value.id), 303)
})

// --- one maintenance ---

type Forms = MaintenancePageProps['forms']

async function viewPage(c: C, id: string, forms: Partial<Forms> = {}, status: 200 | 422 = 200) {
  const { store } = c.var.deps
  const m = await store.getMaintenance(id)
  if (!m) throw notFound('Maintenance', id)
  const [updates, components, tz] = await Promise.all([
    store.listMaintenanceUpdates([m.id]),
    store.listComponents(),
    timeZone(c),
  ])
  return c.html(
    <MaintenancePage
      ctx={consoleCtx(c)}
      maintenance={m}
      updates={sortTimelineNewestFirst(updates)}
      components={components}
      tz={tz}
      canWrite={canWrite(c)}
      canDelete={userOf(c).role === 'owner'}
      forms={{
        edit: forms.edit ?? emptyForm(),
        composer: forms.composer ?? emptyForm(),
        cancel: forms.cancel ?? emptyForm(),
      }}
    />,
    status,
  )
}

maintenanceRoutes.get('/maintenance/:id', requireUser(), (c) => viewPage(c, c.req.param('id')))

// Edit and reschedule. The form shows minutes: an unchanged time keeps the exact stored instant.
maintenanceRoutes.post('/maintenance/:id', writers, async (c) => {
  const { deps } = c.var
  const id = c.req.param('id')
  const before = await deps.store.getMaintenance(id)
  if (!before) throw notFound('Maintenance', id)
  const form = await readForm(c)
  const tz = await timeZone(c)
  const errors: FieldErrors = {}
  const input: Record<string, unknown> = {
    name: str(form.name),
    autoStart: ticked(form, 'autoStart'),
    autoComplete: ticked(form, 'autoComplete'),
    notify: ticked(form, 'notify'),
  }
  const moved = (field: 'scheduledFor' | 'scheduledUntil') => {
    const value = str(form[field])
    if (form[field] === undefined || value === msToLocalDateTime(before[field], tz)) return
    input[field] = readTime(value, tz, field, errors)
  }
  // Once started, the form offers neither the start nor the components.
  if (before.status === 'scheduled') {
    moved('scheduledFor')
    input.componentIds = list(form.componentIds)
  }
  moved('scheduledUntil')
  const body = str(form.body).trim()
  if (body) input.body = body
  const result = await attempt(RescheduleMaintenanceInput, input, errors, (data) =>
    updateMaintenance(deps, actorOf(c), id, data),
  )
  if (!result.ok)
    return viewPage(c, id, { edit: { values: formValues(form), errors: result.errors } }, 422)
  return c.redirect(viewPath(id), 303)
})

maintenanceRoutes.post('/maintenance/:id/updates', writers, async (c) => {
  const { deps } = c.var
  const id = c.req.param('id')
  const form = await readForm(c)
  const input = {
    body: str(form.body),
    status: str(form.status) || undefined,
    notify: ticked(form, 'notify'),
  }
  const result = await attempt(PostMaintenanceUpdateInput, input, {}, (data) =>
    postMaintenanceUpdate(deps, actorOf(c), id, data),
  )
  if (!result.ok)
    return viewPage(
      c,
      id,
      { composer: { values: valuesOf(form, ['notify']), errors: result.errors } },
      422,
    )
  return c.redirect(viewPath(id), 303)
})

maintenanceRoutes.post('/maintenance/:id/cancel', writers, async (c) => {
  const { deps } = c.var
  const id = c.req.param('id')
  const form = await readForm(c)
  const body = str(form.body).trim()
  const input = { ...(body ? { body } : {}), notify: ticked(form, 'notify') }
  try {
    await cancelMaintenance(deps, actorOf(c), id, input)
  } catch (err) {
    const errors = validationErrors(err)
    return viewPage(c, id, { cancel: { values: valuesOf(form, ['notify']), errors } }, 422)
  }
  return c.redirect(viewPath(id), 303)
})

maintenanceRoutes.post('/maintenance/:id/delete', requireUser('owner'), async (c) => {
  await deleteMaintenance(c.var.deps, actorOf(c), c.req.param('id'))
  return c.redirect('/console/maintenance', 303)
})
