import { createSmtpMailer } from '../../src/adapters/mail/smtp.node.ts'
import { createNodeHttpSender } from '../../src/adapters/outbound/http.node.ts'
import { benchMail, benchWebhook, type BenchTexts } from './message.ts'

// One raw-transport ceiling, in its own process: Herald's pooled SMTP mailer (createSmtpMailer,
// unchanged options) or Herald's Node webhook sender (createNodeHttpSender), pushing `count`
// copies of one pre-rendered message with `concurrency` sends in flight, as the dispatcher does.
// run.mjs times it from the 'start' message to the moment the sink or receiver has them all.

interface Job {
  mode: 'mail' | 'webhook'
  /** smtp://127.0.0.1:port or http://127.0.0.1:port */
  url: string
  count: number
  /** Sent first and not timed: warms the JIT, the pool's connections and the far end. */
  warmup: number
  concurrency: number
  /** CPU spent on this thread before each webhook send (µs), standing in for a dispatcher's. */
  workUs?: number
  texts: BenchTexts
}

const job = JSON.parse(process.env.BENCH_CEILING ?? '{}') as Job
const send = (msg: object) => process.send?.(msg)
const nowMs = () => performance.timeOrigin + performance.now()

async function run(sendOne: (i: number) => Promise<string | null>): Promise<void> {
  let failed = 0
  let firstError: string | null = null
  // Copies [from, to) with `concurrency` in flight; copy numbers make each recipient distinct.
  const batch = async (from: number, to: number) => {
    let next = from
    const worker = async () => {
      while (next < to) {
        const error = await sendOne(next++)
        if (error !== null) {
          failed++
          firstError ??= error
        }
      }
    }
    await Promise.all(Array.from({ length: Math.min(job.concurrency, to - from) }, worker))
  }
  await batch(0, job.warmup)
  send({ type: 'start', at: nowMs() })
  await batch(job.warmup, job.warmup + job.count)
  send({ type: 'done', at: nowMs(), sent: job.warmup + job.count - failed, failed, firstError })
}

if (job.mode === 'mail') {
  const mailer = createSmtpMailer(job.url)
  const message = benchMail(job.texts, Date.now())
  await run(async (i) => {
    const outcome = await mailer.send({
      ...message,
      to: `user${i}@example.com`,
      messageId: `<bench-${i}@localhost>`,
    })
    return outcome.ok ? null : outcome.reason
  })
  await mailer.close?.()
} else {
  const sender = createNodeHttpSender({ allowedHosts: ['127.0.0.1'] })
  const secret = `whsec_${Buffer.from('0123456789abcdefghijklmn').toString('base64')}`
  const { body, headers } = await benchWebhook(job.texts, Date.now(), secret)
  const workMs = (job.workUs ?? 0) / 1000
  await run(async (i) => {
    if (workMs > 0) {
      const until = performance.now() + workMs
      while (performance.now() < until);
    }
    // A distinct webhook-id per request lets the receiver count duplicates; it does not verify
    // signatures, so the one pre-computed signature stands for all.
    const attempt = await sender.post(`${job.url}/hook/${i}`, {
      headers: { ...headers, 'webhook-id': `msg_${i}` },
      body,
      timeoutMs: 15_000,
    })
    if (attempt.kind !== 'response') return attempt.reason
    return attempt.status >= 200 && attempt.status < 300 ? null : `HTTP ${attempt.status}`
  })
  await sender.close()
}
process.exit(0)
