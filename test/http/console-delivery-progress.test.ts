import { afterEach, describe, expect, it } from 'vitest'
import { CLI_ACTOR } from '../../src/app/actor.ts'
import { createDispatcher, expandBroadcasts } from '../../src/app/broadcast/dispatch.ts'
import { createComponent } from '../../src/app/components.ts'
import { openIncident } from '../../src/app/open-incident.ts'
import { postIncidentUpdate } from '../../src/app/post-incident-update.ts'
import { addSubscriber, unsubscribe } from '../../src/app/subscriptions.ts'
import { createTestApp, type TestApp } from '../support/app.ts'
import { startHookReceiver, type Hook } from '../support/hook-receiver.ts'
import { signedIn } from './console-auth-support.ts'

// The incident page's broadcast side: how many subscribers an update will reach (refreshed as the
// composer's component choice changes), and each public event's live delivery progress.

let t: TestApp
const hooks: Hook[] = []
afterEach(async () => {
  t?.close()
  for (const h of hooks.splice(0)) await h.close()
})

const HTMX = { headers: { 'HX-Request': 'true' } }

async function hook(script?: Hook['script']) {
  const h = await startHookReceiver(script)
  hooks.push(h)
  return h
}

const email = (target: string, componentIds: string[] = [], confirmed = true) =>
  addSubscriber(t.deps, CLI_ACTOR, { channel: 'email', target, componentIds, confirmed })

/** The "N subscribers will be notified" element, or '' when absent. */
const notifyCount = (html: string) =>
  /<p class="notify-count[^"]*"[^>]*>[^<]*<\/p>/.exec(html)?.[0] ?? ''
const countOf = (html: string) => Number(/data-count="(\d+)"/.exec(notifyCount(html))?.[1] ?? NaN)

/** The progress block of one event in a page or fragment. */
function progressBlock(html: string): string {
  const start = html.indexOf('<div class="delivery-progress')
  if (start < 0) return ''
  const end = html.indexOf('</div>', html.indexOf('delivery-summary', start))
  return html.slice(start, end)
}

describe('the composer says how many subscribers an update will reach', () => {
  it('counts the incident’s components, and more when the selection adds one', async () => {
    t = createTestApp()
    const api = await createComponent(t.deps, CLI_ACTOR, { name: 'API' })
    const web = await createComponent(t.deps, CLI_ACTOR, { name: 'Website' })
    const docs = await createComponent(t.deps, CLI_ACTOR, { name: 'Docs' })
    await email('everything@example.com')
    await email('api@example.com', [api.id])
    await email('web@example.com', [web.id])
    await email('docs@example.com', [docs.id])
    await email('unconfirmed@example.com', [], false)
    const gone = await email('gone@example.com')
    await unsubscribe(t.deps, gone.manageToken)
    const { incident } = await openIncident(t.deps, CLI_ACTOR, {
      name: 'API errors',
      impact: 'major',
      body: 'Looking.',
      components: { [api.id]: 'major_outage' },
      notify: false,
    })
    const { client } = await signedIn(t, 'responder')

    // Without JavaScript: the count for the incident's components (everyone + API).
    const page = await client.get(`/console/incidents/${incident.id}`)
    expect(page.status).toBe(200)
    const count = notifyCount(page.text)
    expect(count).toContain('2 subscribers will be notified.')
    // With htmx: refreshed on any change in the composer, sending only the selection.
    expect(count).toContain(`hx-get="/console/incidents/${incident.id}/recipients"`)
    expect(count).toContain('hx-trigger="change from:#composer"')
    expect(count).toMatch(/hx-include="[^"]*select\[name\^=&#39;components\.&#39;\]/)

    const base = `/console/incidents/${incident.id}/recipients`
    const withWeb = await client.get(
      `${base}?components.${web.id}=degraded_performance&visibility=public&notify=on`,
      HTMX,
    )
    expect(withWeb.status).toBe(200)
    expect(countOf(withWeb.text)).toBe(3)
    expect(withWeb.text).toContain('3 subscribers will be notified.')

    const withBoth = await client.get(
      `${base}?components.${web.id}=degraded_performance&components.${docs.id}=major_outage&visibility=public&notify=on`,
      HTMX,
    )
    expect(countOf(withBoth.text)).toBe(4)

    // "No change" (blank) does not widen the scope.
    const blank = await client.get(
      `${base}?components.${web.id}=&visibility=public&notify=on`,
      HTMX,
    )
    expect(countOf(blank.text)).toBe(2)

    const internal = await client.get(
      `${base}?components.${web.id}=major_outage&visibility=internal&notify=on`,
      HTMX,
    )
    expect(internal.text).toContain('Internal notes are never sent to subscribers.')
    const off = await client.get(`${base}?visibility=public`, HTMX)
    expect(off.text).toContain('Notify is off: 2 subscribers would be notified.')
  })

  it('keeps the chosen scope in the count when the form comes back with an error', async () => {
    t = createTestApp()
    const api = await createComponent(t.deps, CLI_ACTOR, { name: 'API' })
    const web = await createComponent(t.deps, CLI_ACTOR, { name: 'Website' })
    await email('api@example.com', [api.id])
    await email('web@example.com', [web.id])
    const { incident } = await openIncident(t.deps, CLI_ACTOR, {
      name: 'API errors',
      impact: 'major',
      body: 'Looking.',
      components: { [api.id]: 'major_outage' },
      notify: false,
    })
    const { client } = await signedIn(t, 'owner')
    await client.get(`/console/incidents/${incident.id}`)
    const res = await client.post(`/console/incidents/${incident.id}/updates`, {
      body: '',
      [`components.${web.id}`]: 'degraded_performance',
      visibility: 'public',
      notify: 'on',
    })
    expect(res.status).toBe(422)
    expect(countOf(res.text)).toBe(2)
  })

  it('is refused to viewers, who have no composer', async () => {
    t = createTestApp()
    const { incident } = await openIncident(t.deps, CLI_ACTOR, {
      name: 'X',
      impact: 'minor',
      body: 'Y.',
    })
    const { client } = await signedIn(t, 'viewer')
    expect(notifyCount((await client.get(`/console/incidents/${incident.id}`)).text)).toBe('')
    expect((await client.get(`/console/incidents/${incident.id}/recipients`, HTMX)).status).toBe(
      403,
    )
    expect((await client.get('/console/incidents/nope/recipients', HTMX)).status).toBe(403)
  })
})

/** Opens an incident (broadcast to everyone) and signs a viewer in to watch its progress. */
async function openAndWatch() {
  const { incident, event } = await openIncident(t.deps, CLI_ACTOR, {
    name: 'Checkout failing',
    impact: 'major',
    body: 'Looking.',
  })
  const { client } = await signedIn(t, 'viewer')
  return {
    incident,
    client,
    fragment: `/console/incidents/${incident.id}/events/${event.id}/delivery`,
  }
}

describe('delivery progress on the timeline', () => {
  it('polls while the broadcast is under way and stops at 100 % once everything arrived', async () => {
    t = createTestApp({ env: { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' } })
    const receiver = await hook([{ status: 204 }])
    await email('ops@example.com')
    await addSubscriber(t.deps, CLI_ACTOR, { channel: 'webhook', target: receiver.url })
    const { incident, client, fragment } = await openAndWatch()

    // Posted, not yet picked up by the dispatcher.
    const page = await client.get(`/console/incidents/${incident.id}`)
    const queued = progressBlock(page.text)
    expect(queued).toContain('hx-trigger="every 2s"')
    expect(queued).toContain(`hx-get="${fragment}"`)
    expect(queued).toContain('Queued for delivery to 2 subscribers')

    const dispatcher = createDispatcher(t.deps)
    await dispatcher.expand()
    const expanded = await client.get(fragment, HTMX)
    expect(expanded.status).toBe(200)
    expect(expanded.headers.get('Cache-Control')).toBe('no-store')
    expect(expanded.text).toContain('hx-trigger="every 2s"')
    expect(expanded.text).toContain('0 of 2 delivered (0 %)')
    expect(expanded.text).toContain('data-delivered-percent="0"')

    await dispatcher.drain()
    const done = await client.get(fragment, HTMX)
    expect(done.text).toContain('2 of 2 delivered (100 %)')
    expect(done.text).toContain('data-delivered-percent="100"')
    // Complete: the answer carries no trigger, so htmx stops polling.
    expect(done.text).not.toContain('hx-trigger')
    expect(done.text).not.toContain('hx-get')
    expect(receiver.requests).toHaveLength(1)
    expect(progressBlock((await client.get(`/console/incidents/${incident.id}`)).text)).toContain(
      'data-delivered-percent="100"',
    )
  })

  it('counts subscribers the dispatcher has not reached yet as pending while it expands', async () => {
    t = createTestApp()
    for (const n of [1, 2, 3, 4, 5]) await email(`ops${n}@example.com`)
    const { client, fragment } = await openAndWatch()

    // One batch of two expanded, and both delivered; three subscribers are still to come.
    expect(await expandBroadcasts(t.deps, { expandBatch: 2, maxBatches: 1 })).toBe(1)
    const first = await t.deps.store.listDeliveries({})
    expect(first).toHaveLength(2)
    await t.deps.store.commit([
      { type: 'delivery.delivered', ids: first.map((d) => d.id), at: t.clock.now(), status: null },
    ])
    const partial = await client.get(fragment, HTMX)
    expect(partial.text).toContain('2 of 5 delivered (40 %); still adding subscribers…')
    expect(partial.text).toContain('data-delivered-percent="40"')
    expect(partial.text).toContain('3 pending')
    expect(partial.text).toContain('hx-trigger="every 2s"')

    await createDispatcher(t.deps).drain()
    const done = await client.get(fragment, HTMX)
    expect(done.text).toContain('5 of 5 delivered (100 %)')
    expect(done.text).not.toContain('hx-trigger')
  })

  it('names each failure’s reason and links to the broadcast’s failed deliveries', async () => {
    t = createTestApp({ env: { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' } })
    const good = await hook([{ status: 200 }])
    const gone = await hook([{ status: 400 }])
    const flaky = await hook([{ status: 503 }])
    await addSubscriber(t.deps, CLI_ACTOR, { channel: 'webhook', target: good.url })
    const dead = await addSubscriber(t.deps, CLI_ACTOR, { channel: 'webhook', target: gone.url })
    await addSubscriber(t.deps, CLI_ACTOR, { channel: 'webhook', target: flaky.url })
    const { incident, event } = await openIncident(t.deps, CLI_ACTOR, {
      name: 'Checkout failing',
      impact: 'major',
      body: 'Looking.',
    })
    // One round: 200 delivered, 400 dead at once, 503 waits for a retry.
    await createDispatcher(t.deps).drain()
    const { client } = await signedIn(t, 'owner')
    const fragment = await client.get(
      `/console/incidents/${incident.id}/events/${event.id}/delivery`,
      HTMX,
    )
    expect(fragment.text).toContain('1 of 3 delivered (33 %)')
    expect(fragment.text).toMatch(/<li class="legend-retrying">1 retrying<\/li>/)
    expect(fragment.text).toMatch(/<li class="legend-dead">1 failed<\/li>/)
    expect(fragment.text).toContain('<code>HTTP 400</code> × 1')
    expect(fragment.text).toContain('<code>HTTP 503</code> × 1')
    // A retry is pending: still polling.
    expect(fragment.text).toContain('hx-trigger="every 2s"')
    const [broadcast] = await t.deps.store.listBroadcastsFor({ incidentId: incident.id })
    const link = `/console/deliveries?broadcast=${broadcast!.id}&amp;state=dead`
    expect(fragment.text).toContain(`href="${link}"`)

    const list = await client.get(link.replace('&amp;', '&'))
    expect(list.status).toBe(200)
    const table =
      /<table class="table deliveries-table">[\s\S]*?<\/table>/.exec(list.text)?.[0] ?? ''
    expect(table).toContain(gone.url)
    expect(table).toContain('<code>HTTP 400</code>')
    expect(table).not.toContain(good.url)
    expect(list.text).toContain('Replay the 1 failed')

    gone.script = [{ status: 200 }]
    const replay = await client.post('/console/deliveries/replay', { broadcast: broadcast!.id })
    expect(replay.status).toBe(303)
    expect(replay.headers.get('Location')).toContain('done=replayed&count=1')
    const [again] = await t.deps.store.listDeliveries({ subscriberId: dead.id })
    expect(again?.state).toBe('pending')
  })

  it('shows no bar for internal notes or updates posted without notifying', async () => {
    t = createTestApp()
    await email('ops@example.com')
    const { incident } = await openIncident(t.deps, CLI_ACTOR, {
      name: 'Quiet',
      impact: 'minor',
      body: 'Opened quietly.',
      notify: false,
    })
    await postIncidentUpdate(t.deps, CLI_ACTOR, incident.id, {
      body: 'Internal.',
      visibility: 'internal',
    })
    const { client } = await signedIn(t, 'owner')
    const page = await client.get(`/console/incidents/${incident.id}`)
    expect(page.text).not.toContain('class="delivery-progress')
    expect(page.text).toContain('Not broadcast')
  })

  it('gives a fresh update, posted with htmx, a polling bar at once', async () => {
    t = createTestApp()
    await email('ops@example.com')
    const { incident } = await openIncident(t.deps, CLI_ACTOR, {
      name: 'Slow',
      impact: 'minor',
      body: 'Looking.',
      notify: false,
    })
    const { client } = await signedIn(t, 'responder')
    await client.get(`/console/incidents/${incident.id}`)
    const res = await client.post(
      `/console/incidents/${incident.id}/updates`,
      { body: 'Fix deployed.', visibility: 'public', notify: 'on' },
      HTMX,
    )
    expect(res.status).toBe(200)
    const block = progressBlock(res.text)
    expect(block).toContain('hx-trigger="every 2s"')
    expect(block).toContain('Queued for delivery')
  })

  it('sends a navigation to the fragment back to the incident page, and 404s a foreign event', async () => {
    t = createTestApp()
    const a = await openIncident(t.deps, CLI_ACTOR, { name: 'A', impact: 'minor', body: 'A.' })
    const b = await openIncident(t.deps, CLI_ACTOR, { name: 'B', impact: 'minor', body: 'B.' })
    const { client } = await signedIn(t, 'viewer')
    const nav = await client.get(
      `/console/incidents/${a.incident.id}/events/${a.event.id}/delivery`,
    )
    expect(nav.status).toBe(303)
    expect(nav.headers.get('Location')).toBe(
      `/console/incidents/${a.incident.id}#event-${a.event.id}`,
    )
    const foreign = await client.get(
      `/console/incidents/${a.incident.id}/events/${b.event.id}/delivery`,
      HTMX,
    )
    expect(foreign.status).toBe(404)
  })
})
