import { CLI_ACTOR } from '../../src/app/actor.ts'
import { createComponentGroup } from '../../src/app/component-groups.ts'
import { createComponent } from '../../src/app/components.ts'
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
