import type { PageSettings } from '../domain/types.ts'
import type { Deps } from './deps.ts'

// What a fresh install shows before the owner has saved settings (or when setup was headless).
export const DEFAULT_SETTINGS: PageSettings = {
  pageName: 'Status',
  pageUrl: null,
  timeZone: 'UTC',
  logoUrl: null,
  mailFrom: null,
  mailReplyTo: null,
  notifyComponentChanges: false,
  maintenanceReminderMinutes: 60,
  updatedAt: 0,
}

/** The page settings, with defaults for anything never saved. */
export async function getSettings(deps: Pick<Deps, 'store'>): Promise<PageSettings> {
  return (await deps.store.getSettings()) ?? DEFAULT_SETTINGS
}
