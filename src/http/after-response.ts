import type { Context } from 'hono'
import type { AppEnv } from './env.ts'

/**
 * Work that goes on after the answer is sent: Workers would cancel an unawaited promise once the
 * response is out, so it is handed to the execution context; Node has none and simply runs it.
 */
export function afterResponse(c: Context<AppEnv>, work: Promise<unknown>): void {
  try {
    c.executionCtx.waitUntil(work)
  } catch {
    // No execution context (Node): the promise runs on by itself.
  }
}
