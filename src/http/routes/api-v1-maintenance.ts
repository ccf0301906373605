import { Hono, type Context } from 'hono'
import {
  cancelMaintenance,
  deleteMaintenance,
  postMaintenanceUpdate,
  scheduleMaintenance,
  updateMaintenance,
} from '../../app/maintenance.ts'
import { sortTimelineNewestFirst } from '../../domain/incident-status.ts'
import { notFound } from '../../domain/errors.ts'
import type { Maintenance, MaintenanceUpdate } from '../../domain/types.ts'
import {
  ApiCancelMaintenance,
  ApiMaintenanceListQuery,
  ApiPatchMaintenance,
  ApiPostMaintenanceUpdate,
  ApiScheduleMaintenance,
  apiMaintenance,
  apiMaintenanceUpdate,
  inMaintenanceTerms,
} from '../api/maintenance.ts'
import { parseApi, readApiJson } from '../api/request.ts'
import type { AppEnv } from '../env.ts'
import { apiActorOf } from '../middleware/bearer.ts'

// /api/v1/maintenance: scheduled maintenance through the admin API, the same use cases as the
// console. A sub-app without middleware of its own: mounted inside apiV1Routes, it inherits the
// bearer auth, the write-scope check, the body limit and Cache-Control: no-store from there.

type C = Context<AppEnv>

export const apiV1MaintenanceRoutes = new Hono<AppEnv>()

const path = (id: string) => `/api/v1/maintenance/${encodeURIComponent(id)}`

async function maintenanceOf(c: C): Promise<Maintenance> {
  const id = c.req.param('id') ?? ''
  const m = await c.var.deps.store.getMaintenance(id)
  if (!m) throw notFound('Maintenance', id)
  return m
}

async function withUpdates(c: C, list: Maintenance[]) {
  const updates = list.length
    ? await c.var.deps.store.listMaintenanceUpdates(list.map((m) => m.id))
    : []
  const byId = new Map<string, MaintenanceUpdate[]>()
  for (const u of updates) {
    const bucket = byId.get(u.maintenanceId)
    if (bucket) bucket.push(u)
    else byId.set(u.maintenanceId, [u])
  }
  return list.map((m) => apiMaintenance(m, sortTimelineNewestFirst(byId.get(m.id) ?? [])))
}

async function maintenanceJson(c: C, id: string) {
  const m = await c.var.deps.store.getMaintenance(id)
  if (!m) throw notFound('Maintenance', id)
  const [json] = await withUpdates(c, [m])
  return json!
}

apiV1MaintenanceRoutes.get('/maintenance', async (c) => {
  const q = parseApi(ApiMaintenanceListQuery, c.req.query())
  const list = await c.var.deps.store.listMaintenances({ state: q.state, limit: q.limit })
  return c.json({ maintenance: await withUpdates(c, list), state: q.state, limit: q.limit })
})

apiV1MaintenanceRoutes.post('/maintenance', async (c) => {
  const body = parseApi(ApiScheduleMaintenance, await readApiJson(c))
  const m = await inMaintenanceTerms(() =>
    scheduleMaintenance(c.var.deps, apiActorOf(c), {
      name: body.name,
      body: body.body,
      scheduledFor: body.scheduled_for,
      scheduledUntil: body.scheduled_until,
      ...(body.components ? { componentIds: body.components } : {}),
      ...(body.auto_start !== undefined ? { autoStart: body.auto_start } : {}),
      ...(body.auto_complete !== undefined ? { autoComplete: body.auto_complete } : {}),
      ...(body.notify !== undefined ? { notify: body.notify } : {}),
    }),
  )
  c.header('Location', path(m.id))
  return c.json(await maintenanceJson(c, m.id), 201)
})

apiV1MaintenanceRoutes.get('/maintenance/:id', async (c) => {
  const [json] = await withUpdates(c, [await maintenanceOf(c)])
  return c.json(json!)
})

apiV1MaintenanceRoutes.patch('/maintenance/:id', async (c) => {
  const body = parseApi(ApiPatchMaintenance, await readApiJson(c))
  const m = await inMaintenanceTerms(() =>
    updateMaintenance(c.var.deps, apiActorOf(c), c.req.param('id'), {
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.scheduled_for !== undefined ? { scheduledFor: body.scheduled_for } : {}),
      ...(body.scheduled_until !== undefined ? { scheduledUntil: body.scheduled_until } : {}),
      ...(body.components !== undefined ? { componentIds: body.components } : {}),
      ...(body.auto_start !== undefined ? { autoStart: body.auto_start } : {}),
      ...(body.auto_complete !== undefined ? { autoComplete: body.auto_complete } : {}),
      ...(body.notify !== undefined ? { notify: body.notify } : {}),
      ...(body.body !== undefined ? { body: body.body } : {}),
    }),
  )
  return c.json(await maintenanceJson(c, m.id))
})

apiV1MaintenanceRoutes.delete('/maintenance/:id', async (c) => {
  await deleteMaintenance(c.var.deps, apiActorOf(c), c.req.param('id'))
  return c.body(null, 204)
})

apiV1MaintenanceRoutes.post('/maintenance/:id/updates', async (c) => {
  const body = parseApi(ApiPostMaintenanceUpdate, await readApiJson(c))
  const m = await inMaintenanceTerms(() =>
    postMaintenanceUpdate(c.var.deps, apiActorOf(c), c.req.param('id'), {
      body: body.body,
      ...(body.status ? { status: body.status } : {}),
      ...(body.notify !== undefined ? { notify: body.notify } : {}),
    }),
  )
  const updates = sortTimelineNewestFirst(await c.var.deps.store.listMaintenanceUpdates([m.id]))
  return c.json(
    {
      maintenance: apiMaintenance(m, updates),
      // The one just posted: stamped now with the newest id, so it leads the timeline.
      update: apiMaintenanceUpdate(updates[0]!),
    },
    201,
  )
})

apiV1MaintenanceRoutes.post('/maintenance/:id/cancel', async (c) => {
  const body = parseApi(ApiCancelMaintenance, await readApiJson(c, { optional: true }))
  const m = await inMaintenanceTerms(() =>
    cancelMaintenance(c.var.deps, apiActorOf(c), c.req.param('id'), {
      ...(body.body !== undefined ? { body: body.body } : {}),
      ...(body.notify !== undefined ? { notify: body.notify } : {}),
    }),
  )
  return c.json(await maintenanceJson(c, m.id))
})
