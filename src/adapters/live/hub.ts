import type { LiveHub, LiveListener } from '../../app/ports.ts'

// One process's open live pages (Server-Sent Events on Node). A public write tells every listener
// "changed"; one shared timer sends keep-alives so idle proxies do not cut the streams. Bounded:
// beyond `max` connections a newcomer is refused and its page falls back to polling.

export function createLiveHub(opts: { max: number; keepAliveMs?: number }): LiveHub {
  const listeners = new Set<LiveListener>()
  let timer: ReturnType<typeof setInterval> | null = null
  const keepAliveMs = opts.keepAliveMs ?? 15_000
  const broadcast = (event: 'changed' | 'ping') => {
    for (const listener of listeners) {
      try {
        listener(event)
      } catch {
        listeners.delete(listener)
      }
    }
  }
  return {
    get connections() {
      return listeners.size
    },
    publish() {
      broadcast('changed')
    },
    subscribe(listener) {
      if (listeners.size >= opts.max) return null
      listeners.add(listener)
      if (!timer) {
        timer = setInterval(() => broadcast('ping'), keepAliveMs)
        ;(timer as { unref?: () => void }).unref?.()
      }
      return () => {
        listeners.delete(listener)
        if (listeners.size === 0 && timer) {
          clearInterval(timer)
          timer = null
        }
      }
    },
  }
}
