import { Hono, type Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { HTTPException } from 'hono/http-exception'
import {
  createComponentGroup,
  deleteComponentGroup,
  updateComponentGroup,
} from '../../app/component-groups.ts'
import { createComponent, deleteComponent, updateComponent } from '../../app/components.ts'
import { deleteIncidentUpdate } from '../../app/delete-incident-update.ts'
import { deleteIncident } from '../../app/delete-incident.ts'
import { editIncidentUpdate } from '../../app/edit-incident-update.ts'
import { getIncident } from '../../app/get-incident.ts'
import { openIncident } from '../../app/open-incident.ts'
import { postIncidentUpdate } from '../../app/post-incident-update.ts'
import { resolveIncident } from '../../app/resolve-incident.ts'
import { updateIncident } from '../../app/update-incident.ts'
import { listSubscribers } from '../../app/list-subscribers.ts'
import { addSubscriber, removeSubscriber } from '../../app/subscriptions.ts'
import { canWrite } from '../../app/actor.ts'
import { sortTimelineNewestFirst } from '../../domain/incident-status.ts'
import { notFound } from '../../domain/errors.ts'
import type { Component, TimelineEvent } from '../../domain/types.ts'
import { inApiTerms, parseApi, readApiJson } from '../api/request.ts'
import {
  ApiCreateComponent,
  ApiCreateGroup,
  ApiCreateIncident,
  ApiIncidentListQuery,
  ApiPatchComponent,
  ApiPatchGroup,
  ApiPatchIncident,
  ApiPatchUpdate,
  ApiPostUpdate,
  ApiResolveIncident,
} from '../api/schemas.ts'
import { apiComponent, apiEvent, apiGroup, apiIncident } from '../api/serialize.ts'
import {
  ApiCreateSubscriber,
  ApiDeliveryListQuery,
  ApiSubscriberListQuery,
  apiCreatedSubscriber,
  apiDelivery,
  apiSubscriber,
  inSubscriberTerms,
} from '../api/subscribers.ts'
import type { AppEnv } from '../env.ts'
import { apiV1MaintenanceRoutes } from './api-v1-maintenance.ts'
import { apiV1PostmortemRoutes } from './api-v1-postmortems.ts'
import { cachedPage } from '../cached-page.ts'
import { apiActorOf, bearerAuth, requireWriteForMutations } from '../middleware/bearer.ts'

// The admin API: JSON over bearer tokens, calling the same use cases as the console. Handlers
// parse, call one use case, serialize; errors are thrown and mapped in http/errors.tsx.

export const MAX_API_BODY_BYTES = 1024 * 1024

type C = Context<AppEnv>

export const apiV1Routes = new Hono<AppEnv>()

apiV1Routes.use(async (c, next) => {
  // Set before the handler so error responses carry it too; nothing here may be cached.
  c.header('Cache-Control', 'no-store')
  await next()
})
apiV1Routes.use(bearerAuth, requireWriteForMutations)
apiV1Routes.use(
  bodyLimit({
    maxSize: MAX_API_BODY_BYTES,
    onError: () => {
      throw new HTTPException(413, { message: 'The request body is larger than 1 MiB' })
    },
  }),
)

// --- components -------------------------------------------------------------------------------

async function groupNameOf(c: C, component: Component): Promise<string | null> {
  if (!component.groupId) return null
  return (await c.var.deps.store.getGroup(component.groupId))?.name ?? null
}

// Monitoring scripts poll this list; it is rendered once per write (like the public page, through
// the same cache that every write clears) and served precompressed. Auth still runs per request.
apiV1Routes.get('/components', (c) =>
  cachedPage(
    c,
    'api:v1:components',
    async () => {
      const { store } = c.var.deps
      const [components, groups] = await Promise.all([store.listComponents(), store.listGroups()])
      const names = new Map(groups.map((g) => [g.id, g.name]))
      return JSON.stringify({
        components: components.map((x) =>
          apiComponent(x, x.groupId ? (names.get(x.groupId) ?? null) : null),
        ),
      })
    },
    { contentType: 'application/json', cacheControl: 'no-store' },
  ),
)

apiV1Routes.post('/components', async (c) => {
  const body = parseApi(ApiCreateComponent, await readApiJson(c))
  const component = await inApiTerms(() =>
    createComponent(c.var.deps, apiActorOf(c), {
      name: body.name,
      ...(body.description != null ? { description: body.description } : {}),
      ...(body.group ? { group: body.group } : {}),
      ...(body.group_id ? { groupId: body.group_id } : {}),
      ...(body.status ? { status: body.status } : {}),
      ...(body.visible !== undefined ? { visible: body.visible } : {}),
    }),
  )
  return c.json(apiComponent(component, await groupNameOf(c, component)), 201)
})

apiV1Routes.get('/components/:id', async (c) => {
  const id = c.req.param('id')
  const component = await c.var.deps.store.getComponent(id)
  if (!component) throw notFound('Component', id)
  return c.json(apiComponent(component, await groupNameOf(c, component)))
})

apiV1Routes.patch('/components/:id', async (c) => {
  const body = parseApi(ApiPatchComponent, await readApiJson(c))
  const component = await inApiTerms(() =>
    updateComponent(c.var.deps, apiActorOf(c), c.req.param('id'), {
      ...(body.name !== undefined ? { name: body.name } : {}),
      // Description turns '' into null; null clears it.
      ...(body.description !== undefined ? { description: body.description ?? '' } : {}),
      ...(body.group_id !== undefined ? { groupId: body.group_id } : {}),
      ...(body.status !== undefined ? { status: body.status } : {}),
      ...(body.visible !== undefined ? { visible: body.visible } : {}),
    }),
  )
  return c.json(apiComponent(component, await groupNameOf(c, component)))
})

apiV1Routes.delete('/components/:id', async (c) => {
  await deleteComponent(c.var.deps, apiActorOf(c), c.req.param('id'))
  return c.body(null, 204)
})

// --- groups -----------------------------------------------------------------------------------

apiV1Routes.get('/groups', async (c) => {
  return c.json({ groups: (await c.var.deps.store.listGroups()).map(apiGroup) })
})

apiV1Routes.post('/groups', async (c) => {
  const body = parseApi(ApiCreateGroup, await readApiJson(c))
  const group = await inApiTerms(() =>
    createComponentGroup(c.var.deps, apiActorOf(c), {
      name: body.name,
      ...(body.description != null ? { description: body.description } : {}),
      ...(body.collapsed !== undefined ? { collapsed: body.collapsed } : {}),
    }),
  )
  return c.json(apiGroup(group), 201)
})

apiV1Routes.get('/groups/:id', async (c) => {
  const id = c.req.param('id')
  const group = await c.var.deps.store.getGroup(id)
  if (!group) throw notFound('Group', id)
  return c.json(apiGroup(group))
})

apiV1Routes.patch('/groups/:id', async (c) => {
  const body = parseApi(ApiPatchGroup, await readApiJson(c))
  const group = await inApiTerms(() =>
    updateComponentGroup(c.var.deps, apiActorOf(c), c.req.param('id'), {
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.description !== undefined ? { description: body.description ?? '' } : {}),
      ...(body.collapsed !== undefined ? { collapsed: body.collapsed } : {}),
    }),
  )
  return c.json(apiGroup(group))
})

apiV1Routes.delete('/groups/:id', async (c) => {
  await deleteComponentGroup(c.var.deps, apiActorOf(c), c.req.param('id'))
  return c.body(null, 204)
})

// --- incidents --------------------------------------------------------------------------------

async function incidentJson(c: C, id: string) {
  const [detail, postmortem] = await Promise.all([
    getIncident(c.var.deps, id),
    c.var.deps.store.getPostmortem(id),
  ])
  return apiIncident(detail.incident, detail.events, postmortem)
}

apiV1Routes.get('/incidents', async (c) => {
  const { store } = c.var.deps
  const q = parseApi(ApiIncidentListQuery, c.req.query())
  const [incidents, total] = await Promise.all([
    store.listIncidents({ state: q.state, limit: q.limit, offset: q.offset }),
    store.countIncidents({ state: q.state }),
  ])
  const ids = incidents.map((i) => i.id)
  const [events, postmortems] = await Promise.all([
    store.listEventsFor(ids),
    ids.length ? store.listPostmortems({ incidentIds: ids }) : [],
  ])
  const postmortemOf = new Map(postmortems.map((p) => [p.incidentId, p]))
  const byIncident = new Map<string, TimelineEvent[]>()
  for (const e of events) {
    const list = byIncident.get(e.incidentId)
    if (list) list.push(e)
    else byIncident.set(e.incidentId, [e])
  }
  return c.json({
    incidents: incidents.map((i) =>
      apiIncident(
        i,
        sortTimelineNewestFirst(byIncident.get(i.id) ?? []),
        postmortemOf.get(i.id) ?? null,
      ),
    ),
    total,
    limit: q.limit,
    offset: q.offset,
  })
})

apiV1Routes.post('/incidents', async (c) => {
  const body = parseApi(ApiCreateIncident, await readApiJson(c))
  const { incident } = await inApiTerms(() =>
    openIncident(c.var.deps, apiActorOf(c), {
      name: body.name,
      impact: body.impact,
      body: body.body,
      ...(body.status ? { status: body.status } : {}),
      ...(body.components ? { components: body.components } : {}),
      ...(body.started_at !== undefined ? { startedAt: body.started_at } : {}),
      ...(body.kind ? { kind: body.kind } : {}),
      ...(body.notify !== undefined ? { notify: body.notify } : {}),
    }),
  )
  return c.json(await incidentJson(c, incident.id), 201)
})

apiV1Routes.get('/incidents/:id', async (c) => c.json(await incidentJson(c, c.req.param('id'))))

apiV1Routes.patch('/incidents/:id', async (c) => {
  const body = parseApi(ApiPatchIncident, await readApiJson(c))
  const incident = await inApiTerms(() =>
    updateIncident(c.var.deps, apiActorOf(c), c.req.param('id'), {
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.impact !== undefined ? { impact: body.impact } : {}),
      ...(body.started_at !== undefined ? { startedAt: body.started_at } : {}),
    }),
  )
  return c.json(await incidentJson(c, incident.id))
})

apiV1Routes.delete('/incidents/:id', async (c) => {
  await deleteIncident(c.var.deps, apiActorOf(c), c.req.param('id'))
  return c.body(null, 204)
})

apiV1Routes.post('/incidents/:id/updates', async (c) => {
  const body = parseApi(ApiPostUpdate, await readApiJson(c))
  const { incident, event } = await inApiTerms(() =>
    postIncidentUpdate(c.var.deps, apiActorOf(c), c.req.param('id'), {
      body: body.body,
      ...(body.status ? { status: body.status } : {}),
      ...(body.visibility ? { visibility: body.visibility } : {}),
      ...(body.at !== undefined ? { at: body.at } : {}),
      ...(body.components ? { components: body.components } : {}),
      ...(body.kind ? { kind: body.kind } : {}),
      ...(body.notify !== undefined ? { notify: body.notify } : {}),
    }),
  )
  return c.json({ incident: await incidentJson(c, incident.id), update: apiEvent(event) }, 201)
})

/** The event, if it belongs to the incident in the path (ids are not guessed across incidents). */
async function eventOf(c: C): Promise<TimelineEvent> {
  const updateId = c.req.param('updateId') ?? ''
  const event = await c.var.deps.store.getEvent(updateId)
  if (!event || event.incidentId !== c.req.param('id')) throw notFound('Update', updateId)
  return event
}

apiV1Routes.patch('/incidents/:id/updates/:updateId', async (c) => {
  const body = parseApi(ApiPatchUpdate, await readApiJson(c))
  const before = await eventOf(c)
  const { incident, event } = await inApiTerms(() =>
    editIncidentUpdate(c.var.deps, apiActorOf(c), before.id, {
      ...(body.body !== undefined ? { body: body.body } : {}),
      ...(body.at !== undefined ? { at: body.at } : {}),
      ...(body.status !== undefined ? { status: body.status } : {}),
      ...(body.visibility !== undefined ? { visibility: body.visibility } : {}),
      ...(body.kind !== undefined ? { kind: body.kind } : {}),
    }),
  )
  return c.json({ incident: await incidentJson(c, incident.id), update: apiEvent(event) })
})

apiV1Routes.delete('/incidents/:id/updates/:updateId', async (c) => {
  const event = await eventOf(c)
  await deleteIncidentUpdate(c.var.deps, apiActorOf(c), event.id)
  return c.body(null, 204)
})

apiV1Routes.post('/incidents/:id/resolve', async (c) => {
  const body = parseApi(ApiResolveIncident, await readApiJson(c, { optional: true }))
  const { incident, event } = await inApiTerms(() =>
    resolveIncident(c.var.deps, apiActorOf(c), c.req.param('id'), {
      ...(body.body !== undefined ? { body: body.body } : {}),
      ...(body.at !== undefined ? { at: body.at } : {}),
      ...(body.components ? { components: body.components } : {}),
      ...(body.notify !== undefined ? { notify: body.notify } : {}),
    }),
  )
  return c.json({ incident: await incidentJson(c, incident.id), update: apiEvent(event) })
})

// --- subscribers ------------------------------------------------------------------------------

apiV1Routes.get('/subscribers', async (c) => {
  const q = parseApi(ApiSubscriberListQuery, c.req.query())
  const reveal = canWrite(apiActorOf(c))
  const result = await listSubscribers(
    c.var.deps,
    {
      ...(q.search !== undefined ? { search: q.search } : {}),
      ...(q.channel ? { channel: q.channel } : {}),
      ...(q.state ? { state: q.state } : {}),
      ...(q.component ? { componentId: q.component } : {}),
      limit: q.limit,
      offset: q.offset,
    },
    { countStates: false, reveal },
  )
  return c.json({
    subscribers: result.subscribers.map((s) => apiSubscriber(s, reveal)),
    total: result.total,
    limit: result.limit,
    offset: result.offset,
  })
})

apiV1Routes.post('/subscribers', async (c) => {
  const body = parseApi(ApiCreateSubscriber, await readApiJson(c))
  const sub = await inSubscriberTerms(() =>
    addSubscriber(c.var.deps, apiActorOf(c), {
      channel: body.channel,
      target: body.target,
      ...(body.components ? { componentIds: body.components } : {}),
      ...(body.confirmed !== undefined ? { confirmed: body.confirmed } : {}),
    }),
  )
  c.header('Location', `/api/v1/subscribers/${sub.id}`)
  return c.json(apiCreatedSubscriber(sub), 201)
})

async function subscriberOf(c: C) {
  const id = c.req.param('id') ?? ''
  const sub = await c.var.deps.store.getSubscriber(id)
  if (!sub) throw notFound('Subscriber', id)
  return sub
}

apiV1Routes.get('/subscribers/:id', async (c) =>
  c.json(apiSubscriber(await subscriberOf(c), canWrite(apiActorOf(c)))),
)

apiV1Routes.delete('/subscribers/:id', async (c) => {
  await removeSubscriber(c.var.deps, apiActorOf(c), c.req.param('id'))
  return c.body(null, 204)
})

apiV1Routes.get('/subscribers/:id/deliveries', async (c) => {
  const sub = await subscriberOf(c)
  const q = parseApi(ApiDeliveryListQuery, c.req.query())
  const deliveries = await c.var.deps.store.listDeliveries({
    subscriberId: sub.id,
    ...(q.state ? { state: q.state } : {}),
    limit: q.limit,
  })
  return c.json({ deliveries: deliveries.map(apiDelivery), limit: q.limit })
})

// Scheduled maintenance (its own file; the same token, write and body-limit rules apply).
apiV1Routes.route('/', apiV1MaintenanceRoutes)

// Postmortems: read, edit, publish, export as Markdown, import.
apiV1Routes.route('/', apiV1PostmortemRoutes)
