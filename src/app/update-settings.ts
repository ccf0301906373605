import { z } from 'zod'
import type { PageSettings } from '../domain/types.ts'
import { assertRole, type Actor } from './actor.ts'
import { audit } from './audit.ts'
import type { Deps } from './deps.ts'
import { Email, HttpsUrl, MailFrom, optional, PageName, TimeZone, Url } from './validation.ts'

export const UpdateSettingsInput = z.object({
  pageName: PageName,
  pageUrl: optional(Url),
  timeZone: TimeZone,
  // https only: the page is served with a strict CSP and must not load mixed content.
  logoUrl: optional(HttpsUrl),
  mailFrom: optional(MailFrom),
  mailReplyTo: optional(Email),
  notifyComponentChanges: z.boolean().default(false),
  maintenanceReminderMinutes: z.coerce
    .number({ error: 'Enter a number of minutes' })
    .int('Enter whole minutes')
    .min(0, 'Use 0 (no reminder) or more')
    .max(10080, 'Use at most a week (10080 minutes)')
    .default(60),
})
export type UpdateSettingsInput = z.input<typeof UpdateSettingsInput>

export async function updateSettings(
  deps: Deps,
  actor: Actor,
  input: UpdateSettingsInput,
): Promise<PageSettings> {
  assertRole(actor, 'owner')
  const data = UpdateSettingsInput.parse(input)
  const before = await deps.store.getSettings()
  const after: PageSettings = { ...data, updatedAt: deps.clock.now() }
  await deps.store.commit([
    { type: 'settings.put', settings: after },
    audit(deps, actor, 'settings.update', { type: 'settings', id: 'page' }, before, after),
  ])
  return after
}
