import type { Logger } from '../app/ports.ts'

const LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const
type Level = (typeof LEVELS)[number]

// JSON lines on the console (stdout/stderr on Node, the log stream on Workers). Callers never
// pass secrets in fields; see README "Security".
export function createConsoleLogger(level: Level = 'info'): Logger {
  const min = LEVELS.indexOf(level)
  const emit = (lvl: Exclude<Level, 'silent'>, msg: string, fields?: Record<string, unknown>) => {
    if (LEVELS.indexOf(lvl) < min) return
    const line = JSON.stringify({ level: lvl, msg, ...fields })
    if (lvl === 'error' || lvl === 'warn') console.error(line)
    else console.log(line)
  }
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  }
}
