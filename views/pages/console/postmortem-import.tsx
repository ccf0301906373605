import { EVENT_KIND_LABELS, IMPACT_LABELS } from '../../../src/domain/enums.ts'
import type { DryRunJson } from '../../../src/domain/postmortem/index.ts'
import { ConsoleLayout, CsrfField, type ConsoleContext } from '../../layouts/console.tsx'
import {
  FieldError,
  fieldId,
  invalidAttrs,
  type FormState,
} from '../../partials/console/common.tsx'
import { FieldRow } from '../../partials/console/fields.tsx'

// Importing an existing postmortem: paste or upload it, see what was read (nothing is saved yet),
// then import it as a resolved incident with its timeline and a published postmortem.

export const IMPORT_PATH = '/console/postmortems/import'

const P = 'import'

export function PostmortemImportPage(props: {
  ctx: ConsoleContext
  form: FormState
  /** What a dry run read, shown before anything is saved. */
  read?: DryRunJson | null
  /** The document read, carried to the Import button. */
  markdown?: string
  fileName?: string
}) {
  const { ctx, form, read } = props
  return (
    <ConsoleLayout ctx={{ ...ctx, section: 'incidents' }} title="Import a postmortem">
      <link rel="stylesheet" href="/css/console-incidents.css" />
      <link rel="stylesheet" href="/css/postmortem.css" />
      <p class="muted">
        <a href="/console">← Incidents</a>
      </p>
      <div class="page-head">
        <h1>Import a postmortem</h1>
      </div>
      {read ? (
        <ReadBack
          read={read}
          markdown={props.markdown ?? ''}
          fileName={props.fileName ?? ''}
          csrfToken={ctx.csrfToken}
        />
      ) : null}
      <section class="card" aria-labelledby="import-form-title">
        <h2 id="import-form-title">{read ? 'Read another document' : 'The document'}</h2>
        <form
          method="post"
          action={`${IMPORT_PATH}/preview`}
          enctype="multipart/form-data"
          class="stack"
          aria-labelledby="import-form-title"
        >
          <CsrfField token={ctx.csrfToken} />
          <p class="muted">
            A postmortem in Markdown, as teams write them: a summary with duration and impact, a
            timeline, root cause and resolution, corrective measures and TODO items. You see what
            was read before anything is saved.
          </p>
          <FieldRow prefix={P} name="markdown" label="Paste the Markdown" errors={form.errors}>
            <textarea
              id={fieldId(P, 'markdown')}
              name="markdown"
              rows={12}
              {...invalidAttrs(P, 'markdown', form.errors)}
            >
              {form.values.markdown ?? ''}
            </textarea>
          </FieldRow>
          <div class="form-row">
            <label for={fieldId(P, 'file')}>…or upload a file</label>
            <input
              id={fieldId(P, 'file')}
              type="file"
              name="file"
              accept=".md,.markdown,.txt,text/markdown,text/plain"
            />
            <FieldError prefix={P} name="file" label="File" errors={form.errors} />
          </div>
          <div class="actions">
            <button type="submit">Read it</button>
          </div>
        </form>
      </section>
    </ConsoleLayout>
  )
}

const dash = (text: string | null) => text ?? '(not found)'

function ReadBack(props: {
  read: DryRunJson
  markdown: string
  fileName: string
  csrfToken: string
}) {
  const { read } = props
  const undated = read.events.filter((e) => e.at === null).length
  return (
    <section class="card import-read" aria-labelledby="read-title">
      <h2 id="read-title">What was read: {read.name}</h2>
      <p class="muted">Nothing is saved until you import it.</p>
      <dl class="postmortem-facts">
        <div>
          <dt>Name</dt>
          <dd>{read.name}</dd>
        </div>
        <div>
          <dt>Started</dt>
          <dd>{dash(read.started_at)}</dd>
        </div>
        <div>
          <dt>Resolved</dt>
          <dd>{dash(read.resolved_at)}</dd>
        </div>
        <div>
          <dt>Time zone</dt>
          <dd>{read.time_zone ?? '(not stated)'}</dd>
        </div>
        <div>
          <dt>Impact</dt>
          <dd>{read.impact ? IMPACT_LABELS[read.impact] : '(not stated; imported as Minor)'}</dd>
        </div>
        <div>
          <dt>Root cause</dt>
          <dd>{dash(read.root_cause)}</dd>
        </div>
      </dl>
      <h3>
        Timeline: {read.events.length} {read.events.length === 1 ? 'event' : 'events'}
        {undated ? `, ${undated} without a time (not imported)` : ''}
      </h3>
      <div class="table-wrap">
        <table class="table import-events">
          <thead>
            <tr>
              <th scope="col">At</th>
              <th scope="col">Kind</th>
              <th scope="col">Event</th>
            </tr>
          </thead>
          <tbody>
            {read.events.map((e) => (
              <tr>
                <td>{e.at ? <time datetime={e.at}>{e.at}</time> : <em>no time</em>}</td>
                <td>{EVENT_KIND_LABELS[e.kind]}</td>
                <td>{e.body}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h3>TODO items: {read.todos.length}</h3>
      {read.todos.length ? (
        <ul class="postmortem-todo-list import-todos">
          {read.todos.map((t) => (
            <li class={t.done ? 'todo-done' : 'todo-open'}>
              <span class="todo-state">{t.done ? 'Done' : 'To do'}</span> {t.text}
              {t.owner && <span class="todo-owner"> ({t.owner})</span>}
            </li>
          ))}
        </ul>
      ) : null}
      <h3>Warnings</h3>
      {read.warnings.length ? (
        <ul class="import-warnings">
          {read.warnings.map((w) => (
            <li>{w}</li>
          ))}
        </ul>
      ) : (
        <p class="muted">None: everything was read.</p>
      )}
      <form method="post" action={IMPORT_PATH} class="actions">
        <CsrfField token={props.csrfToken} />
        <input type="hidden" name="markdown" value={props.markdown} />
        <input type="hidden" name="fileName" value={props.fileName} />
        <button type="submit">Import</button>
      </form>
      <p class="muted small">
        Importing creates a resolved incident with these events and a published postmortem. Nobody
        is notified. Importing the same document again opens the incident it became.
      </p>
    </section>
  )
}
