import type { PostmortemDocument } from '../../../src/domain/postmortem/index.ts'
import type { Incident, Postmortem, PostmortemTodo } from '../../../src/domain/types.ts'
import { DOM } from '../../ids.ts'
import { ConsoleLayout, CsrfField, type ConsoleContext } from '../../layouts/console.tsx'
import { Time, type FormState } from '../../partials/console/common.tsx'
import { FieldRow, TextareaRow } from '../../partials/console/fields.tsx'
import { FormErrors, fieldId, invalidAttrs } from '../../partials/console/common.tsx'
import { FormAlert } from '../../partials/form.tsx'
import { PostmortemView } from '../../partials/postmortem.tsx'

// The postmortem editor: each section in its own field with a live preview beside it (htmx posts
// the form to the preview route as people type; without JavaScript the Preview button does the
// same with a full page), TODO items with tick boxes, publish / unpublish and the Markdown download.

export const postmortemPath = (incidentId: string) => `/console/incidents/${incidentId}/postmortem`

export interface PostmortemPageProps {
  ctx: ConsoleContext
  incident: Incident
  postmortem: Postmortem | null
  /** What the preview shows: the saved document, or the submitted (unsaved) one. */
  doc: PostmortemDocument
  canWrite: boolean
  form: FormState
  todoForm: FormState
  /** Subscribers publishing would reach when asked to notify. */
  recipients: number
  notice?: string | null
}

const P = 'pm'
export const SECTION_FIELDS = [
  'summary',
  'impactText',
  'usersAffectedPercent',
  'rootCause',
  'resolution',
  'measures',
  'lessons',
] as const

/** The form's values for a saved postmortem. */
export function sectionValues(p: Postmortem): Record<string, string> {
  return {
    summary: p.summary,
    impactText: p.impactText,
    usersAffectedPercent: p.usersAffectedPercent === null ? '' : String(p.usersAffectedPercent),
    rootCause: p.rootCause,
    resolution: p.resolution,
    measures: p.measures,
    lessons: p.lessons ?? '',
  }
}

export function PostmortemPage(props: PostmortemPageProps) {
  const { ctx, incident, postmortem } = props
  const base = postmortemPath(incident.id)
  return (
    <ConsoleLayout ctx={{ ...ctx, section: 'incidents' }} title={`Postmortem: ${incident.name}`}>
      <link rel="stylesheet" href="/css/console-incidents.css" />
      <link rel="stylesheet" href="/css/postmortem.css" />
      <p class="muted">
        <a href={`/console/incidents/${incident.id}`}>← {incident.name}</a>
      </p>
      <div class="page-head">
        <h1>Postmortem</h1>
        {postmortem && (
          <span class={`badge postmortem-state state-${postmortem.state}`}>
            {postmortem.state === 'published' ? 'Published' : 'Draft'}
          </span>
        )}
      </div>
      <FormAlert message={props.notice} kind="ok" />
      {postmortem ? (
        <StateCard {...props} postmortem={postmortem} />
      ) : (
        <NoPostmortemYet incident={incident} canWrite={props.canWrite} csrfToken={ctx.csrfToken} />
      )}
      <div class="postmortem-editor">
        {postmortem && props.canWrite && (
          <div class="postmortem-edit stack">
            <SectionsForm base={base} csrfToken={ctx.csrfToken} form={props.form} />
            <TodoList
              incidentId={incident.id}
              todos={postmortem.todos}
              csrfToken={ctx.csrfToken}
              form={props.todoForm}
            />
          </div>
        )}
        <section class="postmortem-preview-pane card" aria-labelledby="preview-title">
          <h2 id="preview-title">{postmortem && props.canWrite ? 'Preview' : 'The document'}</h2>
          <div id={DOM.postmortemPreview} aria-live="polite">
            <PostmortemView doc={props.doc} markInternal />
          </div>
        </section>
      </div>
    </ConsoleLayout>
  )
}

function NoPostmortemYet(props: { incident: Incident; canWrite: boolean; csrfToken: string }) {
  const resolved = props.incident.resolvedAt !== null
  return (
    <section class="card" aria-labelledby="draft-title">
      <h2 id="draft-title">No postmortem yet</h2>
      {!resolved ? (
        <p>A postmortem is drafted once the incident is resolved.</p>
      ) : props.canWrite ? (
        <form method="post" action={postmortemPath(props.incident.id)} class="stack">
          <CsrfField token={props.csrfToken} />
          <p class="muted">
            Drafting builds the document below from the incident's record: its duration, impact and
            whole timeline, internal notes included. You then write the root cause, the measures and
            the TODO items.
          </p>
          <div class="actions">
            <button type="submit">Draft postmortem</button>
          </div>
        </form>
      ) : (
        <p class="muted">An owner or responder can draft it; below is what a draft would say.</p>
      )}
    </section>
  )
}

function StateCard(props: PostmortemPageProps & { postmortem: Postmortem }) {
  const { postmortem, incident } = props
  const base = postmortemPath(incident.id)
  const published = postmortem.state === 'published'
  const tz = props.doc.timeZone
  return (
    <section class="card" aria-labelledby="state-title">
      <h2 id="state-title">{published ? 'Published' : 'Draft'}</h2>
      <p class="muted">
        {published && postmortem.publishedAt !== null ? (
          <>
            Published <Time ms={postmortem.publishedAt} tz={tz} />
            {postmortem.publishedBy ? ` by ${postmortem.publishedBy}` : ''}: it shows on the{' '}
            <a href={`/incidents/${incident.id}`}>incident page</a> and the API reports the incident
            as <code>postmortem</code>.
          </>
        ) : (
          <>
            Only signed-in users see a draft. Last saved <Time ms={postmortem.updatedAt} tz={tz} />.
          </>
        )}
      </p>
      <div class="postmortem-actions">
        {props.canWrite && !published && (
          <form method="post" action={`${base}/publish`} class="inline">
            <CsrfField token={props.ctx.csrfToken} />
            <label>
              <input type="checkbox" name="notify" /> Notify subscribers ({props.recipients})
            </label>{' '}
            <button type="submit">Publish</button>
          </form>
        )}
        {props.canWrite && published && (
          <form method="post" action={`${base}/unpublish`} class="inline">
            <CsrfField token={props.ctx.csrfToken} />
            <button type="submit" class="secondary">
              Unpublish
            </button>
          </form>
        )}
        <a class="button secondary" href={`${base}.md`} download>
          Download Markdown
        </a>
      </div>
    </section>
  )
}

const SECTION_ROWS: { name: (typeof SECTION_FIELDS)[number]; label: string; hint?: string }[] = [
  { name: 'summary', label: 'Summary', hint: 'What happened, in a few sentences.' },
  {
    name: 'impactText',
    label: 'Impact',
    hint: 'What was affected; the impact level is the incident’s.',
  },
  { name: 'rootCause', label: 'Root cause' },
  { name: 'resolution', label: 'Resolution' },
  {
    name: 'measures',
    label: 'Corrective and preventative measures',
    hint: 'One per line or as a list; concrete tasks go in the TODO items below.',
  },
  { name: 'lessons', label: 'Lessons learned' },
]

export function SectionsForm(props: { base: string; csrfToken: string; form: FormState }) {
  const { values, errors } = props.form
  const percent = 'usersAffectedPercent'
  return (
    <section class="card" aria-labelledby="sections-title">
      <h2 id="sections-title">Sections</h2>
      <form
        method="post"
        action={`${props.base}/sections`}
        class="postmortem-sections"
        aria-labelledby="sections-title"
        hx-post={`${props.base}/preview`}
        hx-trigger="keyup changed delay:400ms, change"
        hx-target={`#${DOM.postmortemPreview}`}
        hx-swap="innerHTML"
        hx-sync="this:replace"
      >
        <CsrfField token={props.csrfToken} />
        <FormErrors errors={errors} fields={[...SECTION_FIELDS]} />
        {SECTION_ROWS.slice(0, 2).map((row) => (
          <TextareaRow
            prefix={P}
            name={row.name}
            label={row.label}
            errors={errors}
            value={values[row.name] ?? ''}
            {...(row.hint ? { placeholder: row.hint } : {})}
          />
        ))}
        <FieldRow prefix={P} name={percent} label="Share of users affected (%)" errors={errors}>
          <input
            type="number"
            id={fieldId(P, percent)}
            name={percent}
            min="0"
            max="100"
            step="any"
            value={values[percent] ?? ''}
            {...invalidAttrs(P, percent, errors)}
          />
        </FieldRow>
        {SECTION_ROWS.slice(2).map((row) => (
          <TextareaRow
            prefix={P}
            name={row.name}
            label={row.label}
            errors={errors}
            value={values[row.name] ?? ''}
            {...(row.hint ? { placeholder: row.hint } : {})}
          />
        ))}
        <div class="actions">
          <button type="submit">Save sections</button>
          <button type="submit" class="secondary" formaction={`${props.base}/preview`}>
            Preview
          </button>
        </div>
      </form>
    </section>
  )
}

/** The TODO items with their tick boxes and the add form: one swap unit. */
export function TodoList(props: {
  incidentId: string
  todos: PostmortemTodo[]
  csrfToken: string
  form: FormState
}) {
  const base = postmortemPath(props.incidentId)
  const { values, errors } = props.form
  return (
    <section id={DOM.postmortemTodos} class="card postmortem-todos" aria-labelledby="todos-title">
      <h2 id="todos-title">TODO items</h2>
      {props.todos.length ? (
        <ul>
          {props.todos.map((t) => {
            const id = `todo-${t.id}`
            return (
              <li class={t.done ? 'todo-done' : 'todo-open'}>
                {/* Ticking posts the new state at once; without JavaScript, Save does. */}
                <form
                  method="post"
                  action={`${base}/todos/${t.id}/toggle`}
                  hx-post={`${base}/todos/${t.id}/toggle`}
                  hx-trigger="change"
                  hx-target={`#${DOM.postmortemTodos}`}
                  hx-swap="outerHTML"
                >
                  <CsrfField token={props.csrfToken} />
                  <input type="checkbox" id={id} name="done" checked={t.done} />
                  <label for={id}>
                    {t.text}
                    {t.owner && <span class="todo-owner"> ({t.owner})</span>}
                  </label>
                  <noscript>
                    <button type="submit" class="small secondary">
                      Save
                    </button>
                  </noscript>
                </form>
                <form
                  method="post"
                  action={`${base}/todos/${t.id}/delete`}
                  hx-post={`${base}/todos/${t.id}/delete`}
                  hx-target={`#${DOM.postmortemTodos}`}
                  hx-swap="outerHTML"
                >
                  <CsrfField token={props.csrfToken} />
                  <button type="submit" class="small secondary" aria-label={`Remove “${t.text}”`}>
                    Remove
                  </button>
                </form>
              </li>
            )
          })}
        </ul>
      ) : (
        <p class="muted">No TODO items yet.</p>
      )}
      <form
        method="post"
        action={`${base}/todos`}
        hx-post={`${base}/todos`}
        hx-target={`#${DOM.postmortemTodos}`}
        hx-swap="outerHTML"
        class="form-grid"
        aria-label="Add a TODO item"
      >
        <CsrfField token={props.csrfToken} />
        <FieldRow prefix="todo" name="text" label="New TODO item" errors={errors}>
          <input
            type="text"
            id={fieldId('todo', 'text')}
            name="text"
            maxlength={500}
            value={values.text ?? ''}
            {...invalidAttrs('todo', 'text', errors)}
          />
        </FieldRow>
        <FieldRow prefix="todo" name="owner" label="Owner" errors={errors}>
          <input
            type="text"
            id={fieldId('todo', 'owner')}
            name="owner"
            maxlength={80}
            value={values.owner ?? ''}
            {...invalidAttrs('todo', 'owner', errors)}
          />
        </FieldRow>
        <div class="actions">
          <button type="submit">Add TODO item</button>
        </div>
      </form>
    </section>
  )
}
