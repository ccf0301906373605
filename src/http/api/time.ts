import { z } from 'zod'

// The API speaks ISO-8601 with an explicit offset; use cases speak epoch milliseconds. A timestamp
// without an offset is refused rather than guessed: the server's zone is nobody's business.

const ISO_WITH_OFFSET =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})$/

/** Epoch ms of an ISO-8601 timestamp with offset, or null if it is not one (or not a real date). */
export function parseIsoWithOffset(text: string): number | null {
  const m = ISO_WITH_OFFSET.exec(text)
  if (!m) return null
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map((v) => Number(v ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ]
  const millis = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3))
  const zone = m[8]!
  let offsetMinutes = 0
  if (zone !== 'Z') {
    const oh = Number(zone.slice(1, 3))
    const om = Number(zone.slice(4, 6))
    if (oh > 23 || om > 59) return null
    offsetMinutes = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om)
  }
  if (hour > 23 || minute > 59 || second > 59) return null
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, millis)
  // Date.UTC rolls 2026-02-30 over into March; a real date survives the round trip.
  const check = new Date(wall)
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day
  )
    return null
  return wall - offsetMinutes * 60_000
}

export const ApiTimestamp = z
  .string({ error: 'must be an ISO-8601 timestamp with offset, e.g. 2026-11-22T12:00:00Z' })
  .max(40, 'must be an ISO-8601 timestamp with offset, e.g. 2026-11-22T12:00:00Z')
  .transform((text, ctx) => {
    const ms = parseIsoWithOffset(text)
    if (ms === null) {
      ctx.addIssue({
        code: 'custom',
        message: /T.*(Z|[+-]\d{2}:\d{2})$/.test(text)
          ? 'is not a valid date and time'
          : 'must be an ISO-8601 timestamp with offset, e.g. 2026-11-22T12:00:00Z',
      })
      return z.NEVER
    }
    if (ms < 0) {
      ctx.addIssue({ code: 'custom', message: 'must not be before 1970-01-01T00:00:00Z' })
      return z.NEVER
    }
    return ms
  })

/** Every timestamp the API returns: UTC, millisecond precision, e.g. 2026-11-22T12:00:00.000Z. */
export const iso = (ms: number) => new Date(ms).toISOString()
export const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms))
