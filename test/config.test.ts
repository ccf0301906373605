import { describe, expect, it } from 'vitest'
import { ConfigError, parseConfig } from '../src/config.ts'

describe('configuration', () => {
  it('has working defaults', () => {
    const c = parseConfig({})
    expect(c.PORT).toBe(3000)
    expect(c.DATABASE_PATH).toBe('./data/herald.db')
    expect(c.BASE_URL).toBeUndefined()
  })

  it('treats empty values as unset', () => {
    expect(parseConfig({ PORT: '', BASE_URL: '' }).PORT).toBe(3000)
  })

  it('names the variable and its value when one is invalid', () => {
    expect(() => parseConfig({ PORT: 'eighty' })).toThrow(ConfigError)
    expect(() => parseConfig({ PORT: 'eighty' })).toThrow(/PORT="eighty"/)
    expect(() => parseConfig({ BASE_URL: 'ftp://x' })).toThrow(/BASE_URL/)
    expect(() => parseConfig({ TRUST_PROXY: 'maybe' })).toThrow(/TRUST_PROXY/)
  })

  it('exempts no host from the SSRF guard unless WEBHOOK_ALLOWED_HOSTS names some', () => {
    expect(parseConfig({}).WEBHOOK_ALLOWED_HOSTS).toEqual([])
    expect(
      parseConfig({ WEBHOOK_ALLOWED_HOSTS: ' 127.0.0.1, Hooks.Local:8080 ,,' })
        .WEBHOOK_ALLOWED_HOSTS,
    ).toEqual(['127.0.0.1', 'hooks.local:8080'])
  })

  it('drops a trailing slash from BASE_URL', () => {
    expect(parseConfig({ BASE_URL: 'https://status.example.com/' }).BASE_URL).toBe(
      'https://status.example.com',
    )
  })
})
