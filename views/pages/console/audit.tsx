import type { AuditEntry } from '../../../src/domain/types.ts'
import { ConsoleLayout, type ConsoleContext } from '../../layouts/console.tsx'

function Json(props: { label: string; value: unknown }) {
  return (
    <div class="audit-json">
      <span class="muted">{props.label}</span>
      {/* Text children are escaped by Hono JSX, whatever the JSON holds. */}
      <pre>{props.value === null ? '—' : JSON.stringify(props.value, null, 2)}</pre>
    </div>
  )
}

export function AuditPage(props: {
  ctx: ConsoleContext
  entries: AuditEntry[]
  nextBefore: string | null
  isFirstPage: boolean
  timeZone: string
  formatTime: (ms: number) => { text: string; iso: string }
}) {
  return (
    <ConsoleLayout ctx={{ ...props.ctx, section: 'audit' }} title="Audit log">
      <div class="page-title">
        <h1>Audit log</h1>
        <span class="muted">Times in {props.timeZone}</span>
      </div>
      {props.entries.length === 0 ? (
        <p class="empty">Nothing has been recorded {props.isFirstPage ? 'yet' : 'before this'}.</p>
      ) : (
        <div class="table-wrap">
          <table class="table table-stack audit-table">
            <thead>
              <tr>
                <th scope="col">Who</th>
                <th scope="col">What</th>
                <th scope="col">When</th>
                <th scope="col">Before → after</th>
              </tr>
            </thead>
            <tbody>
              {props.entries.map((e) => {
                const when = props.formatTime(e.at)
                return (
                  <tr>
                    <td data-label="Who">{e.actorLabel}</td>
                    <td data-label="What">
                      <code>{e.action}</code>{' '}
                      <span class="muted">
                        {e.entityType} {e.entityId}
                      </span>
                    </td>
                    <td data-label="When">
                      <time datetime={when.iso}>{when.text}</time>
                    </td>
                    <td data-label="Before → after">
                      {e.before === null && e.after === null ? (
                        <span class="muted">—</span>
                      ) : (
                        <details>
                          <summary>Show change</summary>
                          <div class="audit-diff">
                            <Json label="Before" value={e.before} />
                            <Json label="After" value={e.after} />
                          </div>
                        </details>
                      )}
                    </td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
      )}
      <nav class="pagination" aria-label="Audit log pages">
        {props.isFirstPage ? null : <a href="/console/audit">← Newest</a>}
        {props.nextBefore ? (
          <a href={`/console/audit?before=${encodeURIComponent(props.nextBefore)}`}>Older →</a>
        ) : null}
      </nav>
    </ConsoleLayout>
  )
}
