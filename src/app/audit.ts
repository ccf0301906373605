import type { Deps } from './deps.ts'
import type { Actor } from './actor.ts'
import type { Change } from './ports.ts'

/** The audit entry that goes into the same write set as the change it describes. */
export function audit(
  deps: Pick<Deps, 'clock' | 'ids'>,
  actor: Actor,
  action: string,
  entity: { type: string; id: string },
  before: unknown,
  after: unknown,
): Change {
  return {
    type: 'audit.insert',
    entry: {
      id: deps.ids.next(),
      at: deps.clock.now(),
      actorId: actor.id,
      actorLabel: actor.via === 'api' ? `${actor.label} (API)` : actor.label,
      action,
      entityType: entity.type,
      entityId: entity.id,
      before: before ?? null,
      after: after ?? null,
    },
  }
}
