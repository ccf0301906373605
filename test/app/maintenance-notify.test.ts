import { Webhook } from 'standardwebhooks'
import { afterEach, describe, expect, it } from 'vitest'
import { CLI_ACTOR } from '../../src/app/actor.ts'
import { createDispatcher } from '../../src/app/broadcast/dispatch.ts'
import { createComponent } from '../../src/app/components.ts'
import { runMaintenanceTransitions, scheduleMaintenance } from '../../src/app/maintenance.ts'
import { addSubscriber } from '../../src/app/subscriptions.ts'
import { updateSettings } from '../../src/app/update-settings.ts'
import { createTestApp, type TestApp } from '../support/app.ts'
import { startHookReceiver, type Hook } from '../support/hook-receiver.ts'
import { startMailSink, type MailSink } from '../support/mail-sink.ts'

// Issue 5: subscribers hear of a maintenance when it is scheduled, before it starts (the settings'
// reminder), when it starts and when it completes: real mail through a real SMTP server, real
// webhooks verified with the independent standardwebhooks package.

const MINUTE = 60_000
const HOUR = 60 * MINUTE

let t: TestApp
let sink: MailSink
let hook: Hook | undefined
afterEach(async () => {
  t?.close()
  await sink?.close()
  await hook?.close()
  hook = undefined
})

async function setUp(reminderMinutes?: number) {
  sink = await startMailSink()
  // Signatures carry a timestamp receivers check against their own clock: start at real time.
  t = createTestApp({
    now: Date.now(),
    env: {
      SMTP_URL: sink.url,
      WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
      BASE_URL: 'https://status.acme.test',
    },
  })
  if (reminderMinutes !== undefined)
    await updateSettings(t.deps, CLI_ACTOR, {
      pageName: 'Acme',
      timeZone: 'UTC',
      maintenanceReminderMinutes: reminderMinutes,
    })
  const db = await createComponent(t.deps, CLI_ACTOR, { name: 'Database' })
  const web = await createComponent(t.deps, CLI_ACTOR, { name: 'Website' })
  const dispatcher = createDispatcher(t.deps, { concurrency: 4 })
  return { db, web, dispatcher }
}

const email = (target: string, componentIds: string[] = []) =>
  addSubscriber(t.deps, CLI_ACTOR, { channel: 'email', target, componentIds, confirmed: true })

interface MaintenancePayload {
  incident: {
    id: string
    name: string
    status: string
    impact: string
    scheduled_for: string
    scheduled_until: string
    incident_updates: { status: string; body: string }[]
  }
}

function verify(secret: string, req: Hook['requests'][number]): MaintenancePayload {
  return new Webhook(secret).verify(req.body, {
    'webhook-id': String(req.headers['webhook-id']),
    'webhook-timestamp': String(req.headers['webhook-timestamp']),
    'webhook-signature': String(req.headers['webhook-signature']),
  }) as MaintenancePayload
}

describe('maintenance notifications', () => {
  it('mails and posts when scheduled, as a reminder, when it starts and when it completes, in one thread', async () => {
    // A short window and a one-minute reminder: webhook signatures carry the clock's time, and
    // the receiver only accepts timestamps within five minutes of its own.
    const { db, web, dispatcher } = await setUp(1)
    await email('ada@example.test')
    await email('db-team@example.test', [db.id])
    // Scoped to another component: hears nothing of this maintenance.
    await email('web-team@example.test', [web.id])
    hook = await startHookReceiver([{ status: 200 }])
    const endpoint = await addSubscriber(t.deps, CLI_ACTOR, {
      channel: 'webhook',
      target: hook.url,
    })

    // Whole seconds: the payload's timestamps carry no milliseconds.
    const start = Math.floor(t.clock.now() / 1000) * 1000 + 2 * MINUTE
    const m = await scheduleMaintenance(t.deps, CLI_ACTOR, {
      name: 'Database upgrade',
      body: 'We will upgrade the primary database.',
      scheduledFor: start,
      scheduledUntil: start + 2 * MINUTE,
      componentIds: [db.id],
    })
    const step = async (at: number) => {
      t.clock.set(at)
      await runMaintenanceTransitions(t.deps)
      await dispatcher.drain()
    }
    await step(t.clock.now())
    await step(start - MINUTE - 1000)
    expect(sink.messages).toHaveLength(2)
    await step(start - MINUTE)
    await step(start)
    await step(start + 2 * MINUTE)

    const to = (address: string) => sink.messages.filter((mail) => mail.to.includes(address))
    expect(to('web-team@example.test')).toEqual([])
    expect(to('db-team@example.test')).toHaveLength(4)
    const ada = to('ada@example.test')
    expect(ada).toHaveLength(4)
    // One stable subject and one thread: the announcement is the root the others reply to.
    expect(new Set(ada.map((mail) => mail.subject))).toEqual(new Set(['[Acme] Database upgrade']))
    const root = ada[0]!.headers['message-id']
    expect(root).toBe(`<incident-${m.id}@status.acme.test>`)
    for (const later of ada.slice(1)) {
      expect(later.headers['in-reply-to']).toBe(root)
      expect(later.headers['references']).toBe(root)
      expect(later.headers['message-id']).not.toBe(root)
    }
    expect(ada[0]!.text).toContain('We will upgrade the primary database.')
    expect(ada[1]!.text).toMatch(/Reminder: this maintenance starts/)
    expect(ada[2]!.text).toMatch(/In progress/)
    expect(ada[3]!.text).toMatch(/Completed/)
    for (const mail of ada)
      expect(mail.text).toContain(`https://status.acme.test/maintenance/${m.id}`)

    const payloads = hook.requests.map((req) => verify(endpoint.secret!, req))
    expect(payloads.map((p) => [p.incident.id, p.incident.status, p.incident.impact])).toEqual([
      [m.id, 'scheduled', 'maintenance'],
      [m.id, 'scheduled', 'maintenance'],
      [m.id, 'in_progress', 'maintenance'],
      [m.id, 'completed', 'maintenance'],
    ])
    expect(Date.parse(payloads[0]!.incident.scheduled_for)).toBe(start)
    expect(Date.parse(payloads[0]!.incident.scheduled_until)).toBe(start + 2 * MINUTE)
    expect(payloads[3]!.incident.incident_updates.map((u) => u.status)).toEqual([
      'completed',
      'in_progress',
      'scheduled',
    ])
  })

  it('reminds as many minutes ahead as the settings say, and not at all with 0', async () => {
    const { db, dispatcher } = await setUp(15)
    await email('ada@example.test')
    const start = t.clock.now() + 3 * HOUR
    await scheduleMaintenance(t.deps, CLI_ACTOR, {
      name: 'Cache flush',
      body: 'Flushing.',
      scheduledFor: start,
      scheduledUntil: start + HOUR,
      componentIds: [db.id],
    })
    await dispatcher.drain()
    expect(sink.messages).toHaveLength(1)
    // An hour ahead (the default) is too early with a 15-minute setting.
    t.clock.set(start - HOUR)
    expect(await runMaintenanceTransitions(t.deps)).toBe(0)
    t.clock.set(start - 15 * MINUTE - 1000)
    expect(await runMaintenanceTransitions(t.deps)).toBe(0)
    t.clock.set(start - 15 * MINUTE)
    expect(await runMaintenanceTransitions(t.deps)).toBe(1)
    await dispatcher.drain()
    expect(sink.messages).toHaveLength(2)
    expect(sink.messages[1]!.text).toMatch(/Reminder: this maintenance starts/)

    // The window runs and ends; then the reminder is turned off.
    t.clock.set(start + HOUR)
    expect(await runMaintenanceTransitions(t.deps)).toBe(2)
    await updateSettings(t.deps, CLI_ACTOR, {
      pageName: 'Acme',
      timeZone: 'UTC',
      maintenanceReminderMinutes: 0,
    })
    const later = start + 5 * HOUR
    await scheduleMaintenance(t.deps, CLI_ACTOR, {
      name: 'Second flush',
      body: 'Again.',
      scheduledFor: later,
      scheduledUntil: later + HOUR,
      componentIds: [db.id],
    })
    for (const at of [later - HOUR, later - 15 * MINUTE, later - 1000]) {
      t.clock.set(at)
      expect(await runMaintenanceTransitions(t.deps)).toBe(0)
    }
    await dispatcher.drain()
    const second = sink.messages.filter((mail) => mail.subject === '[Acme] Second flush')
    expect(second).toHaveLength(1)
    expect(second[0]!.text).not.toMatch(/Reminder/)
  })

  it('sends nothing at all for a maintenance scheduled without notifying', async () => {
    const { db, dispatcher } = await setUp()
    await email('ada@example.test')
    const start = t.clock.now() + 2 * HOUR
    await scheduleMaintenance(t.deps, CLI_ACTOR, {
      name: 'Quiet work',
      body: 'Nobody needs to know.',
      scheduledFor: start,
      scheduledUntil: start + HOUR,
      componentIds: [db.id],
      notify: false,
    })
    for (const at of [start - HOUR, start, start + HOUR]) {
      t.clock.set(at)
      await runMaintenanceTransitions(t.deps)
    }
    await dispatcher.drain()
    expect(sink.messages).toEqual([])
    const [done] = await t.deps.store.listMaintenances({ state: 'past' })
    expect(done).toMatchObject({ name: 'Quiet work', status: 'completed' })
  })
})
