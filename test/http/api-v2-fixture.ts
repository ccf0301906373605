import { CLI_ACTOR } from '../../src/app/actor.ts'
import { createComponentGroup } from '../../src/app/component-groups.ts'
import { createComponent } from '../../src/app/components.ts'
import {
  cancelMaintenance,
  postMaintenanceUpdate,
  runMaintenanceTransitions,
  scheduleMaintenance,
} from '../../src/app/maintenance.ts'
import { openIncident } from '../../src/app/open-incident.ts'
import { postIncidentUpdate } from '../../src/app/post-incident-update.ts'
import { resolveIncident } from '../../src/app/resolve-incident.ts'
import { TEST_NOW, type TestApp } from '../support/app.ts'
import { seeder } from './public-seed.ts'

// A page as a responder builds it, through the real use cases (so status changes, derived state
// and cache invalidation are the real ones), shared by the /api/v2, feed and badge tests.
//
// In America/New_York, TEST_NOW (2026-11-22 12:00 UTC) is 07:00 EST, offset -05:00.

export const MINUTE = 60_000
export const HOUR = 60 * MINUTE
export const INTERNAL_NOTE = 'INTERNAL: db01 is on fire, page Bob at home'
export const XSS = '<img src=x onerror=alert(1)>'

export async function seedScenario(t: TestApp) {
  const { deps, clock } = t
  const actor = CLI_ACTOR
  clock.set(TEST_NOW - 10 * 24 * HOUR)
  await seeder(t).settings({
    pageName: 'Acme Status',
    timeZone: 'America/New_York',
    pageUrl: 'https://status.acme.example',
  })
  const platform = await createComponentGroup(deps, actor, {
    name: 'Platform',
    description: 'Core services',
  })
  const api = await createComponent(deps, actor, {
    name: 'API',
    groupId: platform.id,
    description: 'Public REST API',
  })
  const web = await createComponent(deps, actor, { name: 'Website', groupId: platform.id })
  const secret = await createComponent(deps, actor, {
    name: 'Secret backend',
    groupId: platform.id,
    visible: false,
  })
  const dashboard = await createComponent(deps, actor, { name: 'Dashboard' })

  // Resolved two days ago: investigating → monitoring → resolved, the website down meanwhile.
  clock.set(TEST_NOW - 48 * HOUR)
  const { incident: resolved } = await openIncident(deps, actor, {
    name: 'Login failures',
    impact: 'major',
    body: 'We are investigating **login failures**.',
    components: { [web.id]: 'major_outage' },
  })
  clock.advance(30 * MINUTE)
  const monitoring = await postIncidentUpdate(deps, actor, resolved.id, {
    body: 'A fix is deployed; we are watching.',
    status: 'monitoring',
    components: { [web.id]: 'degraded_performance' },
  })
  clock.advance(30 * MINUTE)
  const resolution = await resolveIncident(deps, actor, resolved.id, { body: 'All good now.' })

  // Open since an hour ago: a public update without a status, then an internal note.
  clock.set(TEST_NOW - HOUR)
  const { incident: open, event: opening } = await openIncident(deps, actor, {
    name: 'Slow API',
    impact: 'minor',
    body: 'API responses are slow.',
    components: { [api.id]: 'partial_outage', [secret.id]: 'major_outage' },
  })
  clock.advance(10 * MINUTE)
  const stillLooking = await postIncidentUpdate(deps, actor, open.id, {
    body: 'Still looking.',
  })
  clock.advance(10 * MINUTE)
  await postIncidentUpdate(deps, actor, open.id, { body: INTERNAL_NOTE, visibility: 'internal' })
  clock.set(TEST_NOW)

  return {
    platform,
    api,
    web,
    secret,
    dashboard,
    resolved,
    monitoring: monitoring.event,
    resolution: resolution.event,
    open,
    opening,
    stillLooking: stillLooking.event,
  }
}

export const DAY = 24 * HOUR

/**
 * Scheduled maintenance on top of seedScenario, through the real use cases and transitions:
 * - completed: "Database upgrade" on Dashboard, 3 days ago for 2 hours, verifying after 1 hour;
 * - active: "Network switch replacement" on Website, started 30 minutes ago, ends in an hour;
 * - upcoming: "Certificate rotation" on API and the hidden Secret backend, tomorrow;
 * - cancelled: "Old plan", was due in two days, called off 12 hours ago.
 * The clock ends at TEST_NOW.
 */
export async function seedMaintenance(t: TestApp, s: Awaited<ReturnType<typeof seedScenario>>) {
  const { deps, clock } = t
  const actor = CLI_ACTOR

  clock.set(TEST_NOW - 5 * DAY)
  const completed = await scheduleMaintenance(deps, actor, {
    name: 'Database upgrade',
    body: 'We will upgrade the **database**.',
    scheduledFor: TEST_NOW - 3 * DAY,
    scheduledUntil: TEST_NOW - 3 * DAY + 2 * HOUR,
    componentIds: [s.dashboard.id],
  })
  clock.set(TEST_NOW - 3 * DAY)
  await runMaintenanceTransitions(deps)
  clock.advance(HOUR)
  await postMaintenanceUpdate(deps, actor, completed.id, {
    body: 'Checking replicas.',
    status: 'verifying',
  })
  clock.set(TEST_NOW - 3 * DAY + 2 * HOUR)
  await runMaintenanceTransitions(deps)

  clock.set(TEST_NOW - 2 * DAY)
  const active = await scheduleMaintenance(deps, actor, {
    name: 'Network switch replacement',
    body: 'Replacing a core switch.',
    scheduledFor: TEST_NOW - 30 * MINUTE,
    scheduledUntil: TEST_NOW + HOUR,
    componentIds: [s.web.id],
  })

  clock.set(TEST_NOW - DAY)
  const upcoming = await scheduleMaintenance(deps, actor, {
    name: 'Certificate rotation',
    body: 'Rotating TLS certificates.',
    scheduledFor: TEST_NOW + DAY,
    scheduledUntil: TEST_NOW + DAY + 30 * MINUTE,
    componentIds: [s.api.id, s.secret.id],
  })
  const cancelled = await scheduleMaintenance(deps, actor, {
    name: 'Old plan',
    body: 'This will not happen.',
    scheduledFor: TEST_NOW + 2 * DAY,
    scheduledUntil: TEST_NOW + 2 * DAY + HOUR,
  })
  clock.set(TEST_NOW - 12 * HOUR)
  await cancelMaintenance(deps, actor, cancelled.id, { body: 'Called off.' })

  clock.set(TEST_NOW - 30 * MINUTE)
  await runMaintenanceTransitions(deps)
  clock.set(TEST_NOW)
  return { completed, active, upcoming, cancelled }
}
