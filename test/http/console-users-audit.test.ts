import { afterEach, describe, expect, it } from 'vitest'
import { CLI_ACTOR } from '../../src/app/actor.ts'
import { updateSettings } from '../../src/app/update-settings.ts'
import { createTestApp, type TestApp } from '../support/app.ts'
import { PASSWORD, signedIn } from './console-auth-support.ts'

let t: TestApp
afterEach(() => t?.close())

const rows = (html: string) =>
  html.split('<tbody>')[1]?.split('</tbody>')[0]?.split('<tr>').slice(1) ?? []

describe('audit log page', () => {
  it('records user changes with before and after, newest first, and never a password hash', async () => {
    t = createTestApp()
    const { client } = await signedIn(t, 'owner')
    await client.get('/console/users')
    await client.post('/console/users', {
      email: 'grace@example.com',
      name: 'Grace',
      role: 'responder',
      password: PASSWORD,
    })
    const grace = (await t.deps.store.getUserByEmail('grace@example.com'))!
    await client.get('/console/users')
    await client.post(`/console/users/${grace.id}/role`, { role: 'viewer' })

    const page = await client.get('/console/audit')
    expect(page.status).toBe(200)
    const [roleRow, createRow] = rows(page.text)
    expect(roleRow).toContain('user.change_role')
    expect(roleRow).toContain('The owner')
    expect(roleRow).toMatch(
      /&quot;role&quot;: &quot;responder&quot;[\s\S]*&quot;role&quot;: &quot;viewer&quot;/,
    )
    expect(createRow).toContain('user.create')
    expect(page.text).not.toMatch(/passwordHash|scrypt\$/)
    expect(page.text).not.toContain(PASSWORD)
    const entries = await t.deps.store.listAudit()
    expect(JSON.stringify(entries)).not.toMatch(/passwordHash|scrypt\$/)
  })

  it('shows when in the page time zone and escapes what the JSON holds', async () => {
    t = createTestApp()
    const { client } = await signedIn(t, 'owner')
    await updateSettings(t.deps, CLI_ACTOR, {
      pageName: '</pre><script>alert(1)</script>',
      timeZone: 'Asia/Tokyo',
    })
    const page = await client.get('/console/audit')
    // TEST_NOW is 12:00 UTC, 21:00 in Tokyo.
    expect(page.text).toContain('datetime="2026-11-22T21:00:00+09:00"')
    expect(page.text).toContain('21:00')
    expect(page.text).toContain('&lt;/pre&gt;&lt;script&gt;')
    expect(page.text).not.toContain('<script>alert(1)')
  })

  it('pages back through older entries with a cursor', async () => {
    t = createTestApp()
    const { client } = await signedIn(t, 'owner')
    for (let i = 0; i < 60; i++) {
      await updateSettings(t.deps, CLI_ACTOR, { pageName: `Name ${i}`, timeZone: 'UTC' })
    }
    const first = await client.get('/console/audit')
    expect(rows(first.text)).toHaveLength(50)
    expect(rows(first.text)[0]).toContain('Name 59')
    const older = /href="(\/console\/audit\?before=[^"]+)"/.exec(first.text)![1]!
    const second = await client.get(older.replace(/&amp;/g, '&'))
    const rest = rows(second.text)
    // 60 settings changes plus the owner's creation and sign-in.
    expect(rest).toHaveLength(12)
    expect(rest[0]).toContain('Name 9')
    expect(second.text).not.toContain('before=')
    expect(second.text).toContain('Newest')
  })

  it('answers a malformed cursor with 422 rather than an error', async () => {
    t = createTestApp()
    const { client } = await signedIn(t, 'owner')
    expect((await client.get("/console/audit?before=' or 1=1 --")).status).toBe(422)
  })

  it.each(['viewer', 'responder'] as const)('is closed to a %s', async (role) => {
    t = createTestApp()
    await signedIn(t, 'owner')
    const { client } = await signedIn(t, role)
    expect((await client.get('/console/audit')).status).toBe(403)
  })
})
