import { describe, expect, it } from 'vitest'
import type { Change, Store } from '../../../src/app/ports.ts'
import type { Component, Incident, Subscriber, TimelineEvent } from '../../../src/domain/types.ts'

// The storage contract: the same scenarios run on every driver (better-sqlite3 now, D1 through
// miniflare with the Workers runtime). A driver-specific skip must be listed here with its reason;
// there are none: every scenario runs, unchanged, on both drivers.

export interface StoreFactory {
  open(): Promise<{ store: Store; close(): Promise<void> | void }>
}

const T0 = Date.UTC(2026, 10, 1, 9, 30, 15, 123)

function component(id: string, overrides: Partial<Component> = {}): Component {
  return {
    id,
    name: `Component ${id}`,
    description: null,
    groupId: null,
    position: 1,
    visible: true,
    status: 'operational',
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  }
}

function incident(id: string, overrides: Partial<Incident> = {}): Incident {
  return {
    id,
    name: `Incident ${id}`,
    impact: 'major',
    status: 'investigating',
    startedAt: T0,
    resolvedAt: null,
    createdAt: T0,
    updatedAt: T0,
    createdBy: null,
    componentIds: [],
    ...overrides,
  }
}

function event(
  id: string,
  incidentId: string,
  overrides: Partial<TimelineEvent> = {},
): TimelineEvent {
  return {
    id,
    incidentId,
    at: T0,
    postedAt: T0,
    authorId: null,
    authorName: 'Ada',
    body: `Body of ${id}`,
    visibility: 'public',
    status: null,
    kind: null,
    notify: true,
    componentChanges: [],
    editedAt: null,
    ...overrides,
  }
}

function sub(id: string, over: Partial<Subscriber> = {}): Subscriber {
  return {
    id,
    channel: 'email',
    target: `${id}@example.test`,
    state: 'active',
    allComponents: true,
    componentIds: [],
    groupIds: [],
    manageToken: `manage-${id}-0123456789`,
    confirmTokenHash: null,
    confirmExpiresAt: null,
    secret: null,
    previousSecret: null,
    previousSecretUntil: null,
    failureStreak: 0,
    createdAt: T0,
    confirmedAt: T0,
    unsubscribedAt: null,
    ...over,
  }
}

function broadcast(id: string, incidentId: string, createdAt: number): Change {
  return {
    type: 'broadcast.insert',
    broadcast: {
      id,
      kind: 'incident_updated',
      incidentId,
      eventId: `ev-${id}`,
      statusChangeId: null,
      componentIds: [],
      createdAt,
      expandedThrough: null,
      expandedAt: null,
    },
  }
}

export function runStorageContract(driver: string, factory: StoreFactory) {
  describe(`storage contract on ${driver}`, () => {
    async function withStore(fn: (store: Store) => Promise<void>) {
      const { store, close } = await factory.open()
      try {
        await fn(store)
      } finally {
        await close()
      }
    }

    it('applies a write set and reads every field back unchanged', () =>
      withStore(async (store) => {
        const inc = incident('inc1', { componentIds: ['c1', 'c2'], resolvedAt: T0 + 3_600_000 })
        const ev = event('ev1', 'inc1', {
          status: 'resolved',
          kind: 'resolution',
          componentChanges: [{ componentId: 'c1', status: 'operational' }],
          editedAt: T0 + 5,
        })
        await store.commit([
          { type: 'component.insert', component: component('c1') },
          { type: 'component.insert', component: component('c2', { position: 2, visible: false }) },
          { type: 'incident.insert', incident: inc },
          { type: 'event.insert', event: ev },
        ])
        expect(await store.getIncident('inc1')).toEqual({ ...inc, componentIds: ['c1', 'c2'] })
        expect(await store.getEvent('ev1')).toEqual(ev)
        const comps = await store.listComponents()
        expect(comps.map((c) => [c.id, c.visible])).toEqual([
          ['c1', true],
          ['c2', false],
        ])
      }))

    it('round-trips millisecond timestamps exactly, including far past and future', () =>
      withStore(async (store) => {
        const times = [0, T0, 253402300799999, 1]
        await store.commit(
          times.map((at, i) => ({
            type: 'component.insert',
            component: component(`c${i}`, { createdAt: at, updatedAt: at + 1, position: i }),
          })),
        )
        const back = await store.listComponents()
        expect(back.map((c) => c.createdAt).sort((a, b) => a - b)).toEqual(
          [...times].sort((a, b) => a - b),
        )
        expect(back.every((c) => c.updatedAt === c.createdAt + 1)).toBe(true)
      }))

    it('leaves nothing behind when one change of a write set fails', () =>
      withStore(async (store) => {
        await store.commit([{ type: 'component.insert', component: component('c1') }])
        const failing: Change[] = [
          { type: 'incident.insert', incident: incident('inc1', { componentIds: ['c1'] }) },
          { type: 'event.insert', event: event('ev1', 'inc1') },
          { type: 'component.update', component: component('c1', { status: 'major_outage' }) },
          // An event's broadcast rides in the same write set (DESIGN.md: posted atomically).
          {
            type: 'broadcast.insert',
            broadcast: {
              id: 'b1',
              kind: 'incident_opened',
              incidentId: 'inc1',
              eventId: 'ev1',
              statusChangeId: null,
              componentIds: ['c1'],
              createdAt: T0,
              expandedThrough: null,
              expandedAt: null,
            },
          },
          // Duplicate primary key: the last change fails, so the four before must roll back.
          { type: 'component.insert', component: component('c1') },
        ]
        await expect(store.commit(failing)).rejects.toThrow()
        expect(await store.getIncident('inc1')).toBeNull()
        expect(await store.getEvent('ev1')).toBeNull()
        expect((await store.getComponent('c1'))?.status).toBe('operational')
        expect(await store.countIncidents()).toBe(0)
        expect(await store.getBroadcast('b1')).toBeNull()
        expect(await store.listUnexpandedBroadcasts(10)).toEqual([])
      }))

    it('orders a timeline by at, then id, when events share an instant', () =>
      withStore(async (store) => {
        await store.commit([
          { type: 'incident.insert', incident: incident('inc1') },
          { type: 'event.insert', event: event('b', 'inc1', { at: T0 }) },
          { type: 'event.insert', event: event('a', 'inc1', { at: T0 }) },
          { type: 'event.insert', event: event('c', 'inc1', { at: T0 - 1 }) },
          {
            type: 'event.insert',
            event: event('d', 'inc1', { at: T0 + 1, visibility: 'internal' }),
          },
        ])
        expect((await store.listEvents('inc1')).map((e) => e.id)).toEqual(['c', 'a', 'b', 'd'])
        expect((await store.listEvents('inc1', { publicOnly: true })).map((e) => e.id)).toEqual([
          'c',
          'a',
          'b',
        ])
      }))

    it('lists open incidents first, then newest started, and filters by window', () =>
      withStore(async (store) => {
        const day = 86_400_000
        await store.commit([
          {
            type: 'incident.insert',
            incident: incident('old', { startedAt: T0 - 10 * day, resolvedAt: T0 - 9 * day }),
          },
          {
            type: 'incident.insert',
            incident: incident('new', { startedAt: T0 - day, resolvedAt: T0 - day + 1000 }),
          },
          { type: 'incident.insert', incident: incident('open', { startedAt: T0 - 20 * day }) },
        ])
        expect((await store.listIncidents()).map((i) => i.id)).toEqual(['open', 'new', 'old'])
        expect((await store.listIncidents({ state: 'resolved' })).map((i) => i.id)).toEqual([
          'new',
          'old',
        ])
        expect((await store.listIncidents({ state: 'open' })).map((i) => i.id)).toEqual(['open'])
        // Overlapping [T0 - 2 days, T0): the open one (still going) and 'new'.
        expect(
          (await store.listIncidents({ from: T0 - 2 * day, to: T0 })).map((i) => i.id),
        ).toEqual(['open', 'new'])
        expect(await store.countIncidents({ state: 'resolved' })).toBe(2)
        expect((await store.listIncidents({ limit: 1, offset: 1 })).map((i) => i.id)).toEqual([
          'new',
        ])
      }))

    it('returns status changes in the window plus the last one before it per component', () =>
      withStore(async (store) => {
        await store.commit([
          { type: 'component.insert', component: component('c1') },
          { type: 'component.insert', component: component('c2', { position: 2 }) },
          ...[
            ['s1', 'c1', T0 - 300],
            ['s2', 'c1', T0 - 200],
            ['s3', 'c1', T0 + 100],
            ['s4', 'c2', T0 - 50],
          ].map(([id, componentId, at]): Change => ({
            type: 'statusChange.insert',
            change: {
              id: id as string,
              componentId: componentId as string,
              fromStatus: 'operational',
              toStatus: 'major_outage',
              at: at as number,
              incidentId: null,
              eventId: null,
            },
          })),
        ])
        expect((await store.listStatusChanges(T0)).map((c) => c.id)).toEqual(['s2', 's4', 's3'])
      }))

    it('keeps more linked components than one statement may bind', () =>
      withStore(async (store) => {
        const ids = Array.from({ length: 250 }, (_, i) => `c${String(i).padStart(3, '0')}`)
        await store.commit(
          ids.map((id, i) => ({
            type: 'component.insert',
            component: component(id, { position: i }),
          })),
        )
        await store.commit([
          { type: 'incident.insert', incident: incident('inc1', { componentIds: ids }) },
        ])
        expect((await store.getIncident('inc1'))?.componentIds.sort()).toEqual(ids)
        const incs = Array.from({ length: 150 }, (_, i) => `i${String(i).padStart(3, '0')}`)
        await store.commit(incs.map((id) => ({ type: 'incident.insert', incident: incident(id) })))
        await store.commit(incs.map((id) => ({ type: 'event.insert', event: event(`e${id}`, id) })))
        expect((await store.listEventsFor(incs)).length).toBe(150)
      }))

    it('finds users by e-mail without regard to case and refuses a second account for it', () =>
      withStore(async (store) => {
        const user = {
          id: 'u1',
          email: 'Ada@Example.com',
          name: 'Ada',
          role: 'owner' as const,
          passwordHash: 'x',
          createdAt: T0,
        }
        await store.commit([{ type: 'user.insert', user }])
        expect((await store.getUserByEmail('ada@example.COM'))?.id).toBe('u1')
        await expect(
          store.commit([
            { type: 'user.insert', user: { ...user, id: 'u2', email: 'ADA@example.com' } },
          ]),
        ).rejects.toThrow()
        expect(await store.countUsers()).toBe(1)
      }))

    it('counts rate-limit hits per fixed window and starts over in the next one', () =>
      withStore(async (store) => {
        const w = 60_000
        const start = 1_000 * w
        expect(await store.hitRateLimit('k', w, start + 1)).toBe(1)
        expect(await store.hitRateLimit('k', w, start + 2)).toBe(2)
        expect(await store.hitRateLimit('other', w, start + 3)).toBe(1)
        expect(await store.hitRateLimit('k', w, start + w + 5)).toBe(1)
        await store.clearRateLimit('k')
        expect(await store.hitRateLimit('k', w, start + w + 6)).toBe(1)
      }))

    it('deletes an incident with its timeline and links', () =>
      withStore(async (store) => {
        await store.commit([
          { type: 'component.insert', component: component('c1') },
          { type: 'incident.insert', incident: incident('inc1', { componentIds: ['c1'] }) },
          { type: 'event.insert', event: event('ev1', 'inc1') },
        ])
        await store.commit([{ type: 'incident.delete', id: 'inc1' }])
        expect(await store.getIncident('inc1')).toBeNull()
        expect(await store.getEvent('ev1')).toBeNull()
        expect(await store.getComponent('c1')).not.toBeNull()
      }))

    it('expands a broadcast into deliveries in batches, scoped by component and group, once', () =>
      withStore(async (store) => {
        const group = (id: string) => ({
          id,
          name: `Group ${id}`,
          description: null,
          position: 1,
          collapsed: false,
          createdAt: T0,
          updatedAt: T0,
        })
        await store.commit([
          { type: 'group.insert', group: group('g1') },
          { type: 'group.insert', group: group('g2') },
          { type: 'component.insert', component: component('c1', { groupId: 'g1' }) },
          { type: 'component.insert', component: component('c2', { position: 2, groupId: 'g2' }) },
          { type: 'subscriber.insert', subscriber: sub('s1') },
          {
            type: 'subscriber.insert',
            subscriber: sub('s2', { allComponents: false, componentIds: ['c1'] }),
          },
          {
            type: 'subscriber.insert',
            subscriber: sub('s3', { allComponents: false, componentIds: ['c2'] }),
          },
          { type: 'subscriber.insert', subscriber: sub('s4', { state: 'unsubscribed' }) },
          { type: 'subscriber.insert', subscriber: sub('s5', { confirmedAt: T0 + 10_000 }) },
          // Scoped to a group: hears about the group's components, not about the other group's.
          {
            type: 'subscriber.insert',
            subscriber: sub('s6', { allComponents: false, groupIds: ['g1'] }),
          },
          {
            type: 'subscriber.insert',
            subscriber: sub('s7', { allComponents: false, groupIds: ['g2'] }),
          },
          {
            type: 'broadcast.insert',
            broadcast: {
              id: 'b1',
              kind: 'incident_opened',
              incidentId: 'inc1',
              eventId: 'ev1',
              statusChangeId: null,
              componentIds: ['c1'],
              createdAt: T0 + 1000,
              expandedThrough: null,
              expandedAt: null,
            },
          },
        ])
        const b = (await store.getBroadcast('b1'))!
        expect(await store.countRecipients(['c1'])).toBe(4)
        expect(await store.countRecipients([])).toBe(6)
        const first = await store.expansionBound(b, null, 1)
        expect(first).toBe('s1')
        await store.commit([
          {
            type: 'broadcast.expand',
            broadcastId: 'b1',
            after: null,
            through: first,
            at: T0 + 2000,
          },
        ])
        // The console counts who is still to come: s2 and s6 match and lie past the cursor.
        expect(await store.countAwaitingExpansion(b)).toBe(3)
        // The first batch counted everyone the broadcast reaches, once.
        expect((await store.getBroadcast('b1'))!.recipients).toBe(3)
        expect(await store.countAwaitingExpansion((await store.getBroadcast('b1'))!)).toBe(2)
        await store.commit([
          {
            type: 'broadcast.expand',
            broadcastId: 'b1',
            after: first,
            through: null,
            at: T0 + 2000,
          },
        ])
        expect(await store.countAwaitingExpansion((await store.getBroadcast('b1'))!)).toBe(0)
        // Running the last batch again (a crash before the cursor moved) adds nothing.
        await store.commit([
          {
            type: 'broadcast.expand',
            broadcastId: 'b1',
            after: first,
            through: null,
            at: T0 + 2000,
          },
        ])
        const deliveries = await store.listDeliveries({ broadcastId: 'b1' })
        expect(deliveries.map((d) => d.subscriberId).sort()).toEqual(['s1', 's2', 's6'])
        expect(
          deliveries.every((d) => d.id === `d_b1_${d.subscriberId}` && d.state === 'pending'),
        ).toBe(true)
        expect((await store.getBroadcast('b1'))!.expandedAt).toBe(T0 + 2000)
        const claimed = await store.claimDeliveries(T0 + 3000, T0 + 60_000, 10)
        expect(claimed.map((d) => [d.id, d.state, d.attempts])).toEqual([
          ['d_b1_s1', 'sending', 1],
          ['d_b1_s2', 'sending', 1],
          ['d_b1_s6', 'sending', 1],
        ])
        // The dispatcher reads whom to send to, once per subscriber, without scopes.
        const addressees = await store.getAddressees(['s6', 's1', 's1', 'gone'])
        expect(addressees.map((a) => a.id).sort()).toEqual(['s1', 's6'])
        const s6 = addressees.find((a) => a.id === 's6')!
        const {
          componentIds: _c,
          groupIds: _g,
          ...expected
        } = sub('s6', {
          allComponents: false,
          groupIds: ['g1'],
        })
        expect(s6).toEqual(expected)
        await store.commit([
          {
            type: 'delivery.delivered',
            ids: ['d_b1_s1', 'd_b1_s2', 'd_b1_s6'],
            at: T0 + 4000,
            status: 204,
          },
        ])
        expect((await store.deliveryCounts(['b1'])).get('b1')).toMatchObject({
          delivered: 3,
          pending: 0,
        })
        expect(
          (await store.listDeliveries({ broadcastId: 'b1' })).map((d) => [
            d.state,
            d.deliveredAt,
            d.lastStatus,
            d.leaseUntil,
          ]),
        ).toEqual(Array(3).fill(['delivered', T0 + 4000, 204, null]))

        // A broadcast that names no component goes to every active subscriber, scoped or not.
        await store.commit([
          {
            type: 'broadcast.insert',
            broadcast: {
              id: 'b2',
              kind: 'incident_opened',
              incidentId: 'inc2',
              eventId: 'ev2',
              statusChangeId: null,
              componentIds: [],
              createdAt: T0 + 20_000,
              expandedThrough: null,
              expandedAt: null,
            },
          },
          {
            type: 'broadcast.expand',
            broadcastId: 'b2',
            after: null,
            through: null,
            at: T0 + 21_000,
          },
        ])
        expect(
          (await store.listDeliveries({ broadcastId: 'b2' })).map((d) => d.subscriberId).sort(),
        ).toEqual(['s1', 's2', 's3', 's5', 's6', 's7'])

        // A sender that stops holding leases: they run out, and the deliveries are due again.
        expect(await store.claimDeliveries(T0 + 22_000, T0 + 30_000, 4)).toHaveLength(4)
        expect(await store.reclaimExpiredLeases(T0 + 29_999)).toBe(0)
        expect(await store.reclaimExpiredLeases(T0 + 30_001)).toBe(4)
        const retrying = await store.listDeliveries({ state: 'retrying' })
        expect(retrying).toHaveLength(4)
        expect(retrying.every((d) => d.broadcastId === 'b2' && d.leaseUntil === null)).toBe(true)
        expect(retrying[0]!.lastError).toBe('sender stopped before recording an outcome')
        expect(await store.listDeliveries({ state: 'dead' })).toEqual([])
        expect(await store.listDeliveries({ state: 'pending' })).toHaveLength(2)
      }))

    it('expands a batch already leased, holding back a subscriber whose earlier update is still open', () =>
      withStore(async (store) => {
        await store.commit([
          ...['s1', 's2', 's3', 's4'].map((id): Change => ({
            type: 'subscriber.insert',
            subscriber: sub(id),
          })),
          { type: 'subscriber.insert', subscriber: sub('s5', { state: 'unsubscribed' }) },
          broadcast('b1', 'inc1', T0 + 1000),
        ])
        const b1 = (await store.getBroadcast('b1'))!
        const lease = T0 + 120_000
        const through = await store.expansionBound(b1, null, 2)
        expect(through).toBe('s2')
        const first = { broadcastId: 'b1', after: null, through, at: T0 + 2000 }
        const leased = await store.expandAndLease(first, lease)
        expect(leased).toEqual(
          ['s1', 's2'].map((s) => ({
            id: `d_b1_${s}`,
            broadcastId: 'b1',
            subscriberId: s,
            incidentId: 'inc1',
            state: 'sending',
            attempts: 1,
            nextAttemptAt: T0 + 2000,
            leaseUntil: lease,
            lastError: null,
            lastStatus: null,
            createdAt: T0 + 2000,
            updatedAt: T0 + 2000,
            deliveredAt: null,
          })),
        )
        // What the store returned is what it wrote.
        expect(await store.getDelivery('d_b1_s1')).toEqual(leased[0])
        let now = await store.getBroadcast('b1')
        expect([now!.expandedThrough, now!.expandedAt, now!.recipients]).toEqual(['s2', null, 4])
        // The same batch again (another sender, or a crash before the cursor moved) leases nothing.
        expect(await store.expandAndLease(first, lease + 1)).toEqual([])
        expect((await store.getDelivery('d_b1_s2'))!.leaseUntil).toBe(lease)
        // Nothing is left for a claim: leased deliveries are not due.
        expect(await store.claimDeliveries(T0 + 3000, lease, 10)).toEqual([])
        const rest = await store.expandAndLease(
          { broadcastId: 'b1', after: 's2', through: null, at: T0 + 3000 },
          lease,
        )
        expect(rest.map((d) => d.id)).toEqual(['d_b1_s3', 'd_b1_s4'])
        now = await store.getBroadcast('b1')
        expect([now!.expandedThrough, now!.expandedAt, now!.recipients]).toEqual([
          's2',
          T0 + 3000,
          4,
        ])

        // The next update of the same incident: s1's first one arrived and s3's went dead, but
        // s2's is still out, so s2's second one waits, pending, for a claim after it.
        await store.commit([
          { type: 'delivery.delivered', ids: ['d_b1_s1', 'd_b1_s4'], at: T0 + 4000, status: 204 },
          {
            type: 'delivery.settle',
            id: 'd_b1_s3',
            state: 'dead',
            at: T0 + 4000,
            error: 'HTTP 410',
          },
          broadcast('b2', 'inc1', T0 + 5000),
        ])
        const second = await store.expandAndLease(
          { broadcastId: 'b2', after: null, through: null, at: T0 + 6000 },
          T0 + 130_000,
        )
        expect(second.map((d) => d.id)).toEqual(['d_b2_s1', 'd_b2_s3', 'd_b2_s4'])
        const held = (await store.getDelivery('d_b2_s2'))!
        expect([held.state, held.attempts, held.leaseUntil]).toEqual(['pending', 0, null])
        expect(await store.claimDeliveries(T0 + 7000, T0 + 140_000, 10)).toEqual([])
        await store.commit([
          { type: 'delivery.delivered', ids: ['d_b1_s2'], at: T0 + 8000, status: 204 },
        ])
        expect(
          (await store.claimDeliveries(T0 + 9000, T0 + 140_000, 10)).map((d) => [d.id, d.attempts]),
        ).toEqual([['d_b2_s2', 1]])
        // An update outside any incident is never held back.
        await store.commit([
          {
            type: 'broadcast.insert',
            broadcast: {
              ...(await store.getBroadcast('b2'))!,
              id: 'b3',
              incidentId: null,
              expandedAt: null,
              expandedThrough: null,
              recipients: null,
            },
          },
        ])
        const third = await store.expandAndLease(
          { broadcastId: 'b3', after: null, through: null, at: T0 + 10_000 },
          T0 + 150_000,
        )
        expect(third.map((d) => [d.id, d.incidentId])).toEqual(
          ['s1', 's2', 's3', 's4'].map((s) => [`d_b3_${s}`, null]),
        )
        expect((await store.deliveryCounts(['b1', 'b2', 'b3'])).get('b3')).toMatchObject({
          sending: 4,
          pending: 0,
        })
      }))
  })
}
