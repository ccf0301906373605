// The SSRF guard's rules, pure so both senders share them (Node pins the resolved address, Workers
// can only check literal hosts and names). Only public unicast destinations pass; the allowlist
// (WEBHOOK_ALLOWED_HOSTS) exempts named hosts for development and tests.
//
// Reasons never contain a URL's path, query or credentials: chat webhook URLs carry their secret
// in the path, and reasons end up in the console.

export type AddressCheck = { allowed: true } | { allowed: false; reason: string }

// --- IPv4 ---------------------------------------------------------------------------------------

/** Strict dotted quad (no octal, hex or short forms; URL parsing already canonicalises those). */
function parseIpv4(text: string): number | null {
  const parts = text.split('.')
  if (parts.length !== 4) return null
  let value = 0
  for (const part of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return null
    const n = Number(part)
    if (n > 255) return null
    value = value * 256 + n
  }
  return value
}

function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.')
}

type V4Range = readonly [base: string, bits: number, label: string]

// First match wins: the broadcast address and the metadata address come before their blocks.
const V4_RANGES: readonly V4Range[] = [
  ['0.0.0.0', 8, 'an unspecified ("this network") address'],
  ['10.0.0.0', 8, 'a private address'],
  ['100.64.0.0', 10, 'a carrier-grade NAT address'],
  ['127.0.0.0', 8, 'a loopback address'],
  ['169.254.169.254', 32, 'the cloud metadata address'],
  ['169.254.0.0', 16, 'a link-local address'],
  ['172.16.0.0', 12, 'a private address'],
  ['192.0.0.0', 24, 'an IETF protocol assignment address'],
  ['192.0.2.0', 24, 'a documentation address'],
  ['192.88.99.0', 24, 'a deprecated 6to4 relay address'],
  ['192.168.0.0', 16, 'a private address'],
  ['198.18.0.0', 15, 'a benchmarking address'],
  ['198.51.100.0', 24, 'a documentation address'],
  ['203.0.113.0', 24, 'a documentation address'],
  ['224.0.0.0', 4, 'a multicast address'],
  ['255.255.255.255', 32, 'the broadcast address'],
  ['240.0.0.0', 4, 'a reserved address'],
]

const V4_TABLE = V4_RANGES.map(([base, bits, label]) => {
  const size = 2 ** (32 - bits)
  return { start: parseIpv4(base)!, size, label }
})

/** The label of the non-public range holding this address, or null when it is public. */
function classifyIpv4(value: number): string | null {
  for (const range of V4_TABLE) {
    if (value >= range.start && value < range.start + range.size) return range.label
  }
  return null
}

// --- IPv6 ---------------------------------------------------------------------------------------

/** 128-bit value of an IPv6 literal (no brackets, no zone), or null when malformed. */
function parseIpv6(text: string): bigint | null {
  if (text.length === 0 || text.length > 45) return null
  const halves = text.split('::')
  if (halves.length > 2) return null
  const compressed = halves.length === 2
  const pieces = (s: string | undefined) => (s ? s.split(':') : [])

  // An embedded dotted quad may only be the very last piece, and stands for two groups.
  const toGroups = (list: string[], v4Last: boolean): number[] | null => {
    const out: number[] = []
    for (const [i, piece] of list.entries()) {
      if (v4Last && i === list.length - 1 && piece.includes('.')) {
        const v4 = parseIpv4(piece)
        if (v4 === null) return null
        out.push(Math.floor(v4 / 0x10000), v4 % 0x10000)
      } else if (/^[0-9a-fA-F]{1,4}$/.test(piece)) {
        out.push(parseInt(piece, 16))
      } else {
        return null
      }
    }
    return out
  }
  const head = toGroups(pieces(halves[0]), !compressed)
  const tail = toGroups(pieces(halves[1]), true)
  if (head === null || tail === null) return null
  const count = head.length + tail.length
  // '::' stands for at least one zero group; without it all eight must be there.
  if (compressed ? count > 7 : count !== 8) return null
  const groups = [...head, ...Array<number>(8 - count).fill(0), ...tail]
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n)
}

function formatIpv6(value: bigint): string {
  const groups: string[] = []
  for (let i = 7; i >= 0; i--) groups.push(((value >> BigInt(16 * i)) & 0xffffn).toString(16))
  return groups.join(':')
}

type V6Rule = { prefix: bigint; bits: number } & (
  | { label: string }
  /** Embeds an IPv4 address (at `v4Shift` bits from the right) that decides. */
  | { embeds: string; v4Shift: number }
)

function v6(text: string, bits: number): { prefix: bigint; bits: number } {
  return { prefix: parseIpv6(text)!, bits }
}

// First match wins; anything outside 2000::/3 (the only global unicast block) is refused after.
const V6_RULES: readonly V6Rule[] = [
  { ...v6('::', 128), label: 'the unspecified address' },
  { ...v6('::1', 128), label: 'a loopback address' },
  { ...v6('::ffff:0:0', 96), embeds: 'an IPv4-mapped address', v4Shift: 0 },
  { ...v6('::ffff:0:0:0', 96), label: 'an IPv4-translated address' },
  { ...v6('::', 96), label: 'a deprecated IPv4-compatible address' },
  { ...v6('64:ff9b::', 96), embeds: 'a NAT64 address', v4Shift: 0 },
  { ...v6('64:ff9b:1::', 48), label: 'a local-use NAT64 address' },
  { ...v6('100::', 64), label: 'a discard-only address' },
  { ...v6('2001::', 32), label: 'a Teredo address' },
  { ...v6('2001:2::', 48), label: 'a benchmarking address' },
  { ...v6('2001:db8::', 32), label: 'a documentation address' },
  // The rest of 2001::/23 is protocol infrastructure (ORCHID, AMT, AS112…), never a webhook host.
  { ...v6('2001::', 23), label: 'an IETF protocol assignment address' },
  { ...v6('2002::', 16), embeds: 'a 6to4 address', v4Shift: 80 },
  { ...v6('3fff::', 20), label: 'a documentation address' },
  { ...v6('fc00::', 7), label: 'a unique-local address' },
  { ...v6('fe80::', 10), label: 'a link-local address' },
  { ...v6('fec0::', 10), label: 'a deprecated site-local address' },
  { ...v6('ff00::', 8), label: 'a multicast address' },
]

const GLOBAL_UNICAST = v6('2000::', 3)

function inPrefix(value: bigint, range: { prefix: bigint; bits: number }): boolean {
  const shift = BigInt(128 - range.bits)
  return value >> shift === range.prefix >> shift
}

function checkIpv6(text: string, value: bigint): AddressCheck {
  const rule = V6_RULES.find((r) => inPrefix(value, r))
  if (rule && 'label' in rule) return { allowed: false, reason: `${text} is ${rule.label}` }
  if (rule) {
    const v4 = Number((value >> BigInt(rule.v4Shift)) & 0xffffffffn)
    const label = classifyIpv4(v4)
    if (label === null) return { allowed: true }
    return { allowed: false, reason: `${text} is ${rule.embeds} of ${formatIpv4(v4)}, ${label}` }
  }
  if (!inPrefix(value, GLOBAL_UNICAST)) {
    return { allowed: false, reason: `${text} is not a global unicast address` }
  }
  return { allowed: true }
}

// --- public API ---------------------------------------------------------------------------------

function stripBrackets(text: string): string {
  return text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text
}

/** 4 or 6 for an IP literal (IPv6 may be bracketed), 0 for anything else (a host name). */
export function ipVersion(text: string): 0 | 4 | 6 {
  if (parseIpv4(text) !== null) return 4
  const inner = stripBrackets(text)
  if (!inner.includes('%') && parseIpv6(inner) !== null) return 6
  return 0
}

/**
 * Whether an IP literal is a public unicast address a webhook may be sent to. Anything else
 * (loopback, private, link-local, metadata, CGNAT, unique-local, multicast, reserved,
 * documentation, benchmarking, transition forms embedding such an address, zone ids, text that
 * is not an address) is refused with a reason.
 */
export function checkAddress(ip: string): AddressCheck {
  const text = stripBrackets(ip.trim())
  const v4 = parseIpv4(text)
  if (v4 !== null) {
    const label = classifyIpv4(v4)
    return label === null ? { allowed: true } : { allowed: false, reason: `${text} is ${label}` }
  }
  if (text.includes('%')) {
    // A zone id names a local interface: only meaningful for link-local and local targets.
    return { allowed: false, reason: 'IPv6 addresses with a zone id are not allowed' }
  }
  const value = parseIpv6(text)
  if (value === null) return { allowed: false, reason: 'not an IP address' }
  return checkIpv6(text, value)
}

function normaliseHost(host: string): string {
  const h = stripBrackets(host.trim().toLowerCase()).replace(/\.$/, '')
  const value = h.includes(':') ? parseIpv6(h) : null
  // IPv6 literals compare by value: '::1', '0:0::1' and '[::1]' are one host.
  return value === null ? h : formatIpv6(value)
}

function splitHostPort(text: string): { host: string; port: string | null } {
  const s = text.trim()
  let host = s
  let port: string | null = null
  if (s.startsWith('[')) {
    const end = s.indexOf(']')
    if (end > 0) {
      host = s.slice(0, end + 1)
      const rest = s.slice(end + 1)
      if (rest.startsWith(':')) port = rest.slice(1)
    }
  } else if (s.split(':').length === 2) {
    // Exactly one colon: host:port. More colons is a bare IPv6 literal without a port.
    const at = s.indexOf(':')
    host = s.slice(0, at)
    port = s.slice(at + 1)
  }
  if (port !== null && /^[0-9]+$/.test(port)) port = String(Number(port))
  return { host: normaliseHost(host), port }
}

/**
 * Whether `host` is exempt from the SSRF guard. `host` is a host name or IP literal, with or
 * without `:port` (senders pass `hostname:port` with the effective port). Matching is exact and
 * case-insensitive (no wildcards, no subdomains): an entry without a port matches the host on
 * any port; an entry with a port (`localhost:8080`, `[::1]:8080`) matches only that port.
 */
export function hostAllowed(host: string, allowedHosts: readonly string[]): boolean {
  if (allowedHosts.length === 0) return false
  const target = splitHostPort(host)
  if (target.host === '') return false
  return parsedEntries(allowedHosts).some(
    (allowed) =>
      allowed.host === target.host && (allowed.port === null || allowed.port === target.port),
  )
}

// A sender checks every URL of a fan-out against the same list: each list is parsed once.
const parsedLists = new WeakMap<readonly string[], { host: string; port: string | null }[]>()
function parsedEntries(list: readonly string[]) {
  let parsed = parsedLists.get(list)
  if (!parsed) {
    parsed = list.filter((entry) => entry.trim() !== '').map(splitHostPort)
    parsedLists.set(list, parsed)
  }
  return parsed
}

export type UrlCheck =
  | {
      ok: true
      url: URL
      /** Lower-case host name or IP literal, IPv6 without brackets. */
      hostname: string
      /** The effective port (80/443 when the URL names none). */
      port: number
      /** The host is in the allowlist: the address checks do not apply. */
      allowlisted: boolean
    }
  | { ok: false; reason: string }

/**
 * Parses a webhook URL and applies the rules that need no DNS: http(s) only, no credentials,
 * https unless the host is allowlisted. Address checks are the sender's job (after resolution).
 */
export function checkUrl(raw: string, allowedHosts: readonly string[] = []): UrlCheck {
  let url: URL
  try {
    url = new URL(raw.trim())
  } catch {
    return { ok: false, reason: 'not a valid URL' }
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, reason: `the ${url.protocol} scheme is not allowed (use https)` }
  }
  if (url.username !== '' || url.password !== '') {
    return { ok: false, reason: 'credentials in the URL are not allowed' }
  }
  const hostname = stripBrackets(url.hostname)
  if (hostname === '') return { ok: false, reason: 'the URL has no host' }
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port)
  const allowlisted = hostAllowed(`${url.hostname}:${port}`, allowedHosts)
  if (url.protocol === 'http:' && !allowlisted) {
    return { ok: false, reason: 'https is required' }
  }
  return { ok: true, url, hostname, port, allowlisted }
}

// Special-use names (RFC 6761, 6762, 8375 and common private suffixes) that never name a public
// host; single-label names resolve through local search domains.
const LOCAL_SUFFIXES = ['localhost', 'local', 'internal', 'home.arpa', 'localdomain', 'invalid']

/**
 * For runtimes that cannot resolve and pin (Workers): refuses IP literals that are not public,
 * `localhost` and other local-only names, and single-label names.
 */
export function checkHostName(hostname: string): AddressCheck {
  const name = stripBrackets(hostname.trim().toLowerCase()).replace(/\.$/, '')
  if (ipVersion(name) !== 0 || name.includes(':')) return checkAddress(name)
  const suffix = LOCAL_SUFFIXES.find((s) => name === s || name.endsWith(`.${s}`))
  if (suffix) return { allowed: false, reason: `${name} is a local-only name (.${suffix})` }
  if (name === '' || !name.includes('.')) {
    return {
      allowed: false,
      reason: `${name || 'an empty name'} is not a fully qualified host name`,
    }
  }
  return { allowed: true }
}
