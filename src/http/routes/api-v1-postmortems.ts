import { Hono } from 'hono'
import { z } from 'zod'
import type { Deps } from '../../app/deps.ts'
import {
  exportPostmortemMarkdown,
  draftPostmortem,
  getPostmortem,
  importPostmortem,
  publishPostmortem,
  unpublishPostmortem,
  UpdatePostmortemInput,
  updatePostmortem,
} from '../../app/postmortems.ts'
import { AppError } from '../../domain/errors.ts'
import { renderPostmortemMarkdown } from '../../domain/postmortem/index.ts'
import type { Postmortem } from '../../domain/types.ts'
import { inApiTerms, parseApi, readApiJson } from '../api/request.ts'
import { iso, isoOrNull } from '../api/time.ts'
import type { AppEnv } from '../env.ts'
import { apiActorOf } from '../middleware/bearer.ts'

// Postmortems in the admin API (issue 6). Mounted inside /api/v1 (api-v1.ts), whose middleware
// authenticates the bearer token, refuses writes by read tokens and limits the body size.

export const apiV1PostmortemRoutes = new Hono<AppEnv>()

const text = (max: number) => z.string().max(max, `must be at most ${max} characters`)

export const ApiPutPostmortem = z.strictObject({
  summary: text(20_000).optional(),
  impact_text: text(2000).optional(),
  users_affected_percent: z.number().nullable().optional(),
  root_cause: text(20_000).optional(),
  resolution: text(20_000).optional(),
  measures: text(20_000).optional(),
  lessons: text(20_000).nullable().optional(),
})

export const ApiPublish = z.strictObject({ notify: z.boolean().optional() })

export const ApiImport = z.strictObject({
  markdown: z.string(),
  dry_run: z.boolean().optional(),
  /** Names the incident when the document has no title. */
  file_name: z.string().max(500).optional(),
  time_zone: z.string().optional(),
  date: z.string().optional(),
})

function apiPostmortem(p: Postmortem) {
  return {
    incident_id: p.incidentId,
    state: p.state,
    summary: p.summary,
    impact_text: p.impactText,
    users_affected_percent: p.usersAffectedPercent,
    root_cause: p.rootCause,
    resolution: p.resolution,
    measures: p.measures,
    lessons: p.lessons,
    todos: p.todos.map((t) => ({ id: t.id, text: t.text, owner: t.owner, done: t.done })),
    imported: p.sourceFingerprint !== null,
    created_at: iso(p.createdAt),
    updated_at: iso(p.updatedAt),
    published_at: isoOrNull(p.publishedAt),
    published_by: p.publishedBy,
  }
}

/** The postmortem with its document as Markdown; 404 before one is drafted. */
async function postmortemJson(deps: Deps, incidentId: string) {
  const view = await getPostmortem(deps, incidentId)
  if (!view.postmortem) {
    throw new AppError(
      'NOT_FOUND',
      `Incident ${incidentId} has no postmortem yet; PUT /api/v1/incidents/${incidentId}/postmortem drafts one`,
    )
  }
  return { ...apiPostmortem(view.postmortem), markdown: renderPostmortemMarkdown(view.document) }
}

apiV1PostmortemRoutes.get('/incidents/:id/postmortem', async (c) =>
  c.json(await postmortemJson(c.var.deps, c.req.param('id'))),
)

// The saved postmortem, or the draft the incident's record gives when there is none yet.
apiV1PostmortemRoutes.get('/incidents/:id/postmortem.md', async (c) => {
  const { markdown, fileName } = await exportPostmortemMarkdown(c.var.deps, c.req.param('id'))
  return c.body(markdown, 200, {
    'Content-Type': 'text/markdown; charset=utf-8',
    'Content-Disposition': `inline; filename="${fileName}"`,
  })
})

/** Drafts the postmortem when there is none (resolved incidents only), then sets the sections given. */
apiV1PostmortemRoutes.put('/incidents/:id/postmortem', async (c) => {
  const body = parseApi(ApiPutPostmortem, await readApiJson(c, { optional: true }))
  const id = c.req.param('id')
  const actor = apiActorOf(c)
  const sections = {
    ...(body.summary !== undefined ? { summary: body.summary } : {}),
    ...(body.impact_text !== undefined ? { impactText: body.impact_text } : {}),
    ...(body.users_affected_percent !== undefined
      ? { usersAffectedPercent: body.users_affected_percent }
      : {}),
    ...(body.root_cause !== undefined ? { rootCause: body.root_cause } : {}),
    ...(body.resolution !== undefined ? { resolution: body.resolution } : {}),
    ...(body.measures !== undefined ? { measures: body.measures } : {}),
    ...(body.lessons !== undefined ? { lessons: body.lessons } : {}),
  }
  // Checked before drafting, so a bad field leaves no draft behind.
  await inApiTerms(async () => UpdatePostmortemInput.parse(sections))
  const { created } = await draftPostmortem(c.var.deps, actor, id)
  if (Object.keys(sections).length)
    await inApiTerms(() => updatePostmortem(c.var.deps, actor, id, sections))
  return c.json(await postmortemJson(c.var.deps, id), created ? 201 : 200)
})

apiV1PostmortemRoutes.post('/incidents/:id/postmortem/publish', async (c) => {
  const body = parseApi(ApiPublish, await readApiJson(c, { optional: true }))
  const id = c.req.param('id')
  const { notified } = await publishPostmortem(c.var.deps, apiActorOf(c), id, {
    notify: body.notify ?? false,
  })
  return c.json({ ...(await postmortemJson(c.var.deps, id)), notified })
})

apiV1PostmortemRoutes.post('/incidents/:id/postmortem/unpublish', async (c) => {
  const id = c.req.param('id')
  await unpublishPostmortem(c.var.deps, apiActorOf(c), id)
  return c.json(await postmortemJson(c.var.deps, id))
})

/**
 * A Markdown postmortem as a resolved incident: 201 with its id and what could not be read; the
 * same document again: 200 with the incident it became; dry_run: 200 with what was read.
 */
apiV1PostmortemRoutes.post('/postmortems/import', async (c) => {
  const body = parseApi(ApiImport, await readApiJson(c))
  const result = await inApiTerms(() =>
    importPostmortem(c.var.deps, apiActorOf(c), {
      markdown: body.markdown,
      dryRun: body.dry_run ?? false,
      ...(body.file_name !== undefined ? { fileName: body.file_name } : {}),
      ...(body.time_zone !== undefined ? { timeZone: body.time_zone } : {}),
      ...(body.date !== undefined ? { date: body.date } : {}),
    }),
  )
  if (result.dryRun) return c.json(result.read)
  const json = {
    incident_id: result.incidentId,
    name: result.name,
    created: result.created,
    warnings: result.warnings,
  }
  if (!result.created) return c.json(json)
  c.header('Location', `/api/v1/incidents/${result.incidentId}`)
  return c.json(json, 201)
})
