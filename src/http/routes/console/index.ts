import { Hono } from 'hono'
import type { AppEnv } from '../../env.ts'
import { csrfProtect, loadSession } from '../../middleware/session.ts'

export const consoleRoutes = new Hono<AppEnv>()
consoleRoutes.use(loadSession, csrfProtect)
