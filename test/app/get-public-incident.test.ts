import { afterEach, describe, expect, it } from 'vitest'
import { getPublicIncident, pageContext, publicStatus } from '../../src/app/get-public-incident.ts'
import { AppError } from '../../src/domain/errors.ts'
import type { TimelineEvent } from '../../src/domain/types.ts'
import { createTestApp, type TestApp } from '../support/app.ts'
import { seeder } from '../http/public-seed.ts'

let t: TestApp
afterEach(() => t?.close())

describe('pageContext', () => {
  it('falls back to Status and UTC, and ignores a time zone Intl does not know', () => {
    expect(pageContext(null)).toEqual({ name: 'Status', logoUrl: null, timeZone: 'UTC' })
    expect(
      pageContext({
        pageName: '  ',
        pageUrl: null,
        timeZone: 'Mars/Olympus',
        logoUrl: '',
        mailFrom: null,
        mailReplyTo: null,
        notifyComponentChanges: false,
        maintenanceReminderMinutes: 60,
        updatedAt: 0,
      }),
    ).toEqual({ name: 'Status', logoUrl: null, timeZone: 'UTC' })
  })
})

describe('publicStatus', () => {
  const event = (id: string, at: number, status: TimelineEvent['status']) =>
    ({ id, at, status }) as TimelineEvent

  it('is resolved once the incident is, and otherwise follows the latest public status', () => {
    expect(publicStatus({ status: 'monitoring', resolvedAt: 5 }, [])).toBe('resolved')
    expect(
      publicStatus({ status: 'monitoring', resolvedAt: null }, [
        event('b', 2, 'identified'),
        event('a', 1, 'investigating'),
        event('c', 3, null),
      ]),
    ).toBe('identified')
    expect(publicStatus({ status: 'monitoring', resolvedAt: null }, [])).toBe('monitoring')
  })
})

describe('getPublicIncident', () => {
  it('throws NOT_FOUND for an unknown id', async () => {
    t = createTestApp()
    await expect(getPublicIncident(t.deps, 'nope')).rejects.toSatisfy(
      (e) => e instanceof AppError && e.code === 'NOT_FOUND',
    )
  })

  it('shapes the timeline from public events only and names only visible components', async () => {
    t = createTestApp()
    const s = seeder(t)
    const api = await s.component('API')
    const hidden = await s.component('Shard', { visible: false })
    const incident = await s.incident('Outage', {
      startedAt: '2026-11-20T10:00:00Z',
      resolvedAt: '2026-11-20T10:45:00Z',
      components: [api, hidden],
    })
    await s.event(incident, {
      at: '2026-11-20T10:00:00Z',
      body: 'Looking',
      status: 'investigating',
      componentChanges: [
        { componentId: api.id, status: 'major_outage' },
        { componentId: hidden.id, status: 'major_outage' },
      ],
    })
    await s.event(incident, {
      at: '2026-11-20T10:20:00Z',
      body: 'note to self',
      visibility: 'internal',
    })
    await s.event(incident, {
      at: '2026-11-20T10:45:00Z',
      body: 'Fixed',
      status: 'resolved',
      editedAt: '2026-11-20T11:00:00Z',
    })

    const { incident: view } = await getPublicIncident(t.deps, incident.id)
    expect(view.updates.map((u) => u.body)).toEqual(['Fixed', 'Looking'])
    expect(view.updates[0]!.edited?.iso).toBe('2026-11-20T11:00:00+00:00')
    expect(view.updates[1]!.componentChanges).toEqual([
      { id: api.id, name: 'API', status: 'major_outage', statusLabel: 'Major Outage' },
    ])
    expect(view.components.map((c) => c.name)).toEqual(['API'])
    expect(view.status).toBe('resolved')
    expect(view.ongoing).toBe(false)
    expect(view.duration).toBe('45m')
    expect(view.impactText).toBe('Minor impact')
  })
})
