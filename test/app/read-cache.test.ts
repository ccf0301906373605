import { describe, expect, it } from 'vitest'
import { withReadCache } from '../../src/app/invalidating-store.ts'
import { openNodeDatabase } from '../../src/adapters/storage/sqlite.node.ts'
import type { Incident } from '../../src/domain/types.ts'

const T0 = Date.UTC(2026, 10, 1)

const incident = (id: string, startedAt: number): Incident => ({
  id,
  name: id,
  impact: 'minor',
  status: 'investigating',
  startedAt,
  resolvedAt: null,
  createdAt: startedAt,
  updatedAt: startedAt,
  createdBy: null,
  componentIds: [],
})

describe('read cache for one process', () => {
  it('answers window reads from memory until a public write, then reads again', async () => {
    const db = openNodeDatabase(':memory:')
    const store = withReadCache(db.store)
    await store.commit([{ type: 'incident.insert', incident: incident('a', T0) }])
    const first = await store.listIncidents({ from: T0 - 1 })
    expect(first.map((i) => i.id)).toEqual(['a'])

    // A write that bypasses the wrapper is not seen: proof the answer came from memory.
    await db.store.commit([{ type: 'incident.insert', incident: incident('b', T0 + 1) }])
    expect(await store.listIncidents({ from: T0 - 1 })).toBe(first)
    // Reads without a window are never cached.
    expect((await store.listIncidents()).map((i) => i.id)).toEqual(['b', 'a'])

    // A private write (sign-in bookkeeping) keeps the memory; a public one clears it.
    await store.commit([
      {
        type: 'audit.insert',
        entry: {
          id: 'x',
          at: T0,
          actorId: null,
          actorLabel: 't',
          action: 'a',
          entityType: 't',
          entityId: 'x',
          before: null,
          after: null,
        },
      },
    ])
    expect(await store.listIncidents({ from: T0 - 1 })).toBe(first)
    await store.commit([{ type: 'incident.insert', incident: incident('c', T0 + 2) }])
    expect((await store.listIncidents({ from: T0 - 1 })).map((i) => i.id)).toEqual(['c', 'b', 'a'])
    db.close()
  })
})
