import { z } from 'zod'

// One schema for every runtime: parseConfig takes a plain record (process.env on Node, bindings on
// Workers) so this file stays free of runtime globals.
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes')

export const Config = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_PATH: z.string().min(1).default('./data/herald.db'),
  BASE_URL: z
    .url({ protocol: /^https?$/ })
    .transform((u) => u.replace(/\/+$/, ''))
    .optional(),
  PAGE_CACHE_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  SESSION_TTL_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(24 * 14),
  LOGIN_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(1000).default(10),
  LOGIN_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86400).default(900),
  TRUST_PROXY: bool.default(false),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  SMTP_URL: z
    .url({
      protocol: /^smtps?$/,
      error: 'Use smtp://user:pass@host:587 or smtps://user:pass@host:465',
    })
    .optional(),
  MAIL_FROM: z
    .string()
    .max(200)
    .refine((v) => !/[\r\n]/.test(v), 'Use one line')
    .default('Status <status@localhost>'),
  WEBHOOK_ALLOWED_HOSTS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean),
    ),
  DELIVERY_CONCURRENCY: z.coerce.number().int().min(1).max(500).default(50),
  CONFIRM_TTL_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(48),
  SUBSCRIBE_MAX_PER_HOUR: z.coerce.number().int().min(1).max(10000).default(10),
  LIVE_MAX_CONNECTIONS: z.coerce.number().int().min(0).max(1_000_000).default(20_000),
})
export type Config = z.infer<typeof Config>

export class ConfigError extends Error {}

export function parseConfig(env: Record<string, string | undefined>): Config {
  // Empty strings mean "unset": shells and .env files produce them for blank values.
  const cleaned: Record<string, string> = {}
  for (const key of Object.keys(Config.shape)) {
    const value = env[key]
    if (value !== undefined && value !== '') cleaned[key] = value
  }
  const result = Config.safeParse(cleaned)
  if (!result.success) {
    const lines = result.error.issues.map((i) => {
      const name = String(i.path[0] ?? '?')
      return `  ${name}=${JSON.stringify(cleaned[name] ?? '')}: ${i.message}`
    })
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`)
  }
  return result.data
}

// Documentation for README's configuration table, kept next to the schema so they move together.
export const CONFIG_DOCS: Record<keyof Config, string> = {
  PORT: 'Port to listen on (default 3000).',
  HOST: 'Interface to bind (default 0.0.0.0).',
  DATABASE_PATH: 'SQLite database file (default ./data/herald.db); its folder is created.',
  BASE_URL:
    'Public URL of the page, e.g. https://status.example.com. Enables Secure cookies when https.',
  PAGE_CACHE_SECONDS:
    'How long a rendered public page may be served before re-rendering (default 30); every write invalidates it at once.',
  SESSION_TTL_HOURS: 'Console session lifetime in hours (default 336).',
  LOGIN_MAX_ATTEMPTS:
    'Failed logins allowed per client and per e-mail within the window (default 10).',
  LOGIN_WINDOW_SECONDS: 'Login rate-limit window in seconds (default 900).',
  TRUST_PROXY:
    'Take the client address from X-Forwarded-For (true behind a reverse proxy; default false).',
  LOG_LEVEL: 'debug, info, warn, error or silent (default info).',
  SMTP_URL:
    'SMTP server for subscriber mail, e.g. smtp://user:pass@host:587 (smtps:// for TLS on connect). Unset on Node: mail is captured in the console dev mailbox.',
  MAIL_FROM:
    'Default From header of subscriber mail (default "Status <status@localhost>"); the console setting overrides it.',
  WEBHOOK_ALLOWED_HOSTS:
    'Comma-separated hosts exempt from the SSRF guard, for development and tests only (default empty: every non-public address refused).',
  DELIVERY_CONCURRENCY: 'How many deliveries are sent at once (default 50).',
  CONFIRM_TTL_HOURS: 'How long an e-mail confirmation link stays valid (default 48).',
  SUBSCRIBE_MAX_PER_HOUR: 'Subscribe requests allowed per client address per hour (default 10).',
  LIVE_MAX_CONNECTIONS:
    'Open live pages (Server-Sent Events) one Node process keeps (default 20000); beyond it pages poll instead. 0 turns live updates off.',
}
