import { Hono } from 'hono'
import type { AppEnv } from '../../env.ts'
import { csrfProtect, loadSession } from '../../middleware/session.ts'
import { auditRoutes } from './audit.tsx'
import { authRoutes } from './auth.tsx'
import { componentsRoutes } from './components.tsx'
import { incidentsRoutes } from './incidents.tsx'
import { mailboxRoutes } from './mailbox.tsx'
import { postmortemRoutes } from './postmortems.tsx'
import { maintenanceRoutes } from './maintenance.tsx'
import { settingsRoutes } from './settings.tsx'
import { subscribersRoutes } from './subscribers.tsx'
import { tokensRoutes } from './tokens.tsx'
import { usersRoutes } from './users.tsx'

export const consoleRoutes = new Hono<AppEnv>()
consoleRoutes.use(loadSession, csrfProtect)

// One line per console area.
consoleRoutes.route('/', authRoutes)
consoleRoutes.route('/', usersRoutes)
consoleRoutes.route('/', settingsRoutes)
consoleRoutes.route('/', auditRoutes)
consoleRoutes.route('/', incidentsRoutes)
consoleRoutes.route('/', componentsRoutes)
consoleRoutes.route('/', tokensRoutes)
consoleRoutes.route('/', subscribersRoutes)
consoleRoutes.route('/', mailboxRoutes)
consoleRoutes.route('/', maintenanceRoutes)
consoleRoutes.route('/', postmortemRoutes)
