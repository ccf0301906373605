import { describe, expect, it } from 'vitest'
import {
  checkAddress,
  checkHostName,
  checkUrl,
  hostAllowed,
  ipVersion,
} from '../../../src/adapters/outbound/address-policy.ts'

// [address, words the refusal must contain]
const REFUSED: [string, string][] = [
  // IPv4
  ['127.0.0.1', 'loopback'],
  ['127.255.255.254', 'loopback'],
  ['0.0.0.0', 'unspecified'],
  ['0.1.2.3', 'unspecified'],
  ['10.0.0.1', 'private'],
  ['10.255.255.255', 'private'],
  ['172.16.0.1', 'private'],
  ['172.31.255.255', 'private'],
  ['192.168.1.1', 'private'],
  ['169.254.169.254', 'metadata'],
  ['169.254.0.1', 'link-local'],
  ['100.64.0.1', 'carrier-grade NAT'],
  ['100.127.255.255', 'carrier-grade NAT'],
  ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast'],
  ['255.255.255.255', 'broadcast'],
  ['240.0.0.1', 'reserved'],
  ['198.18.0.1', 'benchmarking'],
  ['198.19.255.255', 'benchmarking'],
  ['192.0.2.10', 'documentation'],
  ['198.51.100.7', 'documentation'],
  ['203.0.113.9', 'documentation'],
  ['192.0.0.8', 'IETF protocol'],
  ['192.88.99.1', '6to4 relay'],
  // IPv6
  ['::1', 'loopback'],
  ['0:0:0:0:0:0:0:1', 'loopback'],
  ['::', 'unspecified'],
  ['fe80::1', 'link-local'],
  ['febf:ffff::1', 'link-local'],
  ['fc00::1', 'unique-local'],
  ['fd00:ec2::254', 'unique-local'],
  ['ff02::1', 'multicast'],
  ['ff0e::101', 'multicast'],
  ['2001:db8::1', 'documentation'],
  ['3fff::1', 'documentation'],
  ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'Teredo'],
  ['2001:2::1', 'benchmarking'],
  ['fec0::1', 'site-local'],
  ['100::1', 'discard'],
  ['::ffff:127.0.0.1', 'IPv4-mapped address of 127.0.0.1, a loopback'],
  ['::ffff:7f00:1', 'IPv4-mapped address of 127.0.0.1, a loopback'],
  ['::FFFF:A9FE:A9FE', 'IPv4-mapped address of 169.254.169.254, the cloud metadata'],
  ['::ffff:10.1.2.3', '10.1.2.3, a private'],
  ['0:0:0:0:0:ffff:192.168.0.1', '192.168.0.1, a private'],
  ['::127.0.0.1', 'IPv4-compatible'],
  ['::ffff:0:10.0.0.1', 'IPv4-translated'],
  ['64:ff9b::127.0.0.1', 'NAT64 address of 127.0.0.1'],
  ['64:ff9b::a9fe:a9fe', 'NAT64 address of 169.254.169.254'],
  ['64:ff9b:1::1', 'local-use NAT64'],
  ['2002:7f00:1::', '6to4 address of 127.0.0.1'],
  ['2002:c0a8:0101::1', '6to4 address of 192.168.1.1'],
  ['2002:a00:1:1:1:1:1:1', '6to4 address of 10.0.0.1'],
  ['[::1]', 'loopback'],
  ['4000::1', 'not a global unicast'],
  ['fe80::1%eth0', 'zone id'],
  ['fe80::1%25eth0', 'zone id'],
]

const PUBLIC = [
  '8.8.8.8',
  '1.1.1.1',
  '93.184.215.14',
  '100.63.255.255',
  '100.128.0.0',
  '172.15.255.255',
  '172.32.0.0',
  '192.0.1.255',
  '198.17.255.255',
  '223.255.255.255',
  '2606:4700::1111',
  '2a00:1450:4001:80b::200e',
  '2001:4860:4860::8888',
  '::ffff:8.8.8.8',
  '64:ff9b::808:808',
  '2002:808:808::1',
]

const NOT_ADDRESSES = [
  '',
  'localhost',
  'example.com',
  '1.2.3',
  '1.2.3.4.5',
  '256.1.1.1',
  '01.2.3.4',
  '0x7f.0.0.1',
  '1::2::3',
  ':::1',
  ':1::',
  '1:2:3:4:5:6:7:8:9',
  '1:2:3:4:5:6:7',
  '12345::',
  'g::1',
  '::1.2.3',
  '1.2.3.4::',
  '::1.2.3.4:5',
  '1:2:3:4:5:6:7:1.2.3.4',
]

describe('the SSRF address guard', () => {
  it.each(REFUSED)('refuses %s (%s)', (ip, words) => {
    const check = checkAddress(ip)
    expect(check.allowed).toBe(false)
    expect(check.allowed === false && check.reason).toContain(words)
  })

  it.each(PUBLIC)('allows the public address %s', (ip) => {
    expect(checkAddress(ip)).toEqual({ allowed: true })
  })

  it.each(NOT_ADDRESSES)('refuses %j, which is not an IP address', (text) => {
    const check = checkAddress(text)
    expect(check.allowed).toBe(false)
    expect(ipVersion(text)).toBe(0)
  })

  it('parses compressed, full and mixed IPv6 forms to the same address', () => {
    for (const form of ['::1', '0::1', '0:0:0:0:0:0:0:1', '0000:0000::0001', '::0.0.0.1']) {
      expect(ipVersion(form)).toBe(6)
    }
    expect(checkAddress('1:2:3:4:5:6:7::')).toMatchObject({ allowed: false })
    expect(checkAddress('2606:4700:0:0:0:0:0:1111')).toEqual({ allowed: true })
    expect(checkAddress('2606:4700::1.1.1.1')).toEqual({ allowed: true })
  })
})

describe('the allowlist', () => {
  it('matches host names exactly and case-insensitively, on any port when the entry has none', () => {
    expect(hostAllowed('LocalHost:8080', ['localhost'])).toBe(true)
    expect(hostAllowed('localhost', ['localhost'])).toBe(true)
    expect(hostAllowed('localhost.:80', ['localhost'])).toBe(true)
    expect(hostAllowed('api.localhost:80', ['localhost'])).toBe(false)
    expect(hostAllowed('localhost.evil.com', ['localhost'])).toBe(false)
    expect(hostAllowed('127.0.0.1:9', [])).toBe(false)
    expect(hostAllowed('127.0.0.1:9', ['', ' '])).toBe(false)
  })

  it('restricts to the port when the entry names one', () => {
    expect(hostAllowed('127.0.0.1:8080', ['127.0.0.1:8080'])).toBe(true)
    expect(hostAllowed('127.0.0.1:8081', ['127.0.0.1:8080'])).toBe(false)
    expect(hostAllowed('127.0.0.1', ['127.0.0.1:8080'])).toBe(false)
  })

  it('compares IPv6 literals by value, bracketed or not', () => {
    expect(hostAllowed('[::1]:8080', ['0:0::1'])).toBe(true)
    expect(hostAllowed('::1', ['[::1]'])).toBe(true)
    expect(hostAllowed('[::1]:8080', ['[::1]:8081'])).toBe(false)
    expect(hostAllowed('[::2]:8080', ['::1'])).toBe(false)
  })
})

describe('webhook URL rules', () => {
  it('accepts https URLs and reports host and effective port', () => {
    const check = checkUrl('https://Hooks.Example.com/services/T0/B0/secret?x=1')
    expect(check).toMatchObject({ ok: true, hostname: 'hooks.example.com', port: 443 })
    expect(checkUrl('https://[2606:4700::1111]:8443/')).toMatchObject({
      ok: true,
      hostname: '2606:4700::1111',
      port: 8443,
    })
  })

  it.each([
    ['not a url', 'not a valid URL'],
    ['/relative/path', 'not a valid URL'],
    ['ftp://example.com/x', 'ftp: scheme'],
    ['file:///etc/passwd', 'file: scheme'],
    ['javascript:alert(1)', 'javascript: scheme'],
    ['gopher://example.com:70/', 'gopher: scheme'],
    ['https://user:pass@example.com/', 'credentials'],
    ['https://user@example.com/', 'credentials'],
    ['http://example.com/hook', 'https is required'],
  ])('refuses %s', (url, words) => {
    const check = checkUrl(url)
    expect(check.ok).toBe(false)
    expect(check.ok === false && check.reason).toContain(words)
  })

  it('never quotes the URL (its path may be a secret) in a refusal', () => {
    const check = checkUrl('http://user:hunter2@example.com/services/SECRET')
    expect(check.ok === false && check.reason).not.toMatch(/hunter2|SECRET|example/)
  })

  it('allows plain http only for allowlisted hosts', () => {
    expect(checkUrl('http://127.0.0.1:8080/hook', ['127.0.0.1'])).toMatchObject({
      ok: true,
      allowlisted: true,
      port: 8080,
    })
    expect(checkUrl('http://127.0.0.1:8080/hook', ['127.0.0.1:9090']).ok).toBe(false)
    expect(checkUrl('https://example.com/', ['127.0.0.1'])).toMatchObject({ allowlisted: false })
  })
})

describe('host names without DNS (Workers)', () => {
  it.each([
    ['localhost', 'local-only'],
    ['LOCALHOST.', 'local-only'],
    ['api.localhost', 'local-only'],
    ['printer.local', 'local-only'],
    ['metadata.google.internal', 'local-only'],
    ['router.home.arpa', 'local-only'],
    ['intranet', 'fully qualified'],
    ['127.0.0.1', 'loopback'],
    ['[::ffff:a9fe:a9fe]', 'metadata'],
    ['fd00::1', 'unique-local'],
  ])('refuses %s', (name, words) => {
    const check = checkHostName(name)
    expect(check.allowed === false && check.reason).toContain(words)
  })

  it('allows public names and public literals', () => {
    expect(checkHostName('hooks.slack.com')).toEqual({ allowed: true })
    expect(checkHostName('8.8.8.8')).toEqual({ allowed: true })
    expect(checkHostName('2606:4700::1111')).toEqual({ allowed: true })
  })
})
