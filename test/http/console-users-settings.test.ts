import { afterEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/app.ts'
import { sessionCsrf, signedIn } from './console-auth-support.ts'

let t: TestApp
afterEach(() => t?.close())

const VALID = {
  pageName: 'Acme Status',
  pageUrl: 'https://status.acme.test',
  timeZone: 'America/New_York',
  logoUrl: 'https://cdn.acme.test/logo.svg',
  mailFrom: 'Acme Status <status@acme.test>',
  mailReplyTo: 'support@acme.test',
  notifyComponentChanges: 'on',
  maintenanceReminderMinutes: '30',
}

describe('settings page', () => {
  it('shows the defaults on a fresh install and saves new settings', async () => {
    t = createTestApp()
    const { client } = await signedIn(t, 'owner')
    const page = await client.get('/console/settings')
    expect(page.status).toBe(200)
    expect(page.text).toContain('value="Status"')
    expect(page.text).toMatch(/<option value="UTC" selected/)

    const res = await client.post('/console/settings', VALID)
    expect(res.status).toBe(303)
    expect(await t.deps.store.getSettings()).toEqual({
      ...VALID,
      notifyComponentChanges: true,
      maintenanceReminderMinutes: 30,
      updatedAt: t.clock.now(),
    })
    const saved = await client.get(res.headers.get('Location')!)
    expect(saved.text).toContain('Settings saved.')
    expect(saved.text).toContain('value="Acme Status"')
    expect(saved.text).toMatch(/<option value="America\/New_York" selected/)
  })

  it('stores blank optional URLs as none and the time zone under its canonical name', async () => {
    t = createTestApp()
    const { client } = await signedIn(t, 'owner')
    await client.get('/console/settings')
    const res = await client.post('/console/settings', {
      ...VALID,
      pageUrl: ' ',
      logoUrl: '',
      timeZone: 'europe/paris',
    })
    expect(res.status).toBe(303)
    expect(await t.deps.store.getSettings()).toMatchObject({
      pageUrl: null,
      logoUrl: null,
      timeZone: 'Europe/Paris',
    })
  })

  it.each([
    ['timeZone', { timeZone: 'Mars/Base' }, 'valid IANA time zone'],
    ['logoUrl', { logoUrl: 'http://cdn.acme.test/logo.svg' }, 'https://'],
    ['logoUrl', { logoUrl: 'javascript:alert(1)' }, 'https://'],
    ['pageUrl', { pageUrl: 'ftp://status.acme.test' }, 'http:// or https://'],
    ['pageName', { pageName: '   ' }, 'Enter a page name'],
  ])('re-renders with 422 naming %s when it is invalid', async (field, change, message) => {
    t = createTestApp()
    const { client } = await signedIn(t, 'owner')
    await client.get('/console/settings')
    const res = await client.post('/console/settings', { ...VALID, ...change })
    expect(res.status).toBe(422)
    const error = new RegExp(
      `<p class="field-error" id="${field}-error">[^<]*${message.replace(/[/.*+?]/g, '\\$&')}`,
    )
    expect(res.text).toMatch(error)
    expect(await t.deps.store.getSettings()).toBeNull()
  })

  it.each(['viewer', 'responder'] as const)('gives a %s 403 and changes nothing', async (role) => {
    t = createTestApp()
    await signedIn(t, 'owner')
    const { client } = await signedIn(t, role)
    expect((await client.get('/console/settings')).status).toBe(403)
    const res = await client.request('/console/settings', {
      method: 'POST',
      form: { _csrf: await sessionCsrf(t, client), ...VALID },
    })
    expect(res.status).toBe(403)
    expect(await t.deps.store.getSettings()).toBeNull()
  })
})
