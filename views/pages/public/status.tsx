import type { StatusPageView } from '../../../src/app/get-status-page.ts'
import { DOM } from '../../ids.ts'
import { PublicLayout } from '../../layouts/public.tsx'
import { StatusBanner } from '../../partials/public/banner.tsx'
import { ComponentList } from '../../partials/public/components.tsx'
import { IncidentCard } from '../../partials/public/incident.tsx'

/** GET / */
export function StatusPage(props: { view: StatusPageView }) {
  const { view } = props
  return (
    <PublicLayout page={view.page}>
      <h1 class="visually-hidden">{view.page.name}: current status</h1>
      <StatusBanner rollup={view.rollup} />
      {view.openIncidents.length ? (
        <section id={DOM.openIncidents} class="open-incidents">
          <h2 class="section-title">Active incidents</h2>
          {view.openIncidents.map((incident) => (
            <IncidentCard incident={incident} />
          ))}
        </section>
      ) : null}
      <ComponentList sections={view.sections} days={view.uptimeDays} dayLabels={view.dayLabels} />
      <p class="uptime-rule">{view.uptimeRule}</p>
      <p class="more">
        <a href="/history">Incident history →</a>
      </p>
    </PublicLayout>
  )
}
