import { z } from 'zod'
import { Body, Id, Name } from '../../app/schemas.ts'
import { MAINTENANCE_STATUSES } from '../../domain/enums.ts'
import { AppError } from '../../domain/errors.ts'
import type { Maintenance, MaintenanceUpdate } from '../../domain/types.ts'
import { inApiTerms } from './request.ts'
import { ApiTimestamp, iso, isoOrNull } from './time.ts'

// /api/v1 scheduled maintenance: request schemas and response shapes. snake_case fields and
// ISO-8601 timestamps, as the rest of the admin API; objects are strict so a misspelt field is a
// 422 naming it. The use cases validate again and decide.

const Bool = z.boolean({ error: 'must be true or false' })
const ComponentIds = z
  .array(Id, { error: 'must be an array of component ids' })
  .max(500, 'must list at most 500 components')
const MaintenanceStatusSchema = z.enum(MAINTENANCE_STATUSES, {
  error: `must be one of ${MAINTENANCE_STATUSES.join(', ')}`,
})

export const ApiScheduleMaintenance = z.strictObject({
  name: Name,
  /** The announcement: the first update. */
  body: Body,
  scheduled_for: ApiTimestamp,
  scheduled_until: ApiTimestamp,
  components: ComponentIds.optional(),
  auto_start: Bool.optional(),
  auto_complete: Bool.optional(),
  notify: Bool.optional(),
})

export const ApiPatchMaintenance = z
  .strictObject({
    name: Name.optional(),
    scheduled_for: ApiTimestamp.optional(),
    scheduled_until: ApiTimestamp.optional(),
    components: ComponentIds.optional(),
    auto_start: Bool.optional(),
    auto_complete: Bool.optional(),
    notify: Bool.optional(),
    /** Posted as an update (and sent) when the window moves. */
    body: Body.optional(),
  })
  .refine((v) => Object.keys(v).length > 0, {
    message:
      'give at least one of name, scheduled_for, scheduled_until, components, auto_start, auto_complete, notify, body',
  })

export const ApiPostMaintenanceUpdate = z.strictObject({
  body: Body,
  /** Forward only: scheduled → in_progress → verifying → completed. */
  status: MaintenanceStatusSchema.optional(),
  notify: Bool.optional(),
})

export const ApiCancelMaintenance = z.strictObject({
  body: Body.optional(),
  notify: Bool.optional(),
})

export const ApiMaintenanceListQuery = z.object({
  state: z
    .enum(['upcoming', 'active', 'past', 'all'], {
      error: 'must be one of upcoming, active, past, all',
    })
    .default('all'),
  limit: z
    .string()
    .regex(/^\d{1,4}$/, 'must be a whole number from 1 to 100')
    .transform(Number)
    .pipe(z.number().min(1, 'must be from 1 to 100').max(100, 'must be from 1 to 100'))
    .default(25),
})

/**
 * Runs a use case with its error fields in the API's terms: `scheduledFor` → `scheduled_for`, and
 * the use cases' `componentIds` is this API's `components`.
 */
export async function inMaintenanceTerms<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await inApiTerms(run)
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== 'VALIDATION' || !err.issues.length) throw err
    const issues = err.issues.map((i) => ({
      field: i.field.replace(/^component_ids\b/, 'components'),
      message: i.message,
    }))
    throw new AppError('VALIDATION', issues.map((i) => `${i.field}: ${i.message}`).join('; '), {
      issues,
    })
  }
}

export function apiMaintenanceUpdate(u: MaintenanceUpdate) {
  return {
    id: u.id,
    at: iso(u.at),
    posted_at: iso(u.postedAt),
    body: u.body,
    status: u.status,
    // null: posted by the schedule (an automatic start or completion).
    author: u.authorName === null ? null : { name: u.authorName },
  }
}

/** A maintenance with its updates, newest first (callers pass them in that order). */
export function apiMaintenance(m: Maintenance, updatesNewestFirst: MaintenanceUpdate[]) {
  return {
    id: m.id,
    name: m.name,
    status: m.status,
    cancelled: m.cancelledAt !== null,
    scheduled_for: iso(m.scheduledFor),
    scheduled_until: iso(m.scheduledUntil),
    started_at: isoOrNull(m.startedAt),
    completed_at: isoOrNull(m.completedAt),
    cancelled_at: isoOrNull(m.cancelledAt),
    components: m.componentIds,
    auto_start: m.autoStart,
    auto_complete: m.autoComplete,
    notify: m.notify,
    // The calendar's SEQUENCE: bumped on every reschedule and cancellation.
    sequence: m.sequence,
    reminder_sent_at: isoOrNull(m.reminderSentAt),
    created_at: iso(m.createdAt),
    updated_at: iso(m.updatedAt),
    updates: updatesNewestFirst.map(apiMaintenanceUpdate),
  }
}
