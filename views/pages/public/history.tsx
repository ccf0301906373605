import type { HistoryView } from '../../../src/app/get-history.ts'
import { PublicLayout } from '../../layouts/public.tsx'
import { Time } from '../../partials/public/time.tsx'

const pageHref = (n: number) => (n === 1 ? '/history' : `/history?page=${n}`)

/** GET /history?page=N */
export function HistoryPage(props: { view: HistoryView }) {
  const { view } = props
  return (
    <PublicLayout page={view.page} title="Incident history">
      <h1 class="page-title">Incident history</h1>
      {view.months.map((month) => (
        <section class="month">
          <h2 class="month-title">{month.title}</h2>
          {month.incidents.length === 0 ? (
            <p class="empty">No incidents reported</p>
          ) : (
            <ul class="history-list">
              {month.incidents.map((incident) => (
                <li class={`history-item impact-${incident.impact}`}>
                  <a class="history-name" href={`/incidents/${encodeURIComponent(incident.id)}`}>
                    {incident.name}
                  </a>
                  <p class="incident-meta">
                    <span class="badge">{incident.statusLabel}</span>
                    <span>{incident.impactText}</span>
                    <span>
                      <Time stamp={incident.started} />
                      {incident.resolvedShort ? (
                        <>
                          {' – '}
                          <Time stamp={incident.resolvedShort} />
                        </>
                      ) : null}
                    </span>
                    <span>
                      {incident.ongoing
                        ? `ongoing, ${incident.duration} so far`
                        : `lasted ${incident.duration}`}
                    </span>
                  </p>
                </li>
              ))}
            </ul>
          )}
        </section>
      ))}
      <nav class="pager" aria-label="History pages">
        {view.newerPage ? (
          <a rel="prev" href={pageHref(view.newerPage)}>
            ← Newer
          </a>
        ) : (
          <span></span>
        )}
        {view.olderPage ? (
          <a rel="next" href={pageHref(view.olderPage)}>
            Older →
          </a>
        ) : null}
      </nav>
    </PublicLayout>
  )
}
