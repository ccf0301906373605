import type { ImportReport } from '../../../src/app/subscriptions.ts'
import { ConsoleLayout, type ConsoleContext } from '../../layouts/console.tsx'
import { SubscribersAssets } from './subscribers-common.tsx'

/** What a CSV import did: how many were added, and every rejected row with its line and reason. */
export function ImportReportPage(props: { ctx: ConsoleContext; report: ImportReport }) {
  const { report } = props
  return (
    <ConsoleLayout ctx={{ ...props.ctx, section: 'subscribers' }} title="Import report">
      <SubscribersAssets />
      <p>
        <a href="/console/subscribers">← Subscribers</a>
      </p>
      <div class="page-head">
        <h1>Import report</h1>
      </div>
      <div class={`flash ${report.added ? 'flash-ok' : 'flash-error'}`} role="status">
        <p id="import-added">
          {report.added === 1 ? '1 subscriber added.' : `${report.added} subscribers added.`}
        </p>
        <p id="import-rejected">
          {report.skipped.length === 0
            ? 'No rows were rejected.'
            : report.skipped.length === 1
              ? '1 row was rejected.'
              : `${report.skipped.length} rows were rejected.`}
        </p>
      </div>
      {report.skipped.length > 0 && (
        <section class="card" aria-labelledby="rejected-title">
          <h2 id="rejected-title">Rejected rows</h2>
          <div class="table-wrap">
            <table class="table import-rejected">
              <thead>
                <tr>
                  <th scope="col">Line</th>
                  <th scope="col">Address</th>
                  <th scope="col">Reason</th>
                </tr>
              </thead>
              <tbody>
                {report.skipped.map((row) => (
                  <tr>
                    <td>{row.line}</td>
                    <td>{row.target ? <code>{row.target}</code> : '—'}</td>
                    <td>{row.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
      <p>
        <a class="button" href="/console/subscribers">
          Back to the subscribers
        </a>
      </p>
    </ConsoleLayout>
  )
}
