import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import {
  AddTodoInput,
  addPostmortemTodo,
  draftPostmortem,
  exportPostmortemMarkdown,
  getPostmortem,
  importPostmortem,
  previewPostmortem,
  publishPostmortem,
  removePostmortemTodo,
  togglePostmortemTodo,
  unpublishPostmortem,
  UpdatePostmortemInput,
  updatePostmortem,
} from '../../../app/postmortems.ts'
import { invalid } from '../../../domain/errors.ts'
import type { ConsoleContext } from '../../../../views/layouts/console.tsx'
import {
  emptyForm,
  type FieldErrors,
  type FormState,
} from '../../../../views/partials/console/common.tsx'
import { PostmortemView } from '../../../../views/partials/postmortem.tsx'
import {
  IMPORT_PATH,
  PostmortemImportPage,
} from '../../../../views/pages/console/postmortem-import.tsx'
import {
  PostmortemPage,
  postmortemPath,
  SECTION_FIELDS,
  sectionValues,
  TodoList,
} from '../../../../views/pages/console/postmortem.tsx'
import type { AppEnv } from '../../env.ts'
import { parseFields, readForm } from '../../forms.ts'
import { requireUser } from '../../middleware/session.ts'
import { isHtmx } from '../../respond.ts'
import { actorOf, str, userOf, validationErrors, valuesOf, type C, type Form } from './support.ts'

// The postmortem editor (issue 6): draft from a resolved incident, edit section by section with a
// live preview, tick TODO items, publish or unpublish, download the Markdown; and the import page,
// which shows what was read before anything is saved.

export const postmortemRoutes = new Hono<AppEnv>()
const writers = requireUser('owner', 'responder')

const consoleCtx = (c: C): ConsoleContext => ({ user: userOf(c), csrfToken: c.var.csrfToken })
const canWrite = (c: C) => ['owner', 'responder'].includes(userOf(c).role)
const idOf = (c: C) => c.req.param('id') ?? ''

/** The sections form as use-case input: blank share is none, anything else must be a number. */
function sectionsInput(form: Form): Record<string, unknown> {
  const input: Record<string, unknown> = {}
  for (const name of SECTION_FIELDS) {
    if (form[name] === undefined) continue
    const value = str(form[name])
    input[name] =
      name === 'usersAffectedPercent' ? (value.trim() === '' ? null : Number(value)) : value
  }
  return input
}

async function editorPage(
  c: C,
  opts: {
    form?: FormState
    todoForm?: FormState
    preview?: Awaited<ReturnType<typeof previewPostmortem>>
    notice?: string | null
    status?: 200 | 422
  } = {},
) {
  const { deps } = c.var
  const view = await getPostmortem(deps, idOf(c))
  const form = opts.form ?? emptyForm(view.postmortem ? sectionValues(view.postmortem) : {})
  return c.html(
    <PostmortemPage
      ctx={consoleCtx(c)}
      incident={view.incident}
      postmortem={view.postmortem}
      doc={opts.preview ?? view.document}
      canWrite={canWrite(c)}
      form={form}
      todoForm={opts.todoForm ?? emptyForm()}
      recipients={await deps.store.countRecipients(view.incident.componentIds)}
      notice={opts.notice ?? null}
    />,
    opts.status ?? 200,
  )
}

const NOTICES: Record<string, string> = {
  drafted: 'Postmortem drafted from the incident’s record.',
  saved: 'Sections saved.',
  published: 'Postmortem published.',
  notified: 'Postmortem published; subscribers will be told.',
  unpublished: 'Postmortem unpublished: it is a draft again.',
  imported: 'Imported as a resolved incident with a published postmortem.',
  already: 'This document was imported before: here is the incident it became.',
}

const back = (c: C, incidentId: string, done: keyof typeof NOTICES) =>
  c.redirect(`${postmortemPath(incidentId)}?done=${done}`, 303)

// --- the editor ---------------------------------------------------------------------------------

postmortemRoutes.get('/incidents/:id/postmortem', requireUser(), (c) =>
  editorPage(c, { notice: NOTICES[c.req.query('done') ?? ''] ?? null }),
)

// "Draft postmortem" (also the button on the incident page): opens the existing one if there is one.
postmortemRoutes.post('/incidents/:id/postmortem', writers, async (c) => {
  const { created } = await draftPostmortem(c.var.deps, actorOf(c), idOf(c))
  return created ? back(c, idOf(c), 'drafted') : c.redirect(postmortemPath(idOf(c)), 303)
})

postmortemRoutes.post('/incidents/:id/postmortem/sections', writers, async (c) => {
  const form = await readForm(c)
  const values = valuesOf(form)
  const parsed = parseFields(UpdatePostmortemInput, sectionsInput(form))
  let errors: FieldErrors = parsed.ok ? {} : parsed.errors
  if (parsed.ok) {
    try {
      await updatePostmortem(c.var.deps, actorOf(c), idOf(c), parsed.data)
    } catch (err) {
      errors = validationErrors(err)
    }
  }
  if (Object.keys(errors).length) return editorPage(c, { form: { values, errors }, status: 422 })
  return back(c, idOf(c), 'saved')
})

/** The live preview: the document with the form's unsaved sections (invalid ones left as saved). */
postmortemRoutes.post('/incidents/:id/postmortem/preview', requireUser(), async (c) => {
  const form = await readForm(c)
  const input = sectionsInput(form)
  const parsed = parseFields(UpdatePostmortemInput, input)
  const errors = parsed.ok ? {} : parsed.errors
  for (const field of Object.keys(errors)) delete input[field]
  const preview = await previewPostmortem(c.var.deps, idOf(c), input)
  c.header('Vary', 'HX-Request', { append: true })
  if (isHtmx(c)) return c.html(<PostmortemView doc={preview} markInternal />)
  // Without JavaScript the Preview button shows the whole page, the form keeping what was typed.
  return editorPage(c, { form: { values: valuesOf(form), errors }, preview })
})

// --- TODO items ---------------------------------------------------------------------------------

async function todoAnswer(c: C, form: FormState = emptyForm(), status: 200 | 422 = 200) {
  const view = await getPostmortem(c.var.deps, idOf(c))
  return c.html(
    <TodoList
      incidentId={view.incident.id}
      todos={view.postmortem?.todos ?? []}
      csrfToken={c.var.csrfToken}
      form={form}
    />,
    status,
  )
}

postmortemRoutes.post('/incidents/:id/postmortem/todos', writers, async (c) => {
  const form = await readForm(c)
  const input = { text: str(form.text), owner: str(form.owner) || null }
  const parsed = parseFields(AddTodoInput, input)
  let errors: FieldErrors = parsed.ok ? {} : parsed.errors
  if (parsed.ok) {
    try {
      await addPostmortemTodo(c.var.deps, actorOf(c), idOf(c), parsed.data)
    } catch (err) {
      errors = validationErrors(err)
    }
  }
  if (Object.keys(errors).length) {
    const state = { values: valuesOf(form), errors }
    if (isHtmx(c)) return todoAnswer(c, state, 422)
    return editorPage(c, { todoForm: state, status: 422 })
  }
  if (isHtmx(c)) return todoAnswer(c)
  return c.redirect(`${postmortemPath(idOf(c))}#todos-title`, 303)
})

postmortemRoutes.post('/incidents/:id/postmortem/todos/:todoId/toggle', writers, async (c) => {
  const form = await readForm(c)
  await togglePostmortemTodo(
    c.var.deps,
    actorOf(c),
    idOf(c),
    c.req.param('todoId'),
    str(form.done) === 'on',
  )
  if (isHtmx(c)) return todoAnswer(c)
  return c.redirect(`${postmortemPath(idOf(c))}#todos-title`, 303)
})

postmortemRoutes.post('/incidents/:id/postmortem/todos/:todoId/delete', writers, async (c) => {
  await removePostmortemTodo(c.var.deps, actorOf(c), idOf(c), c.req.param('todoId'))
  if (isHtmx(c)) return todoAnswer(c)
  return c.redirect(`${postmortemPath(idOf(c))}#todos-title`, 303)
})

// --- publishing and the Markdown ----------------------------------------------------------------

postmortemRoutes.post('/incidents/:id/postmortem/publish', writers, async (c) => {
  const form = await readForm(c)
  const { notified } = await publishPostmortem(c.var.deps, actorOf(c), idOf(c), {
    notify: str(form.notify) === 'on',
  })
  return back(c, idOf(c), notified ? 'notified' : 'published')
})

postmortemRoutes.post('/incidents/:id/postmortem/unpublish', writers, async (c) => {
  await unpublishPostmortem(c.var.deps, actorOf(c), idOf(c))
  return back(c, idOf(c), 'unpublished')
})

postmortemRoutes.get('/incidents/:id/postmortem.md', requireUser(), async (c) => {
  const { markdown, fileName } = await exportPostmortemMarkdown(c.var.deps, idOf(c))
  return c.body(markdown, 200, {
    'Content-Type': 'text/markdown; charset=utf-8',
    'Content-Disposition': `attachment; filename="${fileName}"`,
    'Cache-Control': 'no-store',
  })
})

// --- import -------------------------------------------------------------------------------------

const IMPORT_MAX_BYTES = 1_000_000

function importPage(
  c: C,
  props: Omit<Parameters<typeof PostmortemImportPage>[0], 'ctx'>,
  status: 200 | 422 = 200,
) {
  return c.html(<PostmortemImportPage ctx={consoleCtx(c)} {...props} />, status)
}

postmortemRoutes.get('/postmortems/import', writers, (c) => importPage(c, { form: emptyForm() }))

/** Reads the pasted or uploaded document and shows what was read; saves nothing. */
postmortemRoutes.post(
  '/postmortems/import/preview',
  writers,
  // The CSRF check has read the body already; refuse what announces itself as too large.
  async (c, next) => {
    if (Number(c.req.header('Content-Length') ?? '0') > IMPORT_MAX_BYTES + 64_000)
      throw new HTTPException(413, { message: 'The document is larger than 1 MB' })
    await next()
  },
  async (c) => {
    let body: Record<string, string | File>
    try {
      body = await c.req.parseBody()
    } catch {
      throw invalid('file', 'the upload could not be read; try again')
    }
    const file = body.file instanceof File && body.file.size > 0 ? body.file : null
    const markdown = file
      ? await file.text()
      : typeof body.markdown === 'string'
        ? body.markdown
        : ''
    const fileName = file?.name ?? ''
    const values = { markdown: file ? '' : markdown.slice(0, IMPORT_MAX_BYTES) }
    if (markdown.trim() === '')
      return importPage(
        c,
        { form: { values, errors: { markdown: 'Paste a document or choose a file' } } },
        422,
      )
    try {
      const result = await importPostmortem(c.var.deps, actorOf(c), {
        markdown,
        ...(fileName ? { fileName } : {}),
        dryRun: true,
      })
      const read = result.dryRun ? result.read : null
      return importPage(c, { form: { values, errors: {} }, read, markdown, fileName })
    } catch (err) {
      const errors = validationErrors(err)
      return importPage(
        c,
        { form: { values, errors: { markdown: Object.values(errors)[0] ?? '' } } },
        422,
      )
    }
  },
)

postmortemRoutes.post(IMPORT_PATH.replace('/console', ''), writers, async (c) => {
  const form = await readForm(c)
  const markdown = str(form.markdown)
  const fileName = str(form.fileName)
  let result
  try {
    result = await importPostmortem(c.var.deps, actorOf(c), {
      markdown,
      ...(fileName ? { fileName } : {}),
    })
  } catch (err) {
    const errors = validationErrors(err)
    return importPage(
      c,
      { form: { values: { markdown }, errors: { markdown: Object.values(errors)[0] ?? '' } } },
      422,
    )
  }
  if (result.dryRun)
    return importPage(c, { form: emptyForm(), read: result.read, markdown, fileName })
  return back(c, result.incidentId, result.created ? 'imported' : 'already')
})
