import { afterEach, describe, expect, it } from 'vitest'
import { ZodError } from 'zod'
import { CLI_ACTOR, type Actor } from '../../src/app/actor.ts'
import { DEFAULT_SETTINGS, getSettings } from '../../src/app/get-settings.ts'
import { updateSettings } from '../../src/app/update-settings.ts'
import { createTestApp, type TestApp } from '../support/app.ts'

let t: TestApp
afterEach(() => t?.close())

const responder: Actor = { id: 'r', label: 'Rita', role: 'responder', via: 'console' }

describe('page settings', () => {
  it('reads as Status in UTC before anything is saved', async () => {
    t = createTestApp()
    expect(await getSettings(t.deps)).toEqual({
      pageName: 'Status',
      pageUrl: null,
      timeZone: 'UTC',
      logoUrl: null,
      mailFrom: null,
      mailReplyTo: null,
      notifyComponentChanges: false,
      maintenanceReminderMinutes: 60,
      updatedAt: 0,
    })
    expect(DEFAULT_SETTINGS.pageName).toBe('Status')
  })

  it('refuses a From header that is not an address or spans lines', async () => {
    t = createTestApp()
    for (const mailFrom of ['not an address', 'Acme <status@acme.test>\r\nBcc: x@y.test']) {
      await expect(
        updateSettings(t.deps, CLI_ACTOR, { pageName: 'Acme', timeZone: 'UTC', mailFrom }),
      ).rejects.toMatchObject({
        issues: expect.arrayContaining([expect.objectContaining({ path: ['mailFrom'] })]),
      })
    }
  })

  it('saves settings and audits the change, before being nothing the first time', async () => {
    t = createTestApp()
    const first = await updateSettings(t.deps, CLI_ACTOR, {
      pageName: 'Acme',
      timeZone: 'Europe/Berlin',
    })
    expect(first).toEqual({
      pageName: 'Acme',
      pageUrl: null,
      timeZone: 'Europe/Berlin',
      logoUrl: null,
      mailFrom: null,
      mailReplyTo: null,
      notifyComponentChanges: false,
      maintenanceReminderMinutes: 60,
      updatedAt: t.clock.now(),
    })
    t.clock.advance(1000)
    await updateSettings(t.deps, CLI_ACTOR, {
      pageName: 'Acme Status',
      timeZone: 'Europe/Berlin',
      logoUrl: 'https://x.test/l.png',
      mailFrom: 'Acme Status <status@acme.test>',
    })
    expect(await getSettings(t.deps)).toMatchObject({
      pageName: 'Acme Status',
      logoUrl: 'https://x.test/l.png',
      mailFrom: 'Acme Status <status@acme.test>',
    })
    const [second, initial] = await t.deps.store.listAudit()
    expect(initial).toMatchObject({
      action: 'settings.update',
      before: null,
      after: { pageName: 'Acme' },
    })
    expect(second).toMatchObject({
      before: { pageName: 'Acme' },
      after: { pageName: 'Acme Status' },
    })
  })

  it('names the field of a bad time zone or a non-https logo', async () => {
    t = createTestApp()
    for (const [input, field] of [
      [{ pageName: 'A', timeZone: 'Mars/Base' }, 'timeZone'],
      [{ pageName: 'A', timeZone: 'UTC', logoUrl: 'http://x.test/logo.png' }, 'logoUrl'],
      [{ pageName: '', timeZone: 'UTC' }, 'pageName'],
    ] as const) {
      const err = await updateSettings(t.deps, CLI_ACTOR, input).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(ZodError)
      expect((err as ZodError).issues.map((i) => i.path.join('.'))).toEqual([field])
    }
    expect(await t.deps.store.getSettings()).toBeNull()
  })

  it('is for owners only', async () => {
    t = createTestApp()
    await expect(
      updateSettings(t.deps, responder, { pageName: 'A', timeZone: 'UTC' }),
    ).rejects.toMatchObject({
      code: 'FORBIDDEN',
    })
  })
})
