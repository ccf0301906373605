import { Hono } from 'hono'
import { getSettings } from '../../../app/get-settings.ts'
import { updateSettings, UpdateSettingsInput } from '../../../app/update-settings.ts'
import { SettingsPage, type SettingsValues } from '../../../../views/pages/console/settings.tsx'
import type { AppEnv } from '../../env.ts'
import { parseFields, readForm } from '../../forms.ts'
import { currentActor, requireUser } from '../../middleware/session.ts'

export const settingsRoutes = new Hono<AppEnv>()
settingsRoutes.use('/settings', requireUser('owner'))

settingsRoutes.get('/settings', async (c) => {
  const settings = await getSettings(c.var.deps)
  return c.html(
    <SettingsPage
      ctx={{ user: c.var.user!, csrfToken: c.var.csrfToken }}
      values={settings}
      notice={c.req.query('saved') === '1' ? 'Settings saved.' : null}
    />,
  )
})

settingsRoutes.post('/settings', async (c) => {
  const form = await readForm(c)
  const parsed = parseFields(UpdateSettingsInput, {
    ...form,
    notifyComponentChanges: form.notifyComponentChanges === 'on',
  })
  if (!parsed.ok) {
    const pick = (k: string) => (typeof form[k] === 'string' ? (form[k] as string) : undefined)
    const values: SettingsValues = {
      pageName: pick('pageName'),
      pageUrl: pick('pageUrl'),
      timeZone: pick('timeZone'),
      logoUrl: pick('logoUrl'),
      mailFrom: pick('mailFrom'),
      mailReplyTo: pick('mailReplyTo'),
      notifyComponentChanges: form.notifyComponentChanges === 'on',
      maintenanceReminderMinutes: pick('maintenanceReminderMinutes'),
    }
    return c.html(
      <SettingsPage
        ctx={{ user: c.var.user!, csrfToken: c.var.csrfToken }}
        values={values}
        errors={parsed.errors}
      />,
      422,
    )
  }
  await updateSettings(c.var.deps, currentActor(c), parsed.data)
  return c.redirect('/console/settings?saved=1', 303)
})
