import { z } from 'zod'
import type { AuditEntry } from '../domain/types.ts'
import { assertRole, type Actor } from './actor.ts'
import type { Deps } from './deps.ts'

export const ListAuditInput = z.object({
  // An entry id from a previous page: ids sort by creation, so "older than" is "id below".
  before: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'Use the link from the previous page')
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
})
export type ListAuditInput = z.input<typeof ListAuditInput>

export interface AuditPage {
  entries: AuditEntry[]
  /** Cursor for the next (older) page, or null when this is the last one. */
  nextBefore: string | null
}

/** The audit log, newest first, one page at a time. */
export async function listAudit(
  deps: Pick<Deps, 'store'>,
  actor: Actor,
  input: ListAuditInput = {},
): Promise<AuditPage> {
  assertRole(actor, 'owner')
  const { before, limit } = ListAuditInput.parse(input)
  const rows = await deps.store.listAudit({ limit: limit + 1, ...(before ? { before } : {}) })
  const entries = rows.slice(0, limit)
  const last = entries[entries.length - 1]
  return { entries, nextBefore: rows.length > limit && last ? last.id : null }
}
