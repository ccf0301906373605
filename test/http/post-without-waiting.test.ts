import { afterEach, describe, expect, it } from 'vitest'
import { CLI_ACTOR } from '../../src/app/actor.ts'
import { createApiToken } from '../../src/app/create-api-token.ts'
import { createUser } from '../../src/app/create-user.ts'
import { openIncident } from '../../src/app/open-incident.ts'
import { addSubscriber } from '../../src/app/subscriptions.ts'
import { startReceiver, type Receiver } from '../adapters/outbound/receiver.ts'
import { startTestServer, type TestServer } from '../support/server.ts'

// DESIGN.md: posting writes the event and its broadcast, and "the request returns at once; delivery
// happens after". A real server with its delivery worker, and a webhook endpoint that never answers:
// the API's answer arrives while that delivery is still in flight.

let server: TestServer | undefined
let hanging: Receiver | undefined
afterEach(async () => {
  // The endpoint goes first: its dropped connection ends the send the worker is waiting on.
  await hanging?.close()
  await server?.close()
  hanging = server = undefined
})

async function until(check: () => Promise<boolean> | boolean, timeoutMs = 10_000) {
  const end = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('posting an update', () => {
  it('answers before the broadcast is delivered, with the delivery still in flight', async () => {
    hanging = await startReceiver({ reply: 'hang' })
    server = await startTestServer({ env: { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' } })
    const { deps } = server
    const owner = await createUser(deps, CLI_ACTOR, {
      email: 'owner@acme.test',
      name: 'Owner',
      password: 'correct horse battery',
      role: 'owner',
    })
    const { secret } = await createApiToken(deps, CLI_ACTOR, { name: 'script', userId: owner.id })
    const sub = await addSubscriber(deps, CLI_ACTOR, {
      channel: 'webhook',
      target: `${hanging.origin}/hook`,
    })
    const { incident } = await openIncident(deps, CLI_ACTOR, {
      name: 'Quiet start',
      impact: 'minor',
      body: 'Opened without notifying.',
      notify: false,
    })

    const res = await fetch(`${server.url}/api/v1/incidents/${incident.id}/updates`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ body: 'We are rolling back.', status: 'identified' }),
    })
    expect(res.status).toBe(201)

    // The worker picks the broadcast up after the answer and is now waiting on the endpoint,
    // which will not answer within the 15 s timeout: a request that waited could not be done yet.
    await until(() => hanging!.requests.length === 1)
    const [delivery] = await deps.store.listDeliveries({ subscriberId: sub.id })
    expect(delivery).toMatchObject({ state: 'sending', attempts: 1 })
    expect(JSON.parse(hanging.requests[0]!.body).incident.incident_updates[0].body).toBe(
      'We are rolling back.',
    )
  })
})
