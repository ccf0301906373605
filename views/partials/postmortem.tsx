import { EVENT_KIND_LABELS, IMPACT_LABELS } from '../../src/domain/enums.ts'
import {
  formatPostmortemDuration,
  type PostmortemDocument,
} from '../../src/domain/postmortem/index.ts'
import { formatInZone, toIsoWithOffset } from '../../src/domain/time.ts'
import { renderMarkdown } from '../markdown.ts'

// A postmortem laid out for reading: on the public incident page once published, and as the
// console editor's preview. Text sections go through the one sanitizing Markdown renderer; TODO
// items are plain text. The timeline includes internal events: that is the published document
// (DESIGN.md); the console marks them so responders see what publishing shows.

const Markdown = (props: { source: string }) => (
  <div class="markdown" dangerouslySetInnerHTML={{ __html: renderMarkdown(props.source) }} />
)

const When = (props: { ms: number; tz: string }) => (
  <time datetime={toIsoWithOffset(props.ms, props.tz)}>
    {formatInZone(props.ms, props.tz, 'datetime')}
  </time>
)

function Section(props: { title: string; text: string | null; empty?: string }) {
  const text = props.text?.trim() ?? ''
  if (!text && !props.empty) return null
  return (
    <>
      <h4>{props.title}</h4>
      {text ? <Markdown source={text} /> : <p class="muted">{props.empty}</p>}
    </>
  )
}

export function PostmortemView(props: {
  doc: PostmortemDocument
  /** Console preview: internal events carry a marker. */
  markInternal?: boolean
  /** Shown under the title on the public page. */
  publishedAt?: number | null
  /** The public page titles the section; the console's preview pane has its own heading. */
  titled?: boolean
}) {
  const { doc } = props
  const tz = doc.timeZone
  return (
    <section class="postmortem" aria-labelledby={props.titled ? 'postmortem-title' : undefined}>
      {props.titled && (
        <h2 id="postmortem-title" class="section-title">
          Postmortem
        </h2>
      )}
      {props.publishedAt != null && (
        <p class="postmortem-published muted">
          Published <When ms={props.publishedAt} tz={tz} />
        </p>
      )}
      <h3>Issue summary</h3>
      <dl class="postmortem-facts">
        <div>
          <dt>Duration</dt>
          <dd>{formatPostmortemDuration(doc.startedAt, doc.resolvedAt, tz)}</dd>
        </div>
        <div>
          <dt>Impact</dt>
          <dd>
            {IMPACT_LABELS[doc.impact]}
            {doc.impactText.trim() ? ` \u2014 ${doc.impactText.trim()}` : ''}
          </dd>
        </div>
        {doc.usersAffectedPercent !== null && (
          <div>
            <dt>Users affected</dt>
            <dd>{doc.usersAffectedPercent}%</dd>
          </div>
        )}
      </dl>
      {doc.summary.trim() && <Markdown source={doc.summary} />}

      <h3>Timeline</h3>
      {doc.events.length ? (
        <ol class="postmortem-timeline">
          {doc.events.map((e) => (
            <li class={`postmortem-event kind-${e.kind}`}>
              <p class="postmortem-event-head">
                <When ms={e.at} tz={tz} />{' '}
                <span class="postmortem-kind">{EVENT_KIND_LABELS[e.kind]}</span>
                {props.markInternal && e.internal && (
                  <>
                    {' '}
                    <span class="postmortem-internal">internal</span>
                  </>
                )}
              </p>
              <Markdown source={e.body} />
            </li>
          ))}
        </ol>
      ) : (
        <p class="muted">No events.</p>
      )}

      <h3>Root cause and resolution</h3>
      <Section title="Root cause" text={doc.rootCause} empty="Not written yet." />
      <Section title="Resolution" text={doc.resolution} empty="Not written yet." />

      <h3>Corrective and preventative measures</h3>
      {doc.measures.trim() && <Markdown source={doc.measures} />}
      <h4>Action items</h4>
      {doc.todos.length ? (
        <ul class="postmortem-todo-list">
          {doc.todos.map((t) => (
            <li class={t.done ? 'todo-done' : 'todo-open'}>
              <span class="todo-state">{t.done ? 'Done' : 'To do'}</span> {t.text}
              {t.owner && <span class="todo-owner"> ({t.owner})</span>}
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">None.</p>
      )}

      {doc.lessons?.trim() && (
        <>
          <h3>Lessons learned</h3>
          <Markdown source={doc.lessons} />
        </>
      )}
    </section>
  )
}
