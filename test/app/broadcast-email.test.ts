import nodemailer from 'nodemailer'
import { describe, expect, it } from 'vitest'
import {
  buildConfirmationEmail,
  buildEmail,
  listId,
} from '../../src/app/broadcast/formats/email.ts'
import type { MailMessage } from '../../src/app/ports.ts'
import {
  at,
  componentContent,
  identified,
  identity,
  incident,
  incidentContent,
  openedContent,
  recipient,
} from './broadcast-fixtures.ts'

const hostile = '<img src=x onerror=alert(1)>'
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/

describe('incident e-mail', () => {
  it('is addressed from the page identity to the subscriber with a stable [page] incident subject', () => {
    const mail = buildEmail(incidentContent(), recipient(), identity)

    expect(mail).toMatchObject({
      from: 'Acme Status <status@acme.example>',
      replyTo: 'support@acme.example',
      to: 'ops@customer.example',
      subject: '[Acme Status] Elevated API errors',
    })
  })

  it('has a plain-text part with the status, the body, the incident link and the manage and unsubscribe links', () => {
    const { text } = buildEmail(incidentContent(), recipient(), identity)

    expect(text).toContain('Identified · Major impact')
    expect(text).toContain('Jan 15, 2025, 11:45 CET')
    expect(text).toContain(identified.body)
    expect(text).toContain('- API: Major Outage → Partial Outage')
    expect(text).toContain('View incident: https://status.acme.example/incidents/inc_1')
    expect(text).toContain('https://status.acme.example/subscriptions/tok_manage_1\n')
    expect(text).toContain('https://status.acme.example/subscriptions/tok_manage_1/unsubscribe')
    // The older update follows under its own heading.
    expect(text.indexOf('Earlier updates')).toBeGreaterThan(text.indexOf(identified.body))
    expect(text).toContain('Investigating · Jan 15, 2025, 11:00 CET')
    expect(text).not.toContain('<')
  })

  it('renders the HTML part with the markdown body, the links and the earlier update', () => {
    const { html } = buildEmail(incidentContent(), recipient(), identity)

    expect(html.startsWith('<!doctype html>')).toBe(true)
    expect(html).toContain('<strong>database failover</strong>')
    expect(html).toContain('href="https://acme.example/notes?a=1&amp;b=2"')
    expect(html).toContain('href="https://status.acme.example/incidents/inc_1"')
    expect(html).toContain('href="https://status.acme.example/subscriptions/tok_manage_1"')
    expect(html).toContain(
      'href="https://status.acme.example/subscriptions/tok_manage_1/unsubscribe"',
    )
    expect(html).toContain('Earlier updates')
    expect(html).toContain('We are investigating elevated error rates on the API.')
    expect(html).not.toMatch(/style="/)
  })

  it('escapes a hostile incident name and body in the HTML part', () => {
    const content = incidentContent({
      incident: incident({ name: hostile }),
      update: { ...identified, body: `${hostile} <script>alert(2)</script>` },
    })
    const { html, subject } = buildEmail(content, recipient(), identity)

    expect(html).not.toContain('<img')
    expect(html).not.toContain('<script')
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;')
    expect(subject).toBe(`[Acme Status] ${hostile}`)
  })

  it('keeps CR, LF and other control characters out of every header', () => {
    const content = incidentContent({
      page: { ...incidentContent().page, name: 'Acme\r\nX-Evil: 1' },
      incident: incident({ name: 'Outage\r\nBcc: x@y\u0000' }),
    })
    const mail = buildEmail(content, recipient({ target: 'ops@customer.example\r\nBcc: z@y' }), {
      ...identity,
      from: 'Acme\n <status@acme.example>',
      replyTo: 'help@acme.example\r\n',
    })

    expect(mail.subject).toBe('[Acme X-Evil: 1] Outage Bcc: x@y')
    for (const value of [mail.subject, mail.from, mail.to, mail.replyTo, mail.messageId]) {
      expect(value).not.toMatch(CONTROL)
    }
    for (const value of Object.values(mail.headers)) expect(value).not.toMatch(CONTROL)
  })

  it('threads every update of an incident under one root and keeps incidents apart', () => {
    const opened = buildEmail(openedContent(), recipient({ deliveryId: 'dlv_1' }), identity)
    const updated = buildEmail(incidentContent(), recipient({ deliveryId: 'dlv_2' }), identity)
    const resolved = buildEmail(
      incidentContent({
        kind: 'incident_resolved',
        incident: incident({ status: 'resolved', resolvedAt: at('2025-01-15T12:00:00Z') }),
        update: { ...identified, id: 'evt_9', status: 'resolved' },
      }),
      recipient({ deliveryId: 'dlv_3' }),
      identity,
    )
    const other = buildEmail(
      incidentContent({ incident: incident({ id: 'inc_2', name: 'Elevated API errors' }) }),
      recipient({ deliveryId: 'dlv_4' }),
      identity,
    )

    // The opening mail is the thread root; the later ones reply to it.
    expect(opened.messageId).toBe('<incident-inc_1@status.acme.example>')
    expect(opened.headers['In-Reply-To']).toBeUndefined()
    for (const reply of [updated, resolved]) {
      expect(reply.headers['In-Reply-To']).toBe(opened.messageId)
      expect(reply.headers['References']).toBe(opened.messageId)
      expect(reply.subject).toBe(opened.subject)
    }
    expect(updated.messageId).toBe('<dlv_2@status.acme.example>')
    expect(resolved.messageId).toBe('<dlv_3@status.acme.example>')
    expect(resolved.text).toContain('Resolved · Major impact')
    expect(other.headers['References']).toBe('<incident-inc_2@status.acme.example>')
    expect(other.headers['References']).not.toBe(updated.headers['References'])
  })

  it('gives a retried delivery the same Message-ID and the same content', () => {
    const first = buildEmail(incidentContent(), recipient(), identity)
    const retry = buildEmail(incidentContent(), recipient(), identity)
    expect(retry).toEqual(first)
  })

  it('carries List-Unsubscribe (one-click) and List-Id', () => {
    const { headers } = buildEmail(incidentContent(), recipient(), identity)

    expect(headers['List-Unsubscribe']).toBe(
      '<https://status.acme.example/subscriptions/tok_manage_1/unsubscribe>',
    )
    expect(headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click')
    expect(headers['List-Id']).toBe('Acme Status <status.status.acme.example>')
    expect(headers['Auto-Submitted']).toBe('auto-generated')
  })

  it('offers one-click unsubscribe only over https, as RFC 8058 requires', () => {
    const plain = recipient({
      manageUrl: 'http://localhost:3000/subscriptions/tok_manage_1',
      unsubscribeUrl: 'http://localhost:3000/subscriptions/tok_manage_1/unsubscribe',
    })
    const { headers } = buildEmail(incidentContent(), plain, identity)

    expect(headers['List-Unsubscribe']).toBe(
      '<http://localhost:3000/subscriptions/tok_manage_1/unsubscribe>',
    )
    expect(headers).not.toHaveProperty('List-Unsubscribe-Post')
  })

  it('writes the List-Id name as plain words, or as encoded words when it has specials or non-ASCII', () => {
    expect(listId('Acme Status', 'Status.Acme.Example')).toBe(
      'Acme Status <status.status.acme.example>',
    )
    for (const name of ['Say "hi" <now>, ok?', 'Störungen für Kunden — 日本語のステータスページ']) {
      const value = listId(name, 'status.acme.example')
      expect(value).toMatch(/^(=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?= )+<status\.status\.acme\.example>$/)
      const words = value.split(' ').slice(0, -1)
      for (const word of words) expect(word.length).toBeLessThanOrEqual(75)
      const decoded = words
        .map((w) => Buffer.from(w.slice('=?UTF-8?B?'.length, -2), 'base64').toString('utf8'))
        .join('')
      expect(decoded).toBe(name)
    }
  })

  it('sends a component change outside incidents with its own subject and no thread', () => {
    const mail = buildEmail(componentContent(), recipient({ deliveryId: 'dlv_9' }), identity)

    expect(mail.subject).toBe('[Acme Status] API is Major Outage')
    expect(mail.messageId).toBe('<dlv_9@status.acme.example>')
    expect(mail.headers['In-Reply-To']).toBeUndefined()
    expect(mail.headers['References']).toBeUndefined()
    expect(mail.text).toContain('API changed from Operational to Major Outage.')
    expect(mail.text).toContain('View status page: https://status.acme.example')
    expect(mail.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click')
  })
})

describe('confirmation e-mail', () => {
  const confirmation = (confirmUrl = 'https://status.acme.example/subscriptions/confirm/tok_c1') =>
    buildConfirmationEmail(
      {
        pageName: 'Acme Status',
        confirmUrl,
        manageUrl: 'https://status.acme.example/subscriptions/tok_manage_1',
        expiresAt: at('2025-01-16T10:00:00Z'),
        timeZone: 'Europe/Berlin',
      },
      'new@customer.example',
      identity,
    )

  it('asks to confirm with the link and says when it expires, in the page’s time zone', () => {
    const mail = confirmation()

    expect(mail.subject).toBe('[Acme Status] Confirm your subscription')
    expect(mail.to).toBe('new@customer.example')
    for (const part of [mail.text, mail.html]) {
      expect(part).toContain('https://status.acme.example/subscriptions/confirm/tok_c1')
      expect(part).toContain('Jan 16, 2025, 11:00 CET')
      expect(part).toContain('https://status.acme.example/subscriptions/tok_manage_1')
    }
    expect(mail.headers['List-Unsubscribe']).toBeUndefined()
  })

  it('gets a new Message-ID for a new link, without putting the token in it', () => {
    const first = confirmation()
    const again = confirmation()
    const resent = confirmation('https://status.acme.example/subscriptions/confirm/tok_c2')

    expect(again.messageId).toBe(first.messageId)
    expect(resent.messageId).not.toBe(first.messageId)
    expect(first.messageId).toMatch(/^<confirm-[0-9a-f]{16}@status\.acme\.example>$/)
  })
})

// nodemailer (what the Node mailer uses) composes the message; its raw headers must come out whole.
async function compose(
  mail: MailMessage,
): Promise<{ headers: Map<string, string[]>; raw: string }> {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true })
  const info = await transport.sendMail({
    from: mail.from,
    to: mail.to,
    replyTo: mail.replyTo,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: mail.messageId,
    headers: mail.headers,
  })
  const raw = (info.message as Buffer).toString('utf8')
  const head = raw.slice(0, raw.search(/\r?\n\r?\n/))
  const headers = new Map<string, string[]>()
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':')
    const name = line.slice(0, colon).toLowerCase()
    headers.set(name, [...(headers.get(name) ?? []), line.slice(colon + 1).trim()])
  }
  return { headers, raw }
}

describe('the composed message', () => {
  it('has each threading and list header exactly once, well formed, in a multipart/alternative', async () => {
    const { headers } = await compose(buildEmail(incidentContent(), recipient(), identity))

    expect(headers.get('message-id')).toEqual(['<dlv_100@status.acme.example>'])
    expect(headers.get('in-reply-to')).toEqual(['<incident-inc_1@status.acme.example>'])
    expect(headers.get('references')).toEqual(['<incident-inc_1@status.acme.example>'])
    expect(headers.get('list-id')).toEqual(['Acme Status <status.status.acme.example>'])
    expect(headers.get('list-unsubscribe')).toEqual([
      '<https://status.acme.example/subscriptions/tok_manage_1/unsubscribe>',
    ])
    expect(headers.get('list-unsubscribe-post')).toEqual(['List-Unsubscribe=One-Click'])
    expect(headers.get('subject')).toEqual(['[Acme Status] Elevated API errors'])
    expect(headers.get('content-type')?.[0]).toMatch(/^multipart\/alternative;/)
  })

  it('keeps an encoded List-Id name intact through nodemailer', async () => {
    const content = incidentContent({
      page: { ...incidentContent().page, name: 'Acme "Ops", Inc.' },
    })
    const mail = buildEmail(content, recipient(), identity)
    const { headers } = await compose(mail)

    expect(headers.get('list-id')).toEqual([mail.headers['List-Id']])
    expect(headers.get('list-id')?.[0]).toMatch(/ <status\.status\.acme\.example>$/)
  })

  it('does not let an injected Bcc become a header', async () => {
    const content = incidentContent({ incident: incident({ name: 'Outage\r\nBcc: x@y' }) })
    const { headers } = await compose(buildEmail(content, recipient(), identity))

    expect(headers.has('bcc')).toBe(false)
    expect(headers.get('subject')).toEqual(['[Acme Status] Outage Bcc: x@y'])
  })
})

describe('emailTemplate', () => {
  it('gives each recipient exactly what buildEmail would, from one rendering', async () => {
    const { buildEmail, emailTemplate } = await import('../../src/app/broadcast/formats/email.ts')
    const f = await import('./broadcast-fixtures.ts')
    for (const content of [f.incidentContent(), f.openedContent(), f.componentContent()]) {
      const template = emailTemplate(content, f.identity)
      for (const n of [1, 2, 3]) {
        // The third page is served over plain http, so its mail has no one-click header.
        const base = n === 3 ? 'http://localhost:3000' : 'https://status.example.test'
        const r = f.recipient({
          deliveryId: `d_b${n}_s${n}`,
          target: `person${n}@example.test`,
          manageUrl: `${base}/subscriptions/tok${n}Ab-_`,
          unsubscribeUrl: `${base}/subscriptions/tok${n}Ab-_/unsubscribe`,
        })
        expect(template(r)).toEqual(buildEmail(content, r, f.identity))
      }
    }
  })
})
