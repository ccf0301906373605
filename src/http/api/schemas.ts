import { z } from 'zod'
import {
  Body,
  ComponentChanges,
  ComponentStatusSchema,
  Description,
  EventKindSchema,
  Id,
  ImpactSchema,
  IncidentStatusSchema,
  Name,
  VisibilitySchema,
} from '../../app/schemas.ts'
import { ApiTimestamp } from './time.ts'

// /api/v1 request bodies: snake_case fields, ISO-8601 timestamps. Objects are strict, so a typo
// such as `startedAt` is a 422 naming the field instead of being silently ignored. Routes convert
// these to the use cases' inputs; the use cases validate again and decide.

const Bool = z.boolean({ error: 'must be true or false' })
const NullableDescription = Description.nullable()

export const ApiCreateComponent = z
  .strictObject({
    name: Name,
    description: NullableDescription.optional(),
    /** A group by name, created when missing. */
    group: Name.nullable().optional(),
    group_id: Id.nullable().optional(),
    status: ComponentStatusSchema.optional(),
    visible: Bool.optional(),
  })
  .superRefine((v, ctx) => {
    if (v.group && v.group_id)
      ctx.addIssue({ code: 'custom', path: ['group'], message: 'give group or group_id, not both' })
  })

export const ApiPatchComponent = z.strictObject({
  name: Name.optional(),
  description: NullableDescription.optional(),
  /** null moves the component out of its group. */
  group_id: Id.nullable().optional(),
  status: ComponentStatusSchema.optional(),
  visible: Bool.optional(),
})

export const ApiCreateGroup = z.strictObject({
  name: Name,
  description: NullableDescription.optional(),
  collapsed: Bool.optional(),
})

export const ApiPatchGroup = z.strictObject({
  name: Name.optional(),
  description: NullableDescription.optional(),
  collapsed: Bool.optional(),
})

export const ApiCreateIncident = z.strictObject({
  name: Name,
  impact: ImpactSchema,
  status: IncidentStatusSchema.optional(),
  body: Body,
  components: ComponentChanges.optional(),
  started_at: ApiTimestamp.optional(),
  kind: EventKindSchema.optional(),
  notify: Bool.optional(),
})

export const ApiPatchIncident = z
  .strictObject({
    name: Name.optional(),
    impact: ImpactSchema.optional(),
    started_at: ApiTimestamp.optional(),
  })
  .refine((v) => Object.keys(v).length > 0, {
    message: 'give at least one of name, impact, started_at',
  })

export const ApiPostUpdate = z.strictObject({
  body: Body,
  status: IncidentStatusSchema.optional(),
  visibility: VisibilitySchema.optional(),
  at: ApiTimestamp.optional(),
  components: ComponentChanges.optional(),
  kind: EventKindSchema.optional(),
  notify: Bool.optional(),
})

export const ApiPatchUpdate = z
  .strictObject({
    body: Body.optional(),
    at: ApiTimestamp.optional(),
    /** null removes the status change. */
    status: IncidentStatusSchema.nullable().optional(),
    visibility: VisibilitySchema.optional(),
    kind: EventKindSchema.nullable().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, {
    message: 'give at least one of body, at, status, visibility, kind',
  })

export const ApiResolveIncident = z.strictObject({
  body: Body.optional(),
  at: ApiTimestamp.optional(),
  components: ComponentChanges.optional(),
  notify: Bool.optional(),
})

const QueryInt = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,7}$/, `must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, `must be from ${min} to ${max}`)
        .max(max, `must be from ${min} to ${max}`),
    )

export const ApiIncidentListQuery = z.object({
  state: z
    .enum(['open', 'resolved', 'all'], { error: 'must be one of open, resolved, all' })
    .default('all'),
  limit: QueryInt(1, 100).default(25),
  offset: QueryInt(0, 1_000_000).default(0),
})
