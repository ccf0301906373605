import { afterEach, describe, expect, it } from 'vitest'
import { CLI_ACTOR, type Actor } from '../../src/app/actor.ts'
import { listAudit } from '../../src/app/list-audit.ts'
import { updateSettings } from '../../src/app/update-settings.ts'
import { createTestApp, type TestApp } from '../support/app.ts'

let t: TestApp
afterEach(() => t?.close())

describe('listAudit', () => {
  it('pages newest first with a cursor until nothing is left', async () => {
    t = createTestApp()
    for (let i = 0; i < 5; i++) {
      await updateSettings(t.deps, CLI_ACTOR, { pageName: `P${i}`, timeZone: 'UTC' })
      t.clock.advance(1000)
    }
    const names = (page: { entries: { after: unknown }[] }) =>
      page.entries.map((e) => (e.after as { pageName: string }).pageName)
    const first = await listAudit(t.deps, CLI_ACTOR, { limit: 2 })
    expect(names(first)).toEqual(['P4', 'P3'])
    const second = await listAudit(t.deps, CLI_ACTOR, { limit: 2, before: first.nextBefore! })
    expect(names(second)).toEqual(['P2', 'P1'])
    const last = await listAudit(t.deps, CLI_ACTOR, { limit: 2, before: second.nextBefore! })
    expect(names(last)).toEqual(['P0'])
    expect(last.nextBefore).toBeNull()
  })

  it('is for owners only', async () => {
    t = createTestApp()
    const viewer: Actor = { id: 'v', label: 'Vic', role: 'viewer', via: 'console' }
    await expect(listAudit(t.deps, viewer)).rejects.toMatchObject({ code: 'FORBIDDEN' })
  })
})
