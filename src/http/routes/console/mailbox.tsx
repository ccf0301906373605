import { Hono } from 'hono'
import { getSettings } from '../../../app/get-settings.ts'
import { notFound } from '../../../domain/errors.ts'
import { MailboxPage, MailPage } from '../../../../views/pages/console/mailbox.tsx'
import type { AppEnv } from '../../env.ts'
import { requireUser } from '../../middleware/session.ts'
import { userOf } from './support.ts'

// The development mailbox: mail captured instead of sent when no SMTP server is configured.
// Owners and responders only: captured mail holds confirmation and manage links, which are
// capabilities over other people's subscriptions that viewers are not otherwise given.

export const mailboxRoutes = new Hono<AppEnv>()
mailboxRoutes.use('/mailbox', requireUser('owner', 'responder'))
mailboxRoutes.use('/mailbox/*', requireUser('owner', 'responder'))

const LIMIT = 100

mailboxRoutes.get('/mailbox', async (c) => {
  const { deps } = c.var
  const [mail, settings] = await Promise.all([
    deps.store.listCapturedMail(LIMIT),
    getSettings(deps),
  ])
  c.header('Cache-Control', 'no-store')
  return c.html(
    <MailboxPage
      ctx={{ user: userOf(c), csrfToken: c.var.csrfToken }}
      kind={deps.mailer.kind}
      mail={mail}
      limit={LIMIT}
      tz={settings.timeZone}
    />,
  )
})

mailboxRoutes.get('/mailbox/:id', async (c) => {
  const { deps } = c.var
  const id = c.req.param('id')
  const [mail, settings] = await Promise.all([deps.store.getCapturedMail(id), getSettings(deps)])
  if (!mail) throw notFound('Mail', id)
  c.header('Cache-Control', 'no-store')
  return c.html(
    <MailPage
      ctx={{ user: userOf(c), csrfToken: c.var.csrfToken }}
      kind={deps.mailer.kind}
      mail={mail}
      tz={settings.timeZone}
    />,
  )
})
