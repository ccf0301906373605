import { CLI_ACTOR } from '../../src/app/actor.ts'
import { createComponentGroup } from '../../src/app/component-groups.ts'
import { createComponent } from '../../src/app/components.ts'
import { createApiToken } from '../../src/app/create-api-token.ts'
import { createUser } from '../../src/app/create-user.ts'
import { openIncident } from '../../src/app/open-incident.ts'
import { postIncidentUpdate } from '../../src/app/post-incident-update.ts'
import { resolveIncident } from '../../src/app/resolve-incident.ts'
import { updateSettings } from '../../src/app/update-settings.ts'
import { createFixedClock, createTimeIds } from '../../src/adapters/system.ts'
import { parseConfig } from '../../src/config.ts'
import type { ComponentStatus, Impact } from '../../src/domain/enums.ts'
import { createNodeDeps } from '../../src/runtime/node.ts'

// Builds the benchmark's database through the real use cases, so the data has the shape production
// data has (status-change history, derived incident state, audit entries). A clock we move by hand
// plays the last 90 days forward; a seeded random makes every run build the same page.

const DAY = 86_400_000
const MINUTE = 60_000

export interface SeedOptions {
  groups?: number
  components?: number
  resolvedIncidents?: number
  days?: number
  /** "Now" for the data; the open incidents start shortly before it. */
  now?: number
}

export interface SeedResult {
  /** A read-scoped API token for GET /api/v1/components. */
  token: string
  counts: { groups: number; components: number; incidents: number; events: number }
  ms: number
}

function random(seed: number) {
  let a = seed >>> 0
  const next = () => {
    // mulberry32
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
  }
}

const GROUP_NAMES = ['Web', 'API', 'Payments', 'Messaging', 'Data', 'Infrastructure']
const OUTAGES: ComponentStatus[] = ['degraded_performance', 'partial_outage', 'major_outage']
const IMPACT_OF: Record<string, Impact> = {
  degraded_performance: 'minor',
  partial_outage: 'major',
  major_outage: 'critical',
}
const MIDDLE = [
  {
    status: 'identified',
    kind: 'investigation',
    body: 'We have identified the cause and are working on a fix.',
  },
  {
    status: 'monitoring',
    kind: 'mitigation',
    body: 'A fix has been deployed; we are monitoring the results.',
  },
  {
    status: 'investigating',
    kind: 'communication',
    body: 'We are still investigating. Next update in 30 minutes.',
  },
] as const

export async function seedBenchDatabase(path: string, opts: SeedOptions = {}): Promise<SeedResult> {
  const started = performance.now()
  const groupCount = opts.groups ?? 6
  const componentCount = opts.components ?? 50
  const resolvedCount = opts.resolvedIncidents ?? 1000
  const days = opts.days ?? 90
  const now = opts.now ?? Date.now()
  const rnd = random(20261122)

  const clock = createFixedClock(now - days * DAY - 60 * MINUTE)
  const config = parseConfig({ DATABASE_PATH: path, LOG_LEVEL: 'silent' })
  const { deps, database } = createNodeDeps(config, { clock, ids: createTimeIds(clock) })
  const actor = CLI_ACTOR
  let events = 0
  try {
    await updateSettings(deps, actor, {
      pageName: 'Bench Status',
      pageUrl: null,
      timeZone: 'Europe/Berlin',
      logoUrl: null,
    })
    const owner = await createUser(deps, actor, {
      email: 'bench@example.com',
      name: 'Bench',
      role: 'owner',
      password: 'bench-password-not-secret',
    })
    const { secret } = await createApiToken(deps, actor, {
      name: 'bench',
      scope: 'read',
      userId: owner.id,
    })

    const groups = []
    for (let g = 0; g < groupCount; g++)
      groups.push(
        await createComponentGroup(deps, actor, { name: GROUP_NAMES[g] ?? `Group ${g + 1}` }),
      )
    const componentIds: string[] = []
    for (let i = 0; i < componentCount; i++) {
      const group = groups[i % groups.length]!
      const component = await createComponent(deps, actor, {
        name: `${group.name} service ${Math.floor(i / groups.length) + 1}`,
        description: `Component ${i + 1} of the benchmark page`,
        groupId: group.id,
      })
      componentIds.push(component.id)
    }

    // Resolved incidents one after another, evenly over the period and never overlapping, each with
    // an opening update, 1-3 updates in between and the resolution (3-5 public events).
    const first = now - days * DAY
    const span = (days * DAY - 3 * 60 * MINUTE) / resolvedCount
    for (let n = 0; n < resolvedCount; n++) {
      const start = first + n * span + rnd.int(0, 10) * MINUTE
      const duration = rnd.int(20, Math.min(150, Math.floor(span / MINUTE) - 15)) * MINUTE
      const outage = rnd.pick(OUTAGES)
      const affected: Record<string, ComponentStatus> = {}
      for (let k = rnd.int(1, 3); k > 0; k--) affected[rnd.pick(componentIds)] = outage
      clock.set(start)
      const { incident } = await openIncident(deps, actor, {
        name: `Elevated error rates (#${n + 1})`,
        impact: IMPACT_OF[outage] ?? 'minor',
        status: 'investigating',
        body: 'We are investigating **elevated error rates** for some customers.',
        components: affected,
      })
      const middle = rnd.int(1, 3)
      for (let m = 0; m < middle; m++) {
        const step = MIDDLE[m % MIDDLE.length]!
        clock.set(start + ((m + 1) * duration) / (middle + 1))
        await postIncidentUpdate(deps, actor, incident.id, {
          body: step.body,
          status: step.status,
          kind: step.kind,
        })
      }
      clock.set(start + duration)
      await resolveIncident(deps, actor, incident.id, {})
      events += middle + 2
    }

    // Two incidents going on right now, so the page shows open incidents and a non-green banner.
    clock.set(now - 40 * MINUTE)
    const a = await openIncident(deps, actor, {
      name: 'Payments are failing for some cards',
      impact: 'major',
      status: 'investigating',
      body: 'Some card payments fail with a timeout. We are investigating.',
      components: { [componentIds[2]!]: 'partial_outage' },
    })
    clock.set(now - 20 * MINUTE)
    await postIncidentUpdate(deps, actor, a.incident.id, {
      body: 'The payment provider confirmed an issue on their side.',
      status: 'identified',
    })
    clock.set(now - 10 * MINUTE)
    await openIncident(deps, actor, {
      name: 'Delayed e-mail notifications',
      impact: 'minor',
      status: 'investigating',
      body: 'Notification e-mails are delayed by up to 15 minutes.',
      components: { [componentIds[3]!]: 'degraded_performance' },
    })
    events += 3

    return {
      token: secret,
      counts: {
        groups: groups.length,
        components: componentIds.length,
        incidents: resolvedCount + 2,
        events,
      },
      ms: Math.round(performance.now() - started),
    }
  } finally {
    database.sqlite.pragma('wal_checkpoint(TRUNCATE)')
    database.close()
  }
}
