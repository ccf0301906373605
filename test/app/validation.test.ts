import { describe, expect, it } from 'vitest'
import {
  Email,
  HttpsUrl,
  optional,
  Password,
  Role,
  TimeZone,
  Url,
} from '../../src/app/validation.ts'

const message = (r: { success: boolean; error?: { issues: { message: string }[] } }) =>
  r.success ? null : r.error!.issues[0]!.message

describe('shared validation', () => {
  it('trims and lowercases emails and rejects what is not one', () => {
    expect(Email.parse('  Ada@Example.COM ')).toBe('ada@example.com')
    expect(message(Email.safeParse('ada'))).toMatch(/valid email/)
    expect(message(Email.safeParse(''))).toBe('Enter an email address')
    expect(message(Email.safeParse(undefined))).toBe('Enter an email address')
  })

  it('wants passwords of 10 to 200 characters, kept exactly as typed', () => {
    expect(Password.parse('  ten chars ')).toBe('  ten chars ')
    expect(message(Password.safeParse('123456789'))).toBe('Use at least 10 characters')
    expect(message(Password.safeParse('x'.repeat(201)))).toBe('Use at most 200 characters')
  })

  it('accepts IANA zones under their canonical name and refuses invented ones', () => {
    expect(TimeZone.parse('UTC')).toBe('UTC')
    expect(TimeZone.parse('america/new_york')).toBe('America/New_York')
    expect(message(TimeZone.safeParse('Mars/Base'))).toMatch(/valid IANA time zone/)
    expect(TimeZone.safeParse('').success).toBe(false)
  })

  it('takes http(s) URLs, and only https where asked', () => {
    expect(Url.parse(' http://status.example.com ')).toBe('http://status.example.com')
    expect(Url.safeParse('javascript:alert(1)').success).toBe(false)
    expect(Url.safeParse('https://user:pw@example.com').success).toBe(false)
    expect(HttpsUrl.safeParse('http://example.com/logo.png').success).toBe(false)
    expect(HttpsUrl.parse('https://example.com/logo.png')).toBe('https://example.com/logo.png')
  })

  it('turns blank optional fields into null', () => {
    const Logo = optional(HttpsUrl)
    expect(Logo.parse('')).toBeNull()
    expect(Logo.parse('   ')).toBeNull()
    expect(Logo.parse(undefined)).toBeNull()
    expect(Logo.safeParse('http://x.test').success).toBe(false)
  })

  it('knows the three roles', () => {
    expect(Role.options).toEqual(['owner', 'responder', 'viewer'])
    expect(message(Role.safeParse('admin'))).toBe('Choose owner, responder or viewer')
  })
})
