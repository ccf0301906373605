import type { Deps } from '../app/deps.ts'
import { runMaintenanceTransitions } from '../app/maintenance.ts'

// The in-process scheduler on Node: checks four times a second for maintenance transitions that are due
// (a cheap indexed query), so starts, completions and reminders happen on time; at start-up it
// catches up with any that were missed while the server was down.

export function startMaintenanceClock(deps: Deps, opts: { everyMs?: number } = {}) {
  let busy = false
  const tick = async () => {
    if (busy) return
    busy = true
    try {
      const made = await runMaintenanceTransitions(deps)
      if (made) deps.log.info('maintenance transitions', { count: made })
    } catch (error) {
      deps.log.error('maintenance transitions failed; retrying', { error: String(error) })
    } finally {
      busy = false
    }
  }
  void tick()
  const timer = setInterval(() => void tick(), opts.everyMs ?? 250)
  timer.unref?.()
  return { stop: () => clearInterval(timer) }
}
