import { formatInZone } from '../../../domain/time.ts'
import type { Millis } from '../../../domain/types.ts'
import { renderConfirmationEmail } from '../../../../views/emails/confirmation.tsx'
import { renderIncidentEmail, type IncidentEmailView } from '../../../../views/emails/incident.tsx'
import type { MailMessage } from '../../ports.ts'
import type { BroadcastContent, MailIdentity, Recipient } from '../content.ts'
import { describeChange, oneLine, statusLabel, summarize, truncate } from './common.ts'

// Broadcast e-mail: multipart text + HTML, one thread per incident, list headers for one-click
// unsubscribe (RFC 8058) and list identification (RFC 2919).
//
// Threading: every incident has a thread root id, <incident-{incidentId}@{host}>. The
// incident_opened (or maintenance_scheduled) mail IS the root (its Message-ID is the root id), so
// clients that thread only on messages they hold (Gmail) see every later update reply to a message
// in the mailbox. Every other incident mail has Message-ID <{deliveryId}@{host}> (stable across
// retries, so a duplicate is recognisably the same message) and In-Reply-To = References = the
// root. The subject never changes within an incident; the status is in the body. Component changes
// outside incidents are standalone messages with their own subject.

const SUBJECT_MAX = 200

// RFC 8058 one-click needs an HTTPS URI; over plain http (a local BASE_URL) mail providers would
// ignore it, so such a link stays a plain RFC 2369 one.
function oneClick(unsubscribeUrl: string): boolean {
  return unsubscribeUrl.startsWith('https://')
}

/** Earlier updates quoted in full below the new one; the rest are a link away. */
const EARLIER_MAX = 10

export function buildEmail(
  content: BroadcastContent,
  recipient: Recipient,
  identity: MailIdentity,
): MailMessage {
  const s = summarize(content)
  const host = hostPart(identity.host)
  const tz = s.page.timeZone
  const subject = headerText(
    s.incident
      ? `[${s.page.name}] ${s.incident.name}`
      : `[${s.page.name}] ${s.title} is ${s.statusLabel}`,
    SUBJECT_MAX,
  )
  const earlier = s.earlier.slice(0, EARLIER_MAX)
  const view: IncidentEmailView = {
    subject,
    pageName: s.page.name,
    pageUrl: s.page.url,
    title: s.title,
    statusLabel: s.statusLabel,
    impactText: s.impactText,
    tone: s.tone,
    body: s.body,
    time: formatInZone(s.at, tz, 'datetime'),
    changes: s.changes.map(({ name, from, to }) => ({ name, from, to })),
    url: s.url,
    linkLabel: s.incident?.maintenance
      ? 'View maintenance'
      : s.incident
        ? 'View incident'
        : 'View status page',
    earlier: earlier.map((u) => ({
      statusLabel: statusLabel(u.status),
      body: u.body,
      time: formatInZone(u.at, tz, 'datetime'),
    })),
    earlierOmitted: s.earlier.length - earlier.length,
    manageUrl: recipient.manageUrl,
    unsubscribeUrl: recipient.unsubscribeUrl,
  }

  const unsubscribeUrl = headerUrl(recipient.unsubscribeUrl)
  const headers: Record<string, string> = {
    'List-Id': listId(s.page.name, host),
    'List-Unsubscribe': `<${unsubscribeUrl}>`,
    ...(oneClick(unsubscribeUrl) ? { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } : {}),
    // RFC 3834: machine-sent, so vacation responders stay quiet.
    'Auto-Submitted': 'auto-generated',
  }
  let messageId = deliveryMessageId(recipient.deliveryId, host)
  if (s.incident) {
    const root = threadRootId(s.incident.id, host)
    // A maintenance's thread starts with its announcement, as an incident's with its opening.
    if (content.kind === 'incident_opened' || content.kind === 'maintenance_scheduled') {
      messageId = root
    } else {
      headers['In-Reply-To'] = root
      headers['References'] = root
    }
  }

  return {
    from: headerText(identity.from),
    to: headerText(recipient.target),
    ...(identity.replyTo ? { replyTo: headerText(identity.replyTo) } : {}),
    subject,
    text: incidentText(view),
    html: renderIncidentEmail(view),
    messageId,
    headers,
  }
}

function incidentText(v: IncidentEmailView): string {
  const lines = [v.title, [v.statusLabel, v.impactText].filter(Boolean).join(' · '), v.time, '']
  if (v.body.trim()) lines.push(plainText(v.body), '')
  if (v.changes.length) {
    lines.push('Components:')
    for (const c of v.changes) lines.push(`- ${describeChange(c)}`)
    lines.push('')
  }
  lines.push(`${v.linkLabel}: ${v.url}`, '')
  if (v.earlier.length) {
    lines.push('Earlier updates', '---------------', '')
    for (const u of v.earlier) lines.push(`${u.statusLabel} · ${u.time}`, plainText(u.body), '')
    if (v.earlierOmitted > 0) lines.push(`(${v.earlierOmitted} more on ${v.url})`, '')
  }
  lines.push(
    '-- ',
    `You are receiving this because you subscribed to status updates from ${oneLine(v.pageName)}.`,
    `Manage your subscription (components, unsubscribe): ${v.manageUrl}`,
    `Unsubscribe: ${v.unsubscribeUrl}`,
    '',
  )
  return lines.join('\n')
}

export interface ConfirmationContent {
  pageName: string
  confirmUrl: string
  manageUrl: string
  expiresAt: Millis
  timeZone: string
}

/** The double opt-in mail: the only one an address gets before it is confirmed. */
export function buildConfirmationEmail(
  c: ConfirmationContent,
  to: string,
  identity: MailIdentity,
): MailMessage {
  const host = hostPart(identity.host)
  const subject = headerText(`[${c.pageName}] Confirm your subscription`, SUBJECT_MAX)
  const expires = formatInZone(c.expiresAt, c.timeZone, 'datetime')
  const text = [
    `Confirm your subscription to ${oneLine(c.pageName)}`,
    '',
    `Someone, hopefully you, asked to receive status updates from ${oneLine(c.pageName)} at this address.`,
    'Confirm to start receiving them:',
    '',
    c.confirmUrl,
    '',
    `This link expires on ${expires}.`,
    '',
    `You can choose components or cancel at any time: ${c.manageUrl}`,
    '',
    '-- ',
    'If you did not ask for this, ignore this message: nothing more will be sent to this address',
    'unless the link above is used.',
    '',
  ].join('\n')
  return {
    from: headerText(identity.from),
    to: headerText(to),
    ...(identity.replyTo ? { replyTo: headerText(identity.replyTo) } : {}),
    subject,
    text,
    html: renderConfirmationEmail({
      subject,
      pageName: c.pageName,
      confirmUrl: c.confirmUrl,
      manageUrl: c.manageUrl,
      expires,
    }),
    // Derived from the confirmation link, so a resend with a fresh token is a new message while
    // the function stays pure; the hash does not reveal the token.
    messageId: `<confirm-${hash64(`${to}\n${c.confirmUrl}`)}@${host}>`,
    headers: { 'Auto-Submitted': 'auto-generated' },
  }
}

// --- header safety ---

/** Anything placed in a header: one line, no control characters, bounded. */
export function headerText(text: string, max = 998): string {
  return truncate(oneLine(text), max)
}

export function threadRootId(incidentId: string, host: string): string {
  return `<incident-${idPart(incidentId)}@${hostPart(host)}>`
}

export function deliveryMessageId(deliveryId: string, host: string): string {
  return `<${idPart(deliveryId)}@${hostPart(host)}>`
}

/**
 * RFC 2919: a display phrase, then <status.{host}>. The phrase is plain atoms when the name allows
 * ("Acme Status" needs no quotes) and RFC 2047 encoded words otherwise. Not a quoted string:
 * nodemailer MIME-encodes any custom header containing a double quote as a whole, which would
 * swallow the <list-id> into the encoded text.
 */
export function listId(pageName: string, host: string): string {
  return `${phrase(oneLine(pageName) || 'Status')} <status.${hostPart(host)}>`
}

// A dot-atom-text id-left: atext only, no empty labels.
function idPart(id: string): string {
  const cleaned = id
    .replace(/[^A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/^\.|\.$/g, '')
  return cleaned || 'x'
}

function hostPart(host: string): string {
  const cleaned = host
    .toLowerCase()
    .replace(/[^a-z0-9.-]/g, '')
    .replace(/\.{2,}/g, '.')
    .replace(/^[.-]+|[.-]+$/g, '')
  return cleaned || 'localhost'
}

// Angle brackets and white space would end or split the <url> of List-Unsubscribe.
function headerUrl(url: string): string {
  return oneLine(url).replace(/\s/g, '').replace(/</g, '%3C').replace(/>/g, '%3E')
}

// atext and spaces, without '=' and '?' so no atom can be read as the start of an encoded word.
const ATOMS = /^[A-Za-z0-9!#$%&'*+/^_`{|}~ -]+$/

function phrase(text: string): string {
  if (ATOMS.test(text)) return text
  // Encoded words, each within the 75-character limit of RFC 2047.
  const words: string[] = []
  let chunk = ''
  for (const ch of text) {
    if (chunk && utf8Length(chunk + ch) > 45) {
      words.push(encodedWord(chunk))
      chunk = ''
    }
    chunk += ch
  }
  if (chunk) words.push(encodedWord(chunk))
  return words.join(' ')
}

const utf8 = new TextEncoder()
const utf8Length = (text: string) => utf8.encode(text).length

function encodedWord(text: string): string {
  let binary = ''
  for (const byte of utf8.encode(text)) binary += String.fromCharCode(byte)
  return `=?UTF-8?B?${btoa(binary)}?=`
}

// Markdown reads well as plain text; only control characters (other than line breaks and tabs)
// are dropped.
function plainText(markdown: string): string {
  // eslint-disable-next-line no-control-regex
  return markdown.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
}

// Two FNV-1a-style passes with different seeds and multipliers: 64 bits, enough to tell confirmation mails apart.
function hash64(text: string): string {
  let a = 0x811c9dc5
  let b = 0x050c5d1f
  for (const byte of utf8.encode(text)) {
    a = Math.imul(a ^ byte, 0x01000193) >>> 0
    b = Math.imul(b ^ byte, 0x5bd1e995) >>> 0
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0')
}

// Rendering the mail (markdown, JSX layout) costs far more than sending it; only the address,
// the Message-ID and the two subscription links differ between recipients. So a broadcast's mail
// is rendered once with placeholders, and each recipient's copy is a few string substitutions.
const SLOT = {
  deliveryId: 'hrldslotdelivery7q',
  manageUrl: 'https://hrldslotmanage7q.invalid/m',
  unsubscribeUrl: 'https://hrldslotunsub7q.invalid/u',
}

/** buildEmail for many recipients of one broadcast: same output, rendered once. */
export function emailTemplate(
  content: BroadcastContent,
  identity: MailIdentity,
): (recipient: Recipient) => MailMessage {
  const proto = buildEmail(
    content,
    {
      subscriberId: '',
      channel: 'email',
      target: 'slot@example.invalid',
      deliveryId: SLOT.deliveryId,
      manageUrl: SLOT.manageUrl,
      unsubscribeUrl: SLOT.unsubscribeUrl,
    },
    identity,
  )
  const host = hostPart(identity.host)
  const perRecipient = proto.messageId.includes(SLOT.deliveryId)
  return (r) => {
    const fill = (text: string) =>
      text.split(SLOT.manageUrl).join(r.manageUrl).split(SLOT.unsubscribeUrl).join(r.unsubscribeUrl)
    const unsubscribeUrl = headerUrl(r.unsubscribeUrl)
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(proto.headers)) {
      if (name === 'List-Unsubscribe-Post' && !oneClick(unsubscribeUrl)) continue
      headers[name] = name === 'List-Unsubscribe' ? `<${unsubscribeUrl}>` : value
    }
    return {
      ...proto,
      to: headerText(r.target),
      text: fill(proto.text),
      html: fill(proto.html),
      messageId: perRecipient ? deliveryMessageId(r.deliveryId, host) : proto.messageId,
      headers,
    }
  }
}
