import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { CLI_ACTOR } from '../../src/app/actor.ts'
import { createApiToken } from '../../src/app/create-api-token.ts'
import { createUser } from '../../src/app/create-user.ts'
import { openIncident } from '../../src/app/open-incident.ts'
import type { Change } from '../../src/app/ports.ts'
import { Config, parseConfig } from '../../src/config.ts'
import type { Subscriber } from '../../src/domain/types.ts'
import { createNodeDeps } from '../../src/runtime/node.ts'
import { TEST_SCRYPT } from '../support/app.ts'
import { startHookReceiver, type Hook } from '../support/hook-receiver.ts'
import { startMailSink, type MailSink } from '../support/mail-sink.ts'

// DESIGN.md: "a crash at any point loses nothing". A real Herald process is killed with SIGKILL in
// the middle of a fan-out to thousands of subscribers and started again on the same database;
// every subscriber must end up with the update, and any duplicate must carry its original's id.

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const EMAILS = 2000
const WEBHOOKS = 500
const baseEnv = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !(k in Config.shape)),
)

let dir: string
let sink: MailSink
let hook: Hook
let child: ChildProcess | null = null

afterAll(async () => {
  child?.kill('SIGKILL')
  await sink?.close()
  await hook?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

async function seed(databasePath: string, env: Record<string, string>) {
  const config = parseConfig({ ...env, DATABASE_PATH: databasePath, LOG_LEVEL: 'silent' })
  const { deps, database } = createNodeDeps(config, { scrypt: TEST_SCRYPT })
  const owner = await createUser(deps, CLI_ACTOR, {
    email: 'owner@acme.test',
    name: 'Owner',
    password: 'a long enough password',
    role: 'owner',
  })
  const token = await createApiToken(deps, { ...CLI_ACTOR, id: owner.id }, { name: 'crash test' })
  const now = Date.now() - 60_000
  const subscriber = (i: number, channel: 'email' | 'webhook', target: string): Subscriber => ({
    id: `sub-${channel}-${String(i).padStart(6, '0')}`,
    channel,
    target,
    state: 'active',
    allComponents: true,
    componentIds: [],
    groupIds: [],
    manageToken: `manage-${channel}-${i}-${'x'.repeat(16)}`,
    confirmTokenHash: null,
    confirmExpiresAt: null,
    secret: channel === 'webhook' ? 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' : null,
    previousSecret: null,
    previousSecretUntil: null,
    failureStreak: 0,
    createdAt: now,
    confirmedAt: now,
    unsubscribedAt: null,
  })
  const changes: Change[] = []
  for (let i = 0; i < EMAILS; i++)
    changes.push({
      type: 'subscriber.insert',
      subscriber: subscriber(i, 'email', `user${i}@example.test`),
    })
  for (let i = 0; i < WEBHOOKS; i++)
    changes.push({
      type: 'subscriber.insert',
      subscriber: subscriber(i, 'webhook', `${hook.url}?n=${i}`),
    })
  await deps.store.commit(changes)
  const { incident } = await openIncident(deps, CLI_ACTOR, {
    name: 'Crash test',
    impact: 'major',
    body: 'Opened quietly.',
    notify: false,
  })
  database.close()
  return { token: token.secret, incidentId: incident.id }
}

async function startHerald(
  env: Record<string, string>,
): Promise<{ url: string; proc: ChildProcess }> {
  const proc = spawn('node', ['bin/herald.mjs', 'serve'], {
    cwd: ROOT,
    env: { ...baseEnv, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  const url = await new Promise<string>((resolve, reject) => {
    let err = ''
    const timer = setTimeout(() => reject(new Error(`no start: ${err}`)), 30_000)
    proc.stderr!.on('data', (d: Buffer) => {
      err += d.toString()
      const m = /serving (http:\/\/\S+?)\s/.exec(err)
      if (m) {
        clearTimeout(timer)
        resolve(m[1]!)
      }
    })
    proc.once('exit', (code) => reject(new Error(`exited ${code}: ${err}`)))
  })
  return { url, proc }
}

async function until(check: () => boolean, timeoutMs: number) {
  const end = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > end) return false
    await new Promise((r) => setTimeout(r, 20))
  }
  return true
}

describe('a crash in the middle of a fan-out', () => {
  it('loses nothing: after SIGKILL and a restart every subscriber has the update, duplicates keep their ids', async () => {
    dir = mkdtempSync(join(tmpdir(), 'herald-crash-'))
    sink = await startMailSink()
    hook = await startHookReceiver([{ status: 200 }])
    const databasePath = join(dir, 'herald.db')
    const env = {
      DATABASE_PATH: databasePath,
      SMTP_URL: sink.url,
      WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
      BASE_URL: 'https://status.acme.test',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
      DELIVERY_CONCURRENCY: '20',
    }
    const { token, incidentId } = await seed(databasePath, env)

    const first = await startHerald(env)
    child = first.proc
    const res = await fetch(`${first.url}/api/v1/incidents/${incidentId}/updates`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        body: 'We found the cause and are rolling back.',
        status: 'identified',
      }),
    })
    expect(res.status).toBe(201)
    const total = EMAILS + WEBHOOKS
    // Kill it once a part (but not all) of the fan-out has gone out.
    const started = await until(
      () => sink.messages.length + hook.requests.length >= total / 5,
      60_000,
    )
    expect(started).toBe(true)
    first.proc.kill('SIGKILL')
    await new Promise((r) => first.proc.once('exit', r))
    const beforeRestart = sink.messages.length + hook.requests.length
    expect(beforeRestart).toBeLessThan(total)

    const second = await startHerald(env)
    child = second.proc
    const allThere = () =>
      new Set(sink.messages.flatMap((m) => m.to)).size === EMAILS &&
      new Set(hook.requests.map((r) => r.path)).size === WEBHOOKS
    expect(await until(allThere, 120_000)).toBe(true)
    second.proc.kill('SIGTERM')

    // Every recipient got this update, and every copy of it carries one id.
    const idsByRecipient = new Map<string, Set<string>>()
    for (const m of sink.messages)
      for (const to of m.to) {
        const ids = idsByRecipient.get(to) ?? new Set()
        ids.add(m.headers['message-id']!)
        idsByRecipient.set(to, ids)
      }
    for (const r of hook.requests) {
      const ids = idsByRecipient.get(r.path) ?? new Set()
      ids.add(String(r.headers['webhook-id']))
      idsByRecipient.set(r.path, ids)
    }
    expect(idsByRecipient.size).toBe(total)
    expect([...idsByRecipient.values()].every((ids) => ids.size === 1)).toBe(true)
    expect(sink.messages.every((m) => m.text.includes('rolling back'))).toBe(true)
  }, 200_000)
})
