import { Hono } from 'hono'
import { getSettings } from '../../../app/get-settings.ts'
import { listAudit } from '../../../app/list-audit.ts'
import { formatInZone, toIsoWithOffset } from '../../../domain/time.ts'
import { AuditPage } from '../../../../views/pages/console/audit.tsx'
import type { AppEnv } from '../../env.ts'
import { currentActor, requireUser } from '../../middleware/session.ts'

export const auditRoutes = new Hono<AppEnv>()
auditRoutes.use('/audit', requireUser('owner'))

auditRoutes.get('/audit', async (c) => {
  const before = c.req.query('before')
  const [page, settings] = await Promise.all([
    listAudit(c.var.deps, currentActor(c), before === undefined ? {} : { before }),
    getSettings(c.var.deps),
  ])
  const tz = settings.timeZone
  return c.html(
    <AuditPage
      ctx={{ user: c.var.user!, csrfToken: c.var.csrfToken }}
      entries={page.entries}
      nextBefore={page.nextBefore}
      isFirstPage={before === undefined}
      timeZone={tz}
      formatTime={(ms) => ({
        text: formatInZone(ms, tz, 'datetime'),
        iso: toIsoWithOffset(ms, tz),
      })}
    />,
  )
})
