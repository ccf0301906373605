import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { createSmtpMailer } from '../../src/adapters/mail/smtp.node.ts'
import type { MailMessage, Mailer } from '../../src/app/ports.ts'
import { startMailSink, type MailSink } from '../support/mail-sink.ts'

// The Node mailer against a real smtp-server: nodemailer runs on a thread of its own, and what
// comes back is the same outcome the dispatcher judges (sent, refused for good, worth retrying).

const open: Array<{ close(): Promise<void> }> = []
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close()
})

function mail(to: string, n = 0): MailMessage {
  return {
    from: 'Status <status@example.com>',
    to,
    subject: `[Example status] Elevated API errors`,
    text: `Update ${n}: we are investigating.\n\nManage: https://status.example.com/subscriptions/t${n}\n`,
    html: `<p>Update ${n}: we are <b>investigating</b>.</p>`,
    messageId: `<d_${n}@status.example.com>`,
    headers: {
      'In-Reply-To': '<incident-1@status.example.com>',
      References: '<incident-1@status.example.com>',
      'List-Id': 'Example status <status.example.com>',
    },
  }
}

async function sink(): Promise<MailSink> {
  const s = await startMailSink()
  open.push(s)
  return s
}

function mailer(url: string): Mailer {
  const m = createSmtpMailer(url)
  open.push({ close: () => m.close?.() ?? Promise.resolve() })
  return m
}

describe('SMTP mailer (nodemailer on its own thread)', () => {
  it('delivers every message once, with its Message-ID and threading headers', async () => {
    const s = await sink()
    const m = mailer(s.url)
    const outcomes = await Promise.all(
      Array.from({ length: 60 }, (_, i) => m.send(mail(`user${i}@example.com`, i))),
    )
    expect(outcomes.every((o) => o.ok)).toBe(true)
    const got = await s.waitFor(60)
    expect(got).toHaveLength(60)
    expect(new Set(got.map((g) => g.to[0])).size).toBe(60)
    const seventh = got.find((g) => g.to[0] === 'user7@example.com')!
    expect(seventh.headers['message-id']).toBe('<d_7@status.example.com>')
    expect(seventh.headers['in-reply-to']).toBe('<incident-1@status.example.com>')
    expect(seventh.headers['list-id']).toBe('Example status <status.example.com>')
    expect(seventh.text).toContain('Update 7: we are investigating.')
  })

  it('reports a refused recipient as permanent, and the sends around it as sent', async () => {
    const s = await sink()
    s.reject.add('gone@example.com')
    const m = mailer(s.url)
    const [before, refused, after] = await Promise.all([
      m.send(mail('a@example.com', 1)),
      m.send(mail('gone@example.com', 2)),
      m.send(mail('b@example.com', 3)),
    ])
    expect(before).toEqual({ ok: true })
    expect(after).toEqual({ ok: true })
    expect(refused.ok).toBe(false)
    if (refused.ok) return
    expect(refused.permanent).toBe(true)
    expect(refused.reason).toMatch(/^SMTP 550: /)
  })

  it('reports a server that is down as worth retrying, and sends once it is back', async () => {
    const s = await sink()
    await s.stop()
    const m = mailer(s.url)
    const down = await m.send(mail('a@example.com', 1))
    expect(down.ok).toBe(false)
    if (!down.ok) expect(down.permanent).toBe(false)
    await s.start()
    expect(await m.send(mail('a@example.com', 1))).toEqual({ ok: true })
    expect((await s.waitFor(1))[0]!.to).toEqual(['a@example.com'])
  })

  it('never puts the connection URL’s password into a reason', async () => {
    const s = await sink()
    await s.stop()
    const m = mailer(`smtp://user:hunter2@127.0.0.1:${s.port}`)
    const down = await m.send(mail('a@example.com'))
    expect(down.ok).toBe(false)
    if (!down.ok) expect(down.reason).not.toContain('hunter2')
  })

  it('closes with a send stuck on a silent server: the send comes back as worth retrying', async () => {
    const sockets = new Set<Socket>()
    const silent: Server = createServer((socket) => sockets.add(socket))
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    open.push({
      close: () =>
        new Promise<void>((resolve) => {
          for (const socket of sockets) socket.destroy()
          silent.close(() => resolve())
        }),
    })
    const m = createSmtpMailer(`smtp://127.0.0.1:${(silent.address() as AddressInfo).port}`)
    const stuck = m.send(mail('a@example.com'))
    await new Promise((resolve) => setTimeout(resolve, 200))
    const started = Date.now()
    await m.close?.()
    const outcome = await stuck
    expect(Date.now() - started).toBeLessThan(4_000)
    expect(outcome.ok).toBe(false)
    if (!outcome.ok) expect(outcome.permanent).toBe(false)
  })

  it('does not keep a process alive once its sends are done', async () => {
    const s = await sink()
    // A child process that sends one mail and then simply ends: a mail thread left holding the
    // event loop would make it run into the timeout instead.
    const dir = mkdtempSync(join(tmpdir(), 'herald-smtp-'))
    open.push({ close: async () => rmSync(dir, { recursive: true, force: true }) })
    const file = join(dir, 'send-one.mts')
    const adapter = new URL('../../src/adapters/mail/smtp.node.ts', import.meta.url).href
    writeFileSync(
      file,
      `import { createSmtpMailer } from ${JSON.stringify(adapter)}\n` +
        `const outcome = await createSmtpMailer(${JSON.stringify(s.url)}).send(` +
        `${JSON.stringify(mail('child@example.com'))})\n` +
        `console.log(JSON.stringify(outcome))\n`,
    )
    // Not spawnSync: that would block this process, and with it the sink the child sends to.
    const child = spawn(process.execPath, ['--import', 'tsx', file], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let stdout = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
    const [status, signal] = (await once(child, 'exit')) as [number | null, string | null]
    clearTimeout(timer)
    expect(signal).toBeNull()
    expect(status).toBe(0)
    expect(JSON.parse(stdout.trim())).toEqual({ ok: true })
    expect((await s.waitFor(1))[0]!.to).toEqual(['child@example.com'])
  }, 30_000)
})
