import { z } from 'zod'
import { AppError, invalid, notFound } from '../domain/errors.ts'
import {
  composeDocument,
  importPlanFrom,
  parsePostmortem,
  renderPostmortemMarkdown,
  toDryRunJson,
  draftSections,
  type DryRunJson,
  type PostmortemDocument,
  type PostmortemSections,
} from '../domain/postmortem/index.ts'
import { isValidTimeZone } from '../domain/time.ts'
import type { Incident, Postmortem, PostmortemTodo, TimelineEvent } from '../domain/types.ts'
import { assertRole, type Actor } from './actor.ts'
import { audit } from './audit.ts'
import type { Deps } from './deps.ts'
import { pageContext } from './get-public-incident.ts'
import { withDerivedState } from './incident-state.ts'
import type { Change } from './ports.ts'

// Postmortems (issue 6): drafting one from the incident's record, editing it section by section,
// TODO items, publishing (optionally telling subscribers), exporting Markdown and importing existing
// documents as resolved incidents. The timeline is always the incident's own events, internal ones
// included: they go into the postmortem by design (DESIGN.md).
//
// Decisions: a postmortem is drafted for resolved incidents only (an open incident's story is not
// over); imported documents become published postmortems (they are history), their undated events
// are left out and reported, and importing them never notifies anyone.

type D = Pick<Deps, 'store' | 'clock' | 'ids'>

const TEXT_MAX = 20_000
const Section = (max = TEXT_MAX) => z.string().trim().max(max, `must be at most ${max} characters`)

export const UpdatePostmortemInput = z.strictObject({
  summary: Section().optional(),
  impactText: Section(2000).optional(),
  usersAffectedPercent: z
    .number({ error: 'must be a number from 0 to 100' })
    .min(0, 'must be from 0 to 100')
    .max(100, 'must be from 0 to 100')
    .nullable()
    .optional(),
  rootCause: Section().optional(),
  resolution: Section().optional(),
  measures: Section().optional(),
  lessons: Section().nullable().optional(),
})
export type UpdatePostmortemInput = z.input<typeof UpdatePostmortemInput>

export const AddTodoInput = z.strictObject({
  text: z.string().trim().min(1, 'is required').max(500, 'must be at most 500 characters'),
  // Owners are written "(@name)" or "(owner: Name)" in the document, so brackets cannot be part of one.
  owner: z
    .string()
    .trim()
    .max(80, 'must be at most 80 characters')
    .regex(/^[^()[\]\n]*$/, 'must not contain brackets')
    .nullable()
    .optional()
    .transform((v) => (v ? v.replace(/^@/, '') || null : null)),
})
export type AddTodoInput = z.input<typeof AddTodoInput>

export const PublishPostmortemInput = z.strictObject({ notify: z.boolean().default(false) })

export const ImportPostmortemInput = z.strictObject({
  markdown: z
    .string()
    .max(1_000_000, 'must be at most 1 MB')
    .refine((v) => v.trim() !== '', 'is required'),
  fileName: z.string().max(500).optional(),
  /** Zone for documents that name none; the page's zone by default. */
  timeZone: z.string().refine(isValidTimeZone, 'is not a known time zone').optional(),
  /** 'YYYY-MM-DD' for documents that give times but no date. */
  date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')
    .optional(),
  dryRun: z.boolean().default(false),
})
export type ImportPostmortemInput = z.input<typeof ImportPostmortemInput>

// --- reads --------------------------------------------------------------------------------------

export interface PostmortemView {
  incident: Incident
  /** Null until someone drafts it. */
  postmortem: Postmortem | null
  /** The document: the saved one, or what a draft would say. */
  document: PostmortemDocument
  timeZone: string
}

async function pageTimeZone(deps: Pick<Deps, 'store'>): Promise<string> {
  return pageContext(await deps.store.getSettings()).timeZone
}

const sectionsOf = (p: Postmortem): PostmortemSections => ({
  summary: p.summary,
  impactText: p.impactText,
  usersAffectedPercent: p.usersAffectedPercent,
  rootCause: p.rootCause,
  resolution: p.resolution,
  measures: p.measures,
  lessons: p.lessons,
  todos: p.todos,
})

async function load(deps: Pick<Deps, 'store'>, incidentId: string) {
  const incident = await deps.store.getIncident(incidentId)
  if (!incident) throw notFound('Incident', incidentId)
  const [postmortem, events, timeZone] = await Promise.all([
    deps.store.getPostmortem(incidentId),
    // All events: internal notes are part of the postmortem.
    deps.store.listEvents(incidentId),
    pageTimeZone(deps),
  ])
  return { incident, postmortem, events, timeZone }
}

/** The incident's postmortem as the console shows it (anyone signed in may read it). */
export async function getPostmortem(
  deps: Pick<Deps, 'store'>,
  incidentId: string,
): Promise<PostmortemView> {
  const { incident, postmortem, events, timeZone } = await load(deps, incidentId)
  const sections = postmortem
    ? sectionsOf(postmortem)
    : draftSections(incident, events, await deps.store.listComponents())
  return {
    incident,
    postmortem,
    document: composeDocument(incident, events, timeZone, sections),
    timeZone,
  }
}

/** The document with unsaved edits applied: the editor's live preview. Nothing is written. */
export async function previewPostmortem(
  deps: Pick<Deps, 'store'>,
  incidentId: string,
  raw: UpdatePostmortemInput,
): Promise<PostmortemDocument> {
  const input = UpdatePostmortemInput.parse(raw)
  const view = await getPostmortem(deps, incidentId)
  return { ...view.document, ...definedOnly(input) }
}

/** A published postmortem for the public incident page, or null (drafts never show). */
export async function getPublishedPostmortem(
  deps: Pick<Deps, 'store'>,
  incidentId: string,
): Promise<{ document: PostmortemDocument; publishedAt: number } | null> {
  const postmortem = await deps.store.getPostmortem(incidentId)
  if (postmortem?.state !== 'published') return null
  const { incident, events, timeZone } = await load(deps, incidentId)
  return {
    document: composeDocument(incident, events, timeZone, sectionsOf(postmortem)),
    publishedAt: postmortem.publishedAt ?? postmortem.updatedAt,
  }
}

/**
 * The published postmortems of these incidents as Markdown, for the Statuspage API's
 * postmortem_body. Only incidents that have one are read further.
 */
export async function publishedPostmortemBodies(
  deps: Pick<Deps, 'store'>,
  incidentIds: string[],
): Promise<Map<string, { body: string; publishedAt: number }>> {
  const out = new Map<string, { body: string; publishedAt: number }>()
  if (incidentIds.length === 0) return out
  const published = await deps.store.listPostmortems({ incidentIds, state: 'published' })
  if (published.length === 0) return out
  const ids = published.map((p) => p.incidentId)
  const [incidents, events, timeZone] = await Promise.all([
    Promise.all(ids.map((id) => deps.store.getIncident(id))),
    deps.store.listEventsFor(ids),
    pageTimeZone(deps),
  ])
  published.forEach((p, i) => {
    const incident = incidents[i]
    if (!incident) return
    const own = events.filter((e) => e.incidentId === p.incidentId)
    const document = composeDocument(incident, own, timeZone, sectionsOf(p))
    out.set(p.incidentId, {
      body: renderPostmortemMarkdown(document),
      publishedAt: p.publishedAt ?? p.updatedAt,
    })
  })
  return out
}

/** The Markdown document: the saved postmortem, or the draft the record gives when there is none. */
export async function exportPostmortemMarkdown(
  deps: Pick<Deps, 'store'>,
  incidentId: string,
): Promise<{ markdown: string; fileName: string }> {
  const view = await getPostmortem(deps, incidentId)
  const slug = view.incident.name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
  return {
    markdown: renderPostmortemMarkdown(view.document),
    fileName: `postmortem-${slug || view.incident.id}.md`,
  }
}

// --- writes -------------------------------------------------------------------------------------

function definedOnly<T extends object>(input: T): Partial<T> {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as Partial<T>
}

async function existing(deps: Pick<Deps, 'store'>, incidentId: string): Promise<Postmortem> {
  const postmortem = await deps.store.getPostmortem(incidentId)
  if (postmortem) return postmortem
  if (!(await deps.store.getIncident(incidentId))) throw notFound('Incident', incidentId)
  throw new AppError('NOT_FOUND', `Incident ${incidentId} has no postmortem yet; draft one first`)
}

const notResolved = () =>
  new AppError(
    'CONFLICT',
    'The incident is not resolved; a postmortem is written once it is over (resolve it first)',
  )

async function save(
  deps: D,
  actor: Actor,
  action: string,
  before: Postmortem | null,
  after: Postmortem,
  extra: Change[] = [],
): Promise<Postmortem> {
  await deps.store.commit([
    { type: 'postmortem.put', postmortem: after },
    ...extra,
    audit(deps, actor, action, { type: 'postmortem', id: after.incidentId }, before, after),
  ])
  return after
}

/**
 * "Draft postmortem": builds the document from the record and saves it as a draft. Only for
 * resolved incidents; drafting again returns the one already there, untouched.
 */
export async function draftPostmortem(
  deps: D,
  actor: Actor,
  incidentId: string,
): Promise<{ postmortem: Postmortem; created: boolean }> {
  assertRole(actor, 'owner', 'responder')
  const { incident, postmortem, events } = await load(deps, incidentId)
  if (postmortem) return { postmortem, created: false }
  if (incident.resolvedAt === null) throw notResolved()
  const now = deps.clock.now()
  const sections = draftSections(incident, events, await deps.store.listComponents())
  const draft: Postmortem = {
    incidentId,
    state: 'draft',
    ...sections,
    todos: [],
    sourceFingerprint: null,
    createdAt: now,
    updatedAt: now,
    publishedAt: null,
    publishedBy: null,
  }
  return { postmortem: await save(deps, actor, 'postmortem.draft', null, draft), created: true }
}

/** Replaces the sections given (a blank lessons section is none). */
export async function updatePostmortem(
  deps: D,
  actor: Actor,
  incidentId: string,
  raw: UpdatePostmortemInput,
): Promise<Postmortem> {
  assertRole(actor, 'owner', 'responder')
  const input = definedOnly(UpdatePostmortemInput.parse(raw))
  const before = await existing(deps, incidentId)
  const after: Postmortem = { ...before, ...input, updatedAt: deps.clock.now() }
  if (after.lessons === '') after.lessons = null
  return save(deps, actor, 'postmortem.update', before, after)
}

export async function addPostmortemTodo(
  deps: D,
  actor: Actor,
  incidentId: string,
  raw: AddTodoInput,
): Promise<{ postmortem: Postmortem; todo: PostmortemTodo }> {
  assertRole(actor, 'owner', 'responder')
  const input = AddTodoInput.parse(raw)
  const before = await existing(deps, incidentId)
  const todo: PostmortemTodo = {
    id: deps.ids.next(),
    text: input.text.replace(/\s+/g, ' '),
    owner: input.owner,
    done: false,
  }
  const after = { ...before, todos: [...before.todos, todo], updatedAt: deps.clock.now() }
  return { postmortem: await save(deps, actor, 'postmortem.todo.add', before, after), todo }
}

function todoOf(p: Postmortem, todoId: string): PostmortemTodo {
  const todo = p.todos.find((t) => t.id === todoId)
  if (!todo) throw notFound('TODO item', todoId)
  return todo
}

/** Ticks (or unticks) a TODO item; without `done` it flips. */
export async function togglePostmortemTodo(
  deps: D,
  actor: Actor,
  incidentId: string,
  todoId: string,
  done?: boolean,
): Promise<{ postmortem: Postmortem; todo: PostmortemTodo }> {
  assertRole(actor, 'owner', 'responder')
  const before = await existing(deps, incidentId)
  const todo = { ...todoOf(before, todoId) }
  todo.done = done ?? !todo.done
  const after = {
    ...before,
    todos: before.todos.map((t) => (t.id === todoId ? todo : t)),
    updatedAt: deps.clock.now(),
  }
  return { postmortem: await save(deps, actor, 'postmortem.todo.toggle', before, after), todo }
}

export async function removePostmortemTodo(
  deps: D,
  actor: Actor,
  incidentId: string,
  todoId: string,
): Promise<Postmortem> {
  assertRole(actor, 'owner', 'responder')
  const before = await existing(deps, incidentId)
  todoOf(before, todoId)
  const after = {
    ...before,
    todos: before.todos.filter((t) => t.id !== todoId),
    updatedAt: deps.clock.now(),
  }
  return save(deps, actor, 'postmortem.todo.remove', before, after)
}

/**
 * Shows it on the incident page and in the API (status `postmortem`); with notify, subscribers of
 * the incident's components hear about it like an update. Publishing a published one changes
 * nothing and tells no one again.
 */
export async function publishPostmortem(
  deps: D,
  actor: Actor,
  incidentId: string,
  raw: z.input<typeof PublishPostmortemInput> = {},
): Promise<{ postmortem: Postmortem; notified: boolean }> {
  assertRole(actor, 'owner', 'responder')
  const input = PublishPostmortemInput.parse(raw)
  const before = await existing(deps, incidentId)
  if (before.state === 'published') return { postmortem: before, notified: false }
  const incident = await deps.store.getIncident(incidentId)
  if (!incident) throw notFound('Incident', incidentId)
  if (incident.resolvedAt === null) throw notResolved()
  const now = deps.clock.now()
  const after: Postmortem = {
    ...before,
    state: 'published',
    publishedAt: now,
    publishedBy: actor.label,
    updatedAt: now,
  }
  const broadcast: Change[] = input.notify
    ? [
        {
          type: 'broadcast.insert',
          broadcast: {
            id: deps.ids.next(),
            kind: 'postmortem_published',
            incidentId,
            eventId: null,
            statusChangeId: null,
            componentIds: incident.componentIds,
            createdAt: now,
            expandedThrough: null,
            expandedAt: null,
          },
        },
      ]
    : []
  const postmortem = await save(deps, actor, 'postmortem.publish', before, after, broadcast)
  return { postmortem, notified: input.notify }
}

/** Back to a draft: gone from the incident page and the API. */
export async function unpublishPostmortem(
  deps: D,
  actor: Actor,
  incidentId: string,
): Promise<Postmortem> {
  assertRole(actor, 'owner', 'responder')
  const before = await existing(deps, incidentId)
  if (before.state === 'draft') return before
  const after: Postmortem = {
    ...before,
    state: 'draft',
    publishedAt: null,
    publishedBy: null,
    updatedAt: deps.clock.now(),
  }
  return save(deps, actor, 'postmortem.unpublish', before, after)
}

// --- import -------------------------------------------------------------------------------------

export type ImportResult =
  | { dryRun: true; read: DryRunJson }
  | {
      dryRun: false
      incidentId: string
      /** False when the same document was imported before: its incident is returned instead. */
      created: boolean
      name: string
      warnings: string[]
    }

/**
 * Turns a Markdown postmortem into a resolved incident with its timeline and a published
 * postmortem, in one write, without notifying anyone. The same document imported again (same
 * fingerprint) returns the incident it became the first time.
 */
export async function importPostmortem(
  deps: D,
  actor: Actor,
  raw: ImportPostmortemInput,
): Promise<ImportResult> {
  const input = ImportPostmortemInput.parse(raw)
  if (!input.dryRun) assertRole(actor, 'owner', 'responder')
  const parsed = parsePostmortem(input.markdown, {
    defaultTimeZone: input.timeZone ?? (await pageTimeZone(deps)),
    ...(input.fileName !== undefined ? { fileName: input.fileName } : {}),
    ...(input.date !== undefined ? { defaultDate: input.date } : {}),
  })
  if (input.dryRun) return { dryRun: true, read: toDryRunJson(parsed) }

  const known = await deps.store.getPostmortemByFingerprint(parsed.fingerprint)
  if (known) {
    const incident = await deps.store.getIncident(known.incidentId)
    return {
      dryRun: false,
      incidentId: known.incidentId,
      created: false,
      name: incident?.name ?? parsed.name,
      warnings: [],
    }
  }
  const result = importPlanFrom(parsed)
  if (!result.ok) throw invalid('markdown', result.reason)
  const { plan } = result
  const now = deps.clock.now()
  const incidentId = deps.ids.next()
  const events: TimelineEvent[] = plan.events.map((e) => ({
    id: deps.ids.next(),
    incidentId,
    at: e.at,
    postedAt: now,
    authorId: actor.id,
    authorName: actor.label,
    body: e.body.slice(0, TEXT_MAX),
    visibility: e.internal ? 'internal' : 'public',
    status: null,
    kind: e.kind,
    notify: false,
    componentChanges: [],
    editedAt: null,
  }))
  // The incident's end is derived from its timeline: the event at the end carries `resolved`
  // (the last resolution there, else the last event there, else one added for it).
  const atEnd = events.filter((e) => e.at === plan.resolvedAt)
  const closing = atEnd.filter((e) => e.kind === 'resolution').at(-1) ?? atEnd.at(-1)
  if (closing) closing.status = 'resolved'
  else {
    events.push({
      id: deps.ids.next(),
      incidentId,
      at: plan.resolvedAt,
      postedAt: now,
      authorId: actor.id,
      authorName: actor.label,
      body: 'Resolved.',
      visibility: 'public',
      status: 'resolved',
      kind: 'resolution',
      notify: false,
      componentChanges: [],
      editedAt: null,
    })
  }
  const incident = withDerivedState(
    {
      id: incidentId,
      name: plan.name.slice(0, 200),
      impact: plan.impact,
      status: 'resolved',
      startedAt: plan.startedAt,
      resolvedAt: plan.resolvedAt,
      createdAt: now,
      updatedAt: now,
      createdBy: actor.id,
      componentIds: [],
    },
    events,
    [],
    now,
  )
  const postmortem: Postmortem = {
    incidentId,
    state: 'published',
    ...plan.sections,
    todos: plan.sections.todos.map((t) => ({ id: deps.ids.next(), ...t })),
    sourceFingerprint: parsed.fingerprint,
    createdAt: now,
    updatedAt: now,
    publishedAt: now,
    publishedBy: actor.label,
  }
  await deps.store.commit([
    { type: 'incident.insert', incident },
    ...events.map((event): Change => ({ type: 'event.insert', event })),
    { type: 'postmortem.put', postmortem },
    audit(deps, actor, 'postmortem.import', { type: 'incident', id: incidentId }, null, {
      incident,
      events: events.length,
      postmortem,
      warnings: plan.warnings,
    }),
  ])
  return { dryRun: false, incidentId, created: true, name: incident.name, warnings: plan.warnings }
}
