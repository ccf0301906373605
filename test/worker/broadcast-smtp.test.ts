import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { unstable_startWorker } from 'wrangler'
import type { MailMessage, SendOutcome } from '../../src/app/ports.ts'
import {
  decodeWords,
  SMTP_PASSWORD,
  startSmtpRecorder,
  type SmtpRecorder,
} from './smtp-recorder.ts'

// The Workers SMTP mailer (worker-mailer over cloudflare:sockets) under workerd, against a real
// smtp-server: what reaches the server, connection reuse, a dropped connection, and how refusals
// are classified. A tiny Worker (fixtures/smtp-probe.ts) sends what each test gives it.

const FIXTURE = fileURLToPath(new URL('./fixtures/smtp-probe.ts', import.meta.url))

let probe: { url: string; dispose(): Promise<void> }
let smtp: SmtpRecorder

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'herald-smtp-probe-'))
  const config = join(dir, 'wrangler.toml')
  // Same compatibility date as wrangler.toml, and likewise no nodejs_compat.
  writeFileSync(
    config,
    [
      'name = "smtp-probe"',
      `main = ${JSON.stringify(FIXTURE)}`,
      'compatibility_date = "2025-09-01"',
      'send_metrics = false',
      '',
    ].join('\n'),
  )
  const worker = await unstable_startWorker({
    config,
    dev: {
      persist: dir,
      server: { hostname: '127.0.0.1', port: 0 },
      inspector: false,
      watch: false,
      liveReload: false,
      remote: false,
      logLevel: 'warn',
    },
  })
  const dispose = () =>
    worker.dispose().finally(() => rmSync(dir, { recursive: true, force: true }))
  try {
    await worker.ready
    probe = { url: (await worker.url).toString(), dispose }
  } catch (err) {
    await dispose()
    throw err
  }
}, 60_000)
afterAll(async () => {
  await probe?.dispose()
})

beforeEach(async () => {
  smtp = await startSmtpRecorder()
})
afterEach(async () => {
  await smtp?.close()
})

async function send(url: string, messages: MailMessage[]): Promise<SendOutcome[]> {
  const res = await fetch(probe.url, { method: 'POST', body: JSON.stringify({ url, messages }) })
  expect(res.status).toBe(200)
  return (await res.json()) as SendOutcome[]
}

function message(to: string, overrides: Partial<MailMessage> = {}): MailMessage {
  return {
    from: 'Herald Status <status@herald.test>',
    to,
    subject: '[Acme] Checkout is failing',
    text: 'We are looking into it.\n.\nA line that is only a dot survives.',
    html: '<p>We are looking into it.</p>',
    messageId: `<${to.split('@')[0]}-1@status.herald.test>`,
    headers: {
      'In-Reply-To': '<incident-i1@status.herald.test>',
      References: '<incident-i1@status.herald.test>',
      'List-Id': 'Acme <status.status.herald.test>',
      'List-Unsubscribe': '<https://status.herald.test/subscriptions/tok/unsubscribe>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
    ...overrides,
  }
}

describe('SMTP from a Worker (worker-mailer under workerd)', () => {
  it('delivers multipart mail with its Message-ID, thread and list headers, logged in as the URL says', async () => {
    const outcomes = await send(smtp.url(), [
      message('ada@example.com'),
      message('bo@example.com', {
        from: 'Zoë’s Status <status@herald.test>',
        subject: '[Ünïcode Státus] Überweisungen verzögert — 決済の遅延',
      }),
    ])
    expect(outcomes).toEqual([{ ok: true }, { ok: true }])
    const [first, second] = smtp.messages
    expect(first).toMatchObject({
      mailFrom: 'status@herald.test',
      rcptTo: ['ada@example.com'],
      user: 'herald',
    })
    expect(first!.headers).toMatchObject({
      'message-id': '<ada-1@status.herald.test>',
      'in-reply-to': '<incident-i1@status.herald.test>',
      references: '<incident-i1@status.herald.test>',
      'list-id': 'Acme <status.status.herald.test>',
      'list-unsubscribe': '<https://status.herald.test/subscriptions/tok/unsubscribe>',
      'list-unsubscribe-post': 'List-Unsubscribe=One-Click',
      subject: '[Acme] Checkout is failing',
      from: '"Herald Status" <status@herald.test>',
      to: 'ada@example.com',
    })
    expect(first!.raw).toMatch(/Content-Type: text\/plain; charset="UTF-8"/)
    expect(first!.raw).toMatch(/Content-Type: text\/html; charset="UTF-8"/)
    // Dot-stuffed on the wire, so the lone dot did not end the message early.
    expect(first!.raw).toContain('A line that is only a dot survives.')
    // Non-ASCII display names and subjects arrive as encoded words that decode to the original.
    expect(decodeWords(second!.headers.subject!)).toBe(
      '[Ünïcode Státus] Überweisungen verzögert — 決済の遅延',
    )
    expect(decodeWords(second!.headers.from!)).toBe('Zoë’s Status <status@herald.test>')
    for (const line of second!.raw.split('\r\n\r\n')[0]!.split('\r\n'))
      expect(line.length).toBeLessThanOrEqual(998)
    // One session, one connection for both.
    expect(smtp.connections).toBe(1)
  })

  it('connects again, once, when the server has hung up on the connection it kept', async () => {
    smtp.hangUpAfterMessage = true
    const outcomes = await send(smtp.url(), [
      message('one@example.com'),
      message('two@example.com'),
      message('three@example.com'),
    ])
    expect(outcomes).toEqual([{ ok: true }, { ok: true }, { ok: true }])
    expect(smtp.messages.map((m) => m.rcptTo[0])).toEqual([
      'one@example.com',
      'two@example.com',
      'three@example.com',
    ])
    expect(smtp.connections).toBe(3)
  })

  it('gives up on a 5xx refusal, retries a 4xx one, and keeps sending on the same connection', async () => {
    smtp.refuse.set('gone@example.com', 550)
    smtp.refuse.set('busy@example.com', 451)
    const outcomes = await send(smtp.url(), [
      message('gone@example.com'),
      message('busy@example.com'),
      message('fine@example.com'),
    ])
    expect(outcomes[0]).toMatchObject({ ok: false, permanent: true })
    expect((outcomes[0] as { reason: string }).reason).toMatch(/^SMTP 550: .*gone@example\.com/)
    expect(outcomes[1]).toMatchObject({ ok: false, permanent: false })
    expect((outcomes[1] as { reason: string }).reason).toMatch(/^SMTP 451: /)
    expect(outcomes[2]).toEqual({ ok: true })
    expect(smtp.messages.map((m) => m.rcptTo)).toEqual([['fine@example.com']])
    expect(smtp.connections).toBe(1)
  })

  it('retries when the server cannot be reached or refuses the login, never echoing the password', async () => {
    await smtp.close()
    const unreachable = await send(smtp.url(), [message('ada@example.com')])
    expect(unreachable[0]).toMatchObject({ ok: false, permanent: false })
    expect(JSON.stringify(unreachable)).not.toContain(encodeURIComponent(SMTP_PASSWORD))
    expect(JSON.stringify(unreachable)).not.toContain(SMTP_PASSWORD)

    smtp = await startSmtpRecorder()
    const wrongPassword = smtp.url().replace(encodeURIComponent(SMTP_PASSWORD), 'nope')
    const refused = await send(wrongPassword, [message('ada@example.com')])
    // A login refused is the server's or the configuration's problem, not the recipient's.
    expect(refused[0]).toMatchObject({ ok: false, permanent: false })
    expect((refused[0] as { reason: string }).reason).toMatch(/535/)
    expect(smtp.messages).toEqual([])
  })
})
