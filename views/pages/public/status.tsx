import type { StatusPageView } from '../../../src/app/get-status-page.ts'
import { DOM } from '../../ids.ts'
import { PublicLayout } from '../../layouts/public.tsx'
import { StatusBanner } from '../../partials/public/banner.tsx'
import { ComponentList } from '../../partials/public/components.tsx'
import { IncidentCard } from '../../partials/public/incident.tsx'
import { MaintenanceCard } from '../../partials/public/maintenance.tsx'

/** GET / */
export function StatusPage(props: { view: StatusPageView }) {
  const { view } = props
  const anyMaintenance = view.maintenanceInProgress.length + view.upcomingMaintenance.length > 0
  return (
    <PublicLayout
      page={view.page}
      head={
        <>
          {anyMaintenance ? <link rel="stylesheet" href="/css/maintenance.css" /> : null}
          <link
            rel="alternate"
            type="text/calendar"
            title={`${view.page.name} maintenance (iCalendar)`}
            href="/maintenance.ics"
          />
        </>
      }
    >
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
      {view.maintenanceInProgress.length ? (
        <section id={DOM.maintenanceInProgress} class="maintenance-in-progress">
          <h2 class="section-title">Maintenance in progress</h2>
          {view.maintenanceInProgress.map((maintenance) => (
            <MaintenanceCard maintenance={maintenance} />
          ))}
        </section>
      ) : null}
      <ComponentList sections={view.sections} days={view.uptimeDays} dayLabels={view.dayLabels} />
      <p class="uptime-rule">{view.uptimeRule}</p>
      {view.upcomingMaintenance.length ? (
        <section id={DOM.upcomingMaintenance} class="upcoming-maintenance">
          <h2 class="section-title">Upcoming maintenance</h2>
          {view.upcomingMaintenance.map((maintenance) => (
            <MaintenanceCard maintenance={maintenance} />
          ))}
        </section>
      ) : null}
      <p class="more">
        <a href="/history">Incident history →</a> ·{' '}
        <a href="/maintenance.ics">Maintenance calendar (iCalendar)</a>
      </p>
    </PublicLayout>
  )
}
