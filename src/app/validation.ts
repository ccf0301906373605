import { z } from 'zod'
import { ROLES } from '../domain/enums.ts'
import { isValidTimeZone } from '../domain/time.ts'

// Shared zod pieces for forms, the API and the CLI. Messages are written for people: a console form
// shows them under the field, the API returns them with the field's name.

/** Form fields arrive as '' when left blank: treat blank (or absent) as null for optional values. */
export function optional<T extends z.ZodType<string, string>>(schema: T) {
  return z
    .string()
    .nullish()
    .transform((v) => (v == null || v.trim() === '' ? null : v))
    .pipe(schema.nullable())
}

// Stored lowercased: the unique index and look-ups compare lower(email) anyway.
export const Email = z
  .string({ error: 'Enter an email address' })
  .trim()
  .toLowerCase()
  .min(1, 'Enter an email address')
  .max(254, 'Use at most 254 characters')
  .pipe(z.email('Enter a valid email address, such as ada@example.com'))

/** A From header: 'ada@example.com' or 'Acme Status <status@acme.example>'; no line breaks. */
export const MailFrom = z
  .string()
  .trim()
  .max(200, 'Use at most 200 characters')
  .refine((v) => !/[\r\n\0]/.test(v), 'Use one line')
  .refine((v) => {
    const m = /^(?:"?([^"<>]*)"?\s*)?<([^<>\s]+)>$/.exec(v)
    const address = m ? m[2]! : v
    return z.email().safeParse(address).success
  }, 'Enter an address, such as status@example.com or Acme Status <status@example.com>')

// Never trimmed: spaces are part of a password.
export const Password = z
  .string({ error: 'Enter a password' })
  .min(10, 'Use at least 10 characters')
  .max(200, 'Use at most 200 characters')

export const PersonName = z
  .string({ error: 'Enter a name' })
  .trim()
  .min(1, 'Enter a name')
  .max(100, 'Use at most 100 characters')

export const PageName = z
  .string({ error: 'Enter a page name' })
  .trim()
  .min(1, 'Enter a page name')
  .max(100, 'Use at most 100 characters')

export const Role = z.enum(ROLES, { error: 'Choose owner, responder or viewer' })

// Intl accepts any casing and aliases (europe/paris, Etc/UTC); store the canonical name.
export const TimeZone = z
  .string({ error: 'Choose a time zone' })
  .trim()
  .refine(isValidTimeZone, 'Choose a valid IANA time zone, such as Europe/Paris or UTC')
  .transform((tz) => new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone)

function urlWith(protocols: string[], message: string) {
  return z
    .string({ error: message })
    .trim()
    .max(2000, 'Use at most 2000 characters')
    .refine((value) => {
      try {
        const url = new URL(value)
        return (
          protocols.includes(url.protocol) && url.hostname !== '' && !url.username && !url.password
        )
      } catch {
        return false
      }
    }, message)
}

export const Url = urlWith(['http:', 'https:'], 'Enter a full http:// or https:// address')
export const HttpsUrl = urlWith(['https:'], 'Enter a full https:// address')
