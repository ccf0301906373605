import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { progressFor } from '../../../app/get-delivery-progress.ts'
import { getSettings } from '../../../app/get-settings.ts'
import { listSubscribers } from '../../../app/list-subscribers.ts'
import {
  addSubscriber,
  importSubscribers,
  reactivateSubscriber,
  removeSubscriber,
  replayDeliveries,
  rotateWebhookSecret,
} from '../../../app/subscriptions.ts'
import { DELIVERY_STATES, type DeliveryState } from '../../../domain/enums.ts'
import { invalid, notFound } from '../../../domain/errors.ts'
import type { Subscriber } from '../../../domain/types.ts'
import type { ConsoleContext } from '../../../../views/layouts/console.tsx'
import {
  emptyForm,
  type FieldErrors,
  type FormState,
} from '../../../../views/partials/console/common.tsx'
import { scopeText, subscriberPath } from '../../../../views/pages/console/subscribers-common.tsx'
import { DeliveriesPage } from '../../../../views/pages/console/subscribers-deliveries.tsx'
import { SubscriberPage } from '../../../../views/pages/console/subscribers-detail.tsx'
import { ImportReportPage } from '../../../../views/pages/console/subscribers-import.tsx'
import {
  SubscribersPage,
  type SubscriberFilters,
} from '../../../../views/pages/console/subscribers.tsx'
import type { AppEnv } from '../../env.ts'
import { toAppError } from '../../errors.tsx'
import { readForm } from '../../forms.ts'
import { requireUser } from '../../middleware/session.ts'
import { actorOf, str, userOf, type C, type Form } from './support.ts'

// Subscriber administration in the console: the filtered list with its add and import forms, one
// subscriber with its deliveries, and the deliveries of one broadcast (where the incident
// timeline's progress bars link). Everyone signed in may look; owners and responders change.

export const subscribersRoutes = new Hono<AppEnv>()
const writers = requireUser('owner', 'responder')

const PER_PAGE = 50
const DELIVERIES_SHOWN = 100
// The use case refuses more than 5 MB of CSV; the multipart envelope adds a little.
const IMPORT_MAX_BYTES = 6 * 1024 * 1024

const consoleCtx = (c: C): ConsoleContext => ({ user: userOf(c), csrfToken: c.var.csrfToken })
const canWrite = (c: C) => userOf(c).role !== 'viewer'
const timeZone = async (c: C) => (await getSettings(c.var.deps)).timeZone

/** Fixed messages for ?done=…: nothing from the address is echoed into the page. */
function noticeOf(c: C): string | null {
  const count = Number.parseInt(c.req.query('count') ?? '', 10)
  switch (c.req.query('done')) {
    case 'added':
      return 'Subscriber added.'
    case 'added-pending':
      return 'Subscriber added; a confirmation mail was sent to the address. Nothing is sent to it until it is confirmed.'
    case 'removed':
      return 'Subscriber removed.'
    case 'reactivated':
      return 'Subscriber reactivated.'
    case 'replayed':
      if (!Number.isFinite(count) || count <= 0) return 'No failed deliveries to replay.'
      return count === 1
        ? '1 failed delivery will be sent again.'
        : `${count} failed deliveries will be sent again.`
    default:
      return null
  }
}

/** A use case's VALIDATION (or CONFLICT naming a field) as form errors; anything else propagates. */
function formErrors(err: unknown): FieldErrors {
  const appErr = toAppError(err)
  if (!appErr) throw err
  if (appErr.code !== 'VALIDATION' && !(appErr.code === 'CONFLICT' && appErr.issues.length))
    throw err
  const errors: FieldErrors = {}
  // `componentIds.3` → the componentIds checkboxes.
  for (const issue of appErr.issues) errors[issue.field.split('.')[0] ?? 'form'] ??= issue.message
  if (Object.keys(errors).length === 0) errors.form = appErr.message
  return errors
}

const list = (v: string | string[] | undefined): string[] =>
  (Array.isArray(v) ? v : v ? [v] : []).map((x) => x.trim()).filter(Boolean)

// --- the list --------------------------------------------------------------------------------

async function listPage(
  c: C,
  forms: { add?: FormState; importForm?: FormState } = {},
  status: 200 | 422 = 200,
) {
  const { deps } = c.var
  const filters: SubscriberFilters = {
    q: (c.req.query('q') ?? '').slice(0, 200),
    channel: c.req.query('channel') ?? '',
    state: c.req.query('state') ?? '',
    component: c.req.query('component') ?? '',
  }
  const requested = Number.parseInt(c.req.query('page') ?? '1', 10)
  const page = Number.isFinite(requested) && requested > 0 ? Math.min(requested, 100_000) : 1
  const [result, components, groups, tz] = await Promise.all([
    listSubscribers(
      deps,
      {
        search: filters.q,
        channel: filters.channel,
        state: filters.state,
        componentId: filters.component,
        limit: PER_PAGE,
        offset: (page - 1) * PER_PAGE,
      },
      { reveal: canWrite(c) },
    ),
    deps.store.listComponents(),
    deps.store.listGroups(),
    timeZone(c),
  ])
  return c.html(
    <SubscribersPage
      ctx={consoleCtx(c)}
      list={result}
      filters={filters}
      page={page}
      pageCount={Math.max(1, Math.ceil(result.total / PER_PAGE))}
      components={components.filter((x) => x.visible)}
      groups={groups}
      tz={tz}
      canWrite={canWrite(c)}
      notice={noticeOf(c)}
      add={forms.add ?? emptyForm()}
      importForm={forms.importForm ?? emptyForm()}
    />,
    status,
  )
}

subscribersRoutes.get('/subscribers', requireUser(), (c) => listPage(c))

subscribersRoutes.post('/subscribers', writers, async (c) => {
  const { deps } = c.var
  const form = await readForm(c)
  const componentIds = list(form.componentIds)
  const groupIds = list(form.groupIds)
  const values = {
    channel: str(form.channel),
    target: str(form.target),
    componentIds: componentIds.join(','),
    groupIds: groupIds.join(','),
    confirmed: str(form.confirmed) ? 'on' : 'off',
  }
  let sub: Subscriber
  try {
    sub = await addSubscriber(deps, actorOf(c), {
      // Blank lets the schema name the field; anything else is checked against the channels.
      channel: values.channel as Subscriber['channel'],
      target: values.target,
      componentIds,
      groupIds,
      confirmed: values.confirmed === 'on',
    })
  } catch (err) {
    return listPage(c, { add: { values, errors: formErrors(err) } }, 422)
  }
  if (sub.channel === 'webhook' && sub.secret)
    return subscriberPage(c, sub, {
      newSecret: { secret: sub.secret, rotated: false },
      status: 201,
    })
  const done = sub.state === 'pending' ? 'added-pending' : 'added'
  return c.redirect(`${subscriberPath(sub.id)}?done=${done}`, 303)
})

subscribersRoutes.post(
  '/subscribers/import',
  writers,
  // The CSRF check has read the body already (so hono's bodyLimit cannot wrap the stream); refuse
  // what announces itself as too large, and the use case refuses more than 5 MB of CSV.
  async (c, next) => {
    const length = Number(c.req.header('Content-Length') ?? '0')
    if (length > IMPORT_MAX_BYTES)
      throw new HTTPException(413, { message: 'The file is larger than 5 MB' })
    await next()
  },
  async (c) => {
    let body: Record<string, string | File>
    try {
      body = await c.req.parseBody()
    } catch {
      throw invalid('file', 'the upload could not be read; try again')
    }
    const pasted = typeof body.csv === 'string' ? body.csv : ''
    const file = body.file instanceof File && body.file.size > 0 ? body.file : null
    const csv = file ? await file.text() : pasted
    const values = { csv: file ? '' : pasted.slice(0, 100_000) }
    if (csv.trim() === '')
      return listPage(
        c,
        { importForm: { values, errors: { csv: 'Paste CSV or choose a file' } } },
        422,
      )
    let report
    try {
      report = await importSubscribers(c.var.deps, actorOf(c), csv)
    } catch (err) {
      const errors = formErrors(err)
      return listPage(
        c,
        { importForm: { values, errors: { csv: Object.values(errors)[0] ?? '' } } },
        422,
      )
    }
    return c.html(<ImportReportPage ctx={consoleCtx(c)} report={report} />)
  },
)

// --- one subscriber --------------------------------------------------------------------------

async function loadSubscriber(c: C): Promise<Subscriber> {
  const id = c.req.param('id') ?? ''
  const sub = await c.var.deps.store.getSubscriber(id)
  if (!sub) throw notFound('Subscriber', id)
  return sub
}

async function subscriberPage(
  c: C,
  sub: Subscriber,
  opts: { newSecret?: { secret: string; rotated: boolean }; status?: 200 | 201 } = {},
) {
  const { deps } = c.var
  const [deliveries, components, groups, tz] = await Promise.all([
    deps.store.listDeliveries({ subscriberId: sub.id, limit: DELIVERIES_SHOWN + 1 }),
    deps.store.listComponents(),
    deps.store.listGroups(),
    timeZone(c),
  ])
  // The page may carry a secret: it must never be stored by a cache.
  c.header('Cache-Control', 'no-store')
  return c.html(
    <SubscriberPage
      ctx={consoleCtx(c)}
      subscriber={sub}
      scope={scopeText(
        sub,
        new Map(components.map((x) => [x.id, x.name])),
        new Map(groups.map((g) => [g.id, g.name])),
      )}
      deliveries={deliveries.slice(0, DELIVERIES_SHOWN).map((delivery) => ({ delivery }))}
      truncated={deliveries.length > DELIVERIES_SHOWN}
      tz={tz}
      canWrite={canWrite(c)}
      notice={noticeOf(c)}
      newSecret={opts.newSecret ?? null}
    />,
    opts.status ?? 200,
  )
}

subscribersRoutes.get('/subscribers/:id', requireUser(), async (c) =>
  subscriberPage(c, await loadSubscriber(c)),
)

/** After an action: back to the list when it came from there, else to the subscriber. */
async function backTo(c: C, id: string, done: string, extra = '') {
  const form = await readForm(c)
  const query = `done=${done}${extra}`
  if (str(form.back) === 'list') return c.redirect(`/console/subscribers?${query}`, 303)
  return c.redirect(`${subscriberPath(id)}?${query}`, 303)
}

subscribersRoutes.post('/subscribers/:id/remove', writers, async (c) => {
  await removeSubscriber(c.var.deps, actorOf(c), c.req.param('id'))
  return c.redirect('/console/subscribers?done=removed', 303)
})

subscribersRoutes.post('/subscribers/:id/rotate-secret', writers, async (c) => {
  const sub = await rotateWebhookSecret(c.var.deps, actorOf(c), c.req.param('id'))
  return subscriberPage(c, sub, { newSecret: { secret: sub.secret ?? '', rotated: true } })
})

subscribersRoutes.post('/subscribers/:id/reactivate', writers, async (c) => {
  const sub = await reactivateSubscriber(c.var.deps, actorOf(c), c.req.param('id'))
  return backTo(c, sub.id, 'reactivated')
})

subscribersRoutes.post('/subscribers/:id/replay', writers, async (c) => {
  const sub = await loadSubscriber(c)
  const count = await replayDeliveries(c.var.deps, actorOf(c), { subscriberId: sub.id })
  return backTo(c, sub.id, 'replayed', `&count=${count}`)
})

// --- deliveries of a broadcast (or a subscriber) ---------------------------------------------

const isDeliveryState = (v: string): v is DeliveryState =>
  (DELIVERY_STATES as readonly string[]).includes(v)

subscribersRoutes.get('/deliveries', requireUser(), async (c) => {
  const { store } = c.var.deps
  const filters = {
    broadcast: c.req.query('broadcast') ?? '',
    subscriber: c.req.query('subscriber') ?? '',
    state: c.req.query('state') ?? '',
  }
  if (filters.state && !isDeliveryState(filters.state))
    throw invalid('state', `must be one of ${DELIVERY_STATES.join(', ')}`)
  const [broadcast, subscriber] = await Promise.all([
    filters.broadcast ? store.getBroadcast(filters.broadcast) : null,
    filters.subscriber ? store.getSubscriber(filters.subscriber) : null,
  ])
  if (filters.broadcast && !broadcast) throw notFound('Broadcast', filters.broadcast)
  if (filters.subscriber && !subscriber) throw notFound('Subscriber', filters.subscriber)
  const [deliveries, counts, tz] = await Promise.all([
    store.listDeliveries({
      ...(broadcast ? { broadcastId: broadcast.id } : {}),
      ...(subscriber ? { subscriberId: subscriber.id } : {}),
      ...(filters.state && isDeliveryState(filters.state) ? { state: filters.state } : {}),
      limit: DELIVERIES_SHOWN,
    }),
    broadcast ? store.deliveryCounts([broadcast.id]) : null,
    timeZone(c),
  ])
  const subs = new Map(
    (await store.getAddressees(deliveries.map((d) => d.subscriberId))).map((s) => [s.id, s]),
  )
  const brCounts = broadcast ? counts?.get(broadcast.id) : undefined
  const progress = broadcast && brCounts ? await progressFor({ store }, broadcast, brCounts) : null
  return c.html(
    <DeliveriesPage
      ctx={consoleCtx(c)}
      filters={filters}
      broadcast={broadcast}
      progress={progress}
      subscriber={subscriber}
      rows={deliveries.map((delivery) => ({
        delivery,
        subscriber: subs.get(delivery.subscriberId) ?? null,
      }))}
      limit={DELIVERIES_SHOWN}
      tz={tz}
      canWrite={canWrite(c)}
      notice={noticeOf(c)}
    />,
  )
})

subscribersRoutes.post('/deliveries/replay', writers, async (c) => {
  const form: Form = await readForm(c)
  const id = str(form.broadcast)
  const broadcast = id ? await c.var.deps.store.getBroadcast(id) : null
  if (!broadcast) throw notFound('Broadcast', id)
  const count = await replayDeliveries(c.var.deps, actorOf(c), { broadcastId: broadcast.id })
  const query = new URLSearchParams({
    broadcast: broadcast.id,
    done: 'replayed',
    count: String(count),
  })
  return c.redirect(`/console/deliveries?${query}`, 303)
})
