import { createDispatcher, type DispatchOptions } from '../app/broadcast/dispatch.ts'
import type { Deps } from '../app/deps.ts'

// The in-process delivery worker on Node. A commit that creates a broadcast wakes it at once; a
// timer wakes it for the next due retry and every few seconds as a sweep, so work written by a
// process that died (or a lost wake-up) is still found.

export interface DeliveryLoop {
  wake(): void
  /** Resolves when the loop has nothing left to do right now (tests, shutdown). */
  idle(): Promise<void>
  stop(): Promise<void>
}

export function startDeliveryLoop(
  deps: Deps,
  opts: { sweepMs?: number; dispatch?: Partial<DispatchOptions> } = {},
): DeliveryLoop {
  const sweepMs = opts.sweepMs ?? 5_000
  const dispatcher = createDispatcher(deps, opts.dispatch)
  let running: Promise<void> | null = null
  let again = false
  let stopped = false
  let timer: ReturnType<typeof setTimeout> | null = null
  let started = false

  const schedule = async () => {
    if (stopped) return
    const due = await deps.store.nextDeliveryDue().catch(() => null)
    const wait = due === null ? sweepMs : Math.min(sweepMs, Math.max(20, due - deps.clock.now()))
    if (timer) clearTimeout(timer)
    timer = setTimeout(() => loop.wake(), wait)
    timer.unref?.()
  }

  const run = async () => {
    try {
      if (!started) {
        // One process owns the database: a lease still held at start belongs to a process that
        // died mid-send, so its deliveries go out again now rather than when the lease runs out.
        started = true
        const reclaimed = await deps.store.reclaimExpiredLeases(Number.MAX_SAFE_INTEGER)
        if (reclaimed)
          deps.log.info('reclaimed deliveries from a previous run', { count: reclaimed })
      }
      do {
        again = false
        await dispatcher.drain()
      } while (again && !stopped)
    } catch (error) {
      deps.log.error('delivery loop failed; retrying on the next sweep', { error: String(error) })
    } finally {
      running = null
      await schedule()
    }
  }

  const loop: DeliveryLoop = {
    wake() {
      if (stopped) return
      if (running) {
        again = true
        return
      }
      running = run()
    },
    async idle() {
      while (running) await running
    },
    async stop() {
      stopped = true
      if (timer) clearTimeout(timer)
      while (running) await running
    },
  }
  loop.wake()
  return loop
}
