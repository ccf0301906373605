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
// every subscriber must end up with every update, in timeline order, and any duplicate must carry
// its original's id.

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
  it('loses nothing: after SIGKILL and a restart every subscriber has every update, in order, duplicates keep their ids', async () => {
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
    // Two updates back to back: per subscriber the second waits behind the first, so the crash
    // lands while the first is going out and the second is queued behind it.
    for (const update of [
      { body: 'We found the cause and are rolling back.', status: 'identified' },
      { body: 'The rollback is done; we are watching.', status: 'monitoring' },
    ]) {
      const res = await fetch(`${first.url}/api/v1/incidents/${incidentId}/updates`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(update),
      })
      expect(res.status).toBe(201)
    }
    const recipients = EMAILS + WEBHOOKS
    const total = 2 * recipients
    // Kill it once a part (but not all) of the fan-out has gone out, a little way into a claimed
    // batch: those sends have happened but their outcomes are not recorded yet.
    const started = await until(
      () => sink.messages.length + hook.requests.length >= total / 5 + 37,
      60_000,
    )
    expect(started).toBe(true)
    first.proc.kill('SIGKILL')
    await new Promise((r) => first.proc.once('exit', r))
    const beforeRestart = sink.messages.length + hook.requests.length
    expect(beforeRestart).toBeLessThan(total)

    const second = await startHerald(env)
    child = second.proc
    // Every delivery id is d_<broadcast>_<subscriber>: the broadcast tells the updates apart.
    const received = () => {
      const got = new Map<string, string[]>()
      const add = (recipient: string, id: string) => {
        const broadcast = /^<?d_([^_]+)_/.exec(id)?.[1] ?? `unreadable ${id}`
        got.set(recipient, [...(got.get(recipient) ?? []), broadcast])
      }
      for (const m of sink.messages) for (const to of m.to) add(to, m.headers['message-id']!)
      for (const r of hook.requests) add(r.path, String(r.headers['webhook-id']))
      return got
    }
    const allThere = () => {
      const got = received()
      return got.size === recipients && [...got.values()].every((b) => new Set(b).size === 2)
    }
    expect(await until(allThere, 120_000)).toBe(true)
    second.proc.kill('SIGTERM')

    // Every recipient got both updates, each under one id per update (a duplicate repeats its
    // original's id), and the first update before the second: broadcast ids sort by posting time.
    const got = received()
    const broadcasts = new Set([...got.values()].flat())
    expect(broadcasts.size).toBe(2)
    const [firstUpdate, secondUpdate] = [...broadcasts].sort()
    const mailIds = new Map<string, Set<string>>()
    for (const m of sink.messages)
      for (const to of m.to)
        mailIds.set(to, (mailIds.get(to) ?? new Set()).add(m.headers['message-id']!))
    const hookIds = new Map<string, Set<string>>()
    for (const r of hook.requests)
      hookIds.set(r.path, (hookIds.get(r.path) ?? new Set()).add(String(r.headers['webhook-id'])))
    expect(mailIds.size + hookIds.size).toBe(recipients)
    expect([...mailIds.values(), ...hookIds.values()].every((ids) => ids.size === 2)).toBe(true)
    const outOfOrder = [...got].filter(
      ([, order]) => order.lastIndexOf(firstUpdate!) > order.indexOf(secondUpdate!),
    )
    expect(outOfOrder).toEqual([])
    // The crash did cut a batch short: what it had sent unrecorded went out again, under the same
    // ids (checked above).
    expect(sink.messages.length + hook.requests.length).toBeGreaterThan(total)
    expect(sink.messages.every((m) => m.text.includes('rolling back'))).toBe(true)
  }, 200_000)
})
