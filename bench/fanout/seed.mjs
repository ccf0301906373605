// Seeds subscribers straight into a migrated Herald database (one prepared INSERT, one
// transaction): going through the use cases would take minutes for 110,000 rows and test nothing
// the benchmark is about. Rows look like the ones Herald writes: time-ordered 16-character ids,
// confirmed in the past, all components, a 43-character manage token, `whsec_` secrets.
import { randomBytes } from 'node:crypto'
import Database from 'better-sqlite3'

const B32 = '0123456789abcdefghjkmnpqrstvwxyz'
function base32(n, width) {
  let out = ''
  for (let i = 0; i < width; i++) {
    out = B32[n % 32] + out
    n = Math.floor(n / 32)
  }
  return out
}

function random(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * `order: 'grouped'` gives every e-mail subscriber an older id than every webhook subscriber (the
 * dispatcher works in id order, so the fan-out runs one channel after the other and each channel's
 * rate can be read on its own); 'mixed' spreads the webhooks at random among the e-mails, as
 * sign-ups over time would.
 */
export function seedSubscribers(
  dbPath,
  { emails, webhooks, hookUrl, order = 'grouped', now = Date.now() },
) {
  const started = performance.now()
  const db = new Database(dbPath)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = OFF')
  const insert = db.prepare(
    `insert into subscribers (id, channel, target, target_key, state, all_components, manage_token,
       secret, failure_streak, created_at, confirmed_at)
     values (?, ?, ?, ?, 'active', 1, ?, ?, 0, ?, ?)`,
  )
  const total = emails + webhooks
  const span = 30 * 86_400_000
  const start = now - span - 3_600_000
  const rnd = random(42)
  let e = 0
  let w = 0
  db.transaction(() => {
    for (let i = 0; i < total; i++) {
      const isHook =
        order === 'grouped'
          ? i >= emails
          : w < webhooks && (e >= emails || rnd() < webhooks / total)
      // Millisecond part strictly increasing, so the ids sort in insertion order.
      const createdAt = start + Math.floor((i * span) / total) + i
      const id =
        base32(createdAt, 10) + base32(i % 1024, 2) + base32(Math.floor(rnd() * 32 ** 4), 4)
      const token = randomBytes(32).toString('base64url')
      if (isHook) {
        const target = `${hookUrl}/hook/${w++}`
        const secret = `whsec_${randomBytes(24).toString('base64')}`
        insert.run(
          id,
          'webhook',
          target,
          target.toLowerCase(),
          token,
          secret,
          createdAt,
          createdAt + 60_000,
        )
      } else {
        const target = `subscriber${e++}@example.com`
        insert.run(id, 'email', target, target, token, null, createdAt, createdAt + 60_000)
      }
    }
  })()
  const counts = db
    .prepare(
      `select channel, count(*) as n from subscribers where state = 'active' group by channel`,
    )
    .all()
  db.close()
  return {
    ms: performance.now() - started,
    counts: Object.fromEntries(counts.map((r) => [r.channel, r.n])),
  }
}
