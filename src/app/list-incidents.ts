import type { Component, Incident } from '../domain/types.ts'
import type { Deps } from './deps.ts'

export const BOARD_PAGE_SIZE = 20
// Open incidents are always shown in full: there are few, and hiding one on page 2 would be a trap.
const MAX_OPEN = 500

export interface IncidentBoard {
  /** Every open incident, newest start first. */
  open: Incident[]
  /** One page of resolved incidents, most recently started first. */
  resolved: Incident[]
  page: number
  pageCount: number
  resolvedTotal: number
  /** Affected components by id, for names and statuses. */
  components: Map<string, Component>
}

/** The console's incidents board: open incidents first, then recently resolved ones, paginated. */
export async function listIncidents(
  deps: Pick<Deps, 'store'>,
  opts: { page?: number; pageSize?: number } = {},
): Promise<IncidentBoard> {
  const pageSize = Math.max(1, Math.min(100, opts.pageSize ?? BOARD_PAGE_SIZE))
  const [open, resolvedTotal, components] = await Promise.all([
    deps.store.listIncidents({ state: 'open', limit: MAX_OPEN }),
    deps.store.countIncidents({ state: 'resolved' }),
    deps.store.listComponents(),
  ])
  const pageCount = Math.max(1, Math.ceil(resolvedTotal / pageSize))
  const page = Math.min(Math.max(1, Math.floor(opts.page ?? 1)), pageCount)
  const resolved = await deps.store.listIncidents({
    state: 'resolved',
    limit: pageSize,
    offset: (page - 1) * pageSize,
  })
  return {
    open,
    resolved,
    page,
    pageCount,
    resolvedTotal,
    components: new Map(components.map((c) => [c.id, c])),
  }
}
