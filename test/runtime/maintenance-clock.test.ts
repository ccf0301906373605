import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { CLI_ACTOR } from '../../src/app/actor.ts'
import { createComponent } from '../../src/app/components.ts'
import { scheduleMaintenance } from '../../src/app/maintenance.ts'
import { createFixedClock } from '../../src/adapters/system.ts'
import { parseConfig } from '../../src/config.ts'
import { startNodeServer, type RunningServer } from '../../src/runtime/node.ts'
import { TEST_NOW, TEST_SCRYPT } from '../support/app.ts'

// The in-process maintenance scheduler of a real Node server (src/runtime/maintenance-clock.ts),
// driven by an injected clock: transitions happen on time while it runs, and a server started
// after downtime catches up with what it missed, recorded at the times it was due.

const MINUTE = 60_000
const HOUR = 60 * MINUTE

let dir: string | undefined
const servers: RunningServer[] = []
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
  dir = undefined
})

async function start(clock: ReturnType<typeof createFixedClock>) {
  dir ??= mkdtempSync(join(tmpdir(), 'herald-clock-'))
  const config = parseConfig({
    LOG_LEVEL: 'silent',
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_PATH: join(dir, 'herald.db'),
  })
  const server = await startNodeServer(config, { clock, scrypt: TEST_SCRYPT })
  servers.push(server)
  return server
}

async function stop(server: RunningServer) {
  servers.splice(servers.indexOf(server), 1)
  await server.close()
}

/** Polls (real time) until the maintenance has the status, or gives up after two seconds. */
async function until(server: RunningServer, id: string, status: string) {
  const deadline = Date.now() + 2000
  for (;;) {
    const m = await server.deps.store.getMaintenance(id)
    if (m?.status === status || Date.now() > deadline) return m
    await new Promise((r) => setTimeout(r, 25))
  }
}

describe('the maintenance scheduler on Node', () => {
  it('starts and completes a window on time while the server runs', async () => {
    const clock = createFixedClock(TEST_NOW)
    const server = await start(clock)
    const db = await createComponent(server.deps, CLI_ACTOR, { name: 'Database' })
    const m = await scheduleMaintenance(server.deps, CLI_ACTOR, {
      name: 'Database upgrade',
      body: 'Upgrading.',
      scheduledFor: TEST_NOW + HOUR,
      scheduledUntil: TEST_NOW + 2 * HOUR,
      componentIds: [db.id],
      notify: false,
    })
    // A second before the start, several ticks pass and nothing moves.
    clock.set(TEST_NOW + HOUR - 1000)
    await new Promise((r) => setTimeout(r, 600))
    expect((await server.deps.store.getMaintenance(m.id))!.status).toBe('scheduled')

    clock.set(TEST_NOW + HOUR)
    expect(await until(server, m.id, 'in_progress')).toMatchObject({
      status: 'in_progress',
      startedAt: TEST_NOW + HOUR,
    })
    expect((await server.deps.store.getComponent(db.id))!.status).toBe('under_maintenance')
    // The public answer follows at once: the transition is a write that clears the cache.
    const summary = (await (await fetch(`${server.url}/api/v2/summary.json`)).json()) as {
      status: { indicator: string }
    }
    expect(summary.status.indicator).toBe('maintenance')

    clock.set(TEST_NOW + 2 * HOUR)
    expect(await until(server, m.id, 'completed')).toMatchObject({
      completedAt: TEST_NOW + 2 * HOUR,
    })
    expect((await server.deps.store.getComponent(db.id))!.status).toBe('operational')
  })

  it('catches up at start-up with a window that began and ended while it was down', async () => {
    const clock = createFixedClock(TEST_NOW)
    const first = await start(clock)
    const db = await createComponent(first.deps, CLI_ACTOR, { name: 'Database' })
    const cache = await createComponent(first.deps, CLI_ACTOR, { name: 'Cache' })
    const missed = await scheduleMaintenance(first.deps, CLI_ACTOR, {
      name: 'Overnight work',
      body: 'Replacing disks.',
      scheduledFor: TEST_NOW + HOUR,
      scheduledUntil: TEST_NOW + 2 * HOUR,
      componentIds: [db.id],
    })
    const running = await scheduleMaintenance(first.deps, CLI_ACTOR, {
      name: 'Cache migration',
      body: 'Moving the cache.',
      scheduledFor: TEST_NOW + 3 * HOUR,
      scheduledUntil: TEST_NOW + 8 * HOUR,
      componentIds: [cache.id],
    })
    await stop(first)

    // Down for five hours: the first window came and went, the second began.
    clock.set(TEST_NOW + 5 * HOUR)
    const second = await start(clock)
    expect(await until(second, running.id, 'in_progress')).toMatchObject({
      startedAt: TEST_NOW + 3 * HOUR,
    })
    expect(await second.deps.store.getMaintenance(missed.id)).toMatchObject({
      status: 'completed',
      startedAt: TEST_NOW + HOUR,
      completedAt: TEST_NOW + 2 * HOUR,
    })
    const changes = await second.deps.store.listStatusChanges(TEST_NOW)
    expect(
      changes
        .filter((c) => c.componentId === db.id && c.at > TEST_NOW)
        .map((c) => [c.toStatus, c.at - TEST_NOW]),
    ).toEqual([
      ['under_maintenance', HOUR],
      ['operational', 2 * HOUR],
    ])
    expect((await second.deps.store.getComponent(cache.id))!.status).toBe('under_maintenance')
    const page = await (await fetch(`${second.url}/`)).text()
    expect(page).toContain('Cache migration')
    expect(page).toContain('Under Maintenance')
    expect(page).not.toContain('Overnight work')
  })
})
