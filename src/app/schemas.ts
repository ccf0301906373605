import { z } from 'zod'
import {
  COMPONENT_STATUSES,
  EVENT_KINDS,
  IMPACTS,
  INCIDENT_STATUSES,
  VISIBILITIES,
} from '../domain/enums.ts'

// zod pieces shared by the use cases' inputs. Transports (console forms, /api/v1 JSON, CLI) convert
// their own formats (local datetime, ISO-8601 strings) to these before calling a use case.

export const Name = z
  .string()
  .trim()
  .min(1, 'is required')
  .max(200, 'must be at most 200 characters')
export const Description = z
  .string()
  .trim()
  .max(2000, 'must be at most 2000 characters')
  .transform((v) => (v === '' ? null : v))
export const Body = z
  .string()
  .trim()
  .min(1, 'is required')
  .max(20_000, 'must be at most 20000 characters')
export const Id = z.string().trim().min(1, 'is required').max(64)
export const Millis = z.number().int('must be a whole number of milliseconds').min(0).max(8.64e15)

export const ComponentStatusSchema = z.enum(COMPONENT_STATUSES, {
  error: `must be one of ${COMPONENT_STATUSES.join(', ')}`,
})
export const ImpactSchema = z.enum(IMPACTS, { error: `must be one of ${IMPACTS.join(', ')}` })
export const IncidentStatusSchema = z.enum(INCIDENT_STATUSES, {
  error: `must be one of ${INCIDENT_STATUSES.join(', ')}`,
})
export const VisibilitySchema = z.enum(VISIBILITIES, {
  error: `must be one of ${VISIBILITIES.join(', ')}`,
})
export const EventKindSchema = z.enum(EVENT_KINDS, {
  error: `must be one of ${EVENT_KINDS.join(', ')}`,
})

/** {componentId: status}: the component changes an incident event makes. */
export const ComponentChanges = z.record(Id, ComponentStatusSchema)

// An event may be backdated freely, but not dated in the future beyond clock skew.
export const FUTURE_SKEW_MS = 5 * 60_000
