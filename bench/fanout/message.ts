import type { BroadcastContent, MailIdentity, Recipient } from '../../src/app/broadcast/content.ts'
import { buildEmail } from '../../src/app/broadcast/formats/email.ts'
import { webhookBody } from '../../src/app/broadcast/formats/statuspage.ts'
import { signWebhook } from '../../src/app/broadcast/sign.ts'
import { nodeSecrets } from '../../src/adapters/system.node.ts'
import type { MailMessage } from '../../src/app/ports.ts'

// The ceilings' message: rendered once by Herald's own formats from content shaped like the update
// run.mjs posts (same page defaults, incident name and texts), so the raw transports carry a
// message of the size Herald sends. Sending it N times measures the transport, not the rendering.

export interface BenchTexts {
  pageName: string
  incidentName: string
  openingBody: string
  updateBody: string
  baseUrl: string
}

const MINUTE = 60_000

function content(t: BenchTexts, now: number): BroadcastContent {
  const opening = {
    id: '0000000000000aaa',
    status: 'investigating' as const,
    body: t.openingBody,
    at: now - 10 * MINUTE,
    postedAt: now - 10 * MINUTE,
    editedAt: null,
    affectedComponents: [],
  }
  const update = {
    id: '0000000000000aab',
    status: 'identified' as const,
    body: t.updateBody,
    at: now,
    postedAt: now,
    editedAt: null,
    affectedComponents: [],
  }
  return {
    broadcastId: '0000000000000aac',
    kind: 'incident_updated',
    createdAt: now,
    page: {
      id: 'page',
      name: t.pageName,
      url: t.baseUrl,
      timeZone: 'UTC',
      indicator: 'minor',
      description: 'Minor Service Outage',
      updatedAt: now - 60 * MINUTE,
    },
    incident: {
      id: '0000000000000aad',
      name: t.incidentName,
      status: 'identified',
      impact: 'minor',
      startedAt: now - 10 * MINUTE,
      resolvedAt: null,
      createdAt: now - 10 * MINUTE,
      updatedAt: now,
      url: `${t.baseUrl}/incidents/0000000000000aad`,
      updates: [update, opening],
      components: [],
    },
    update,
    componentUpdate: null,
    component: null,
  }
}

function recipient(t: BenchTexts, channel: 'email' | 'webhook', target: string): Recipient {
  // Same shapes as the seeded subscribers: 43-character manage tokens, time-ordered ids.
  const token = 'x'.repeat(43)
  return {
    subscriberId: '0000000000000sub',
    deliveryId: 'd_0000000000000aac_0000000000000sub',
    channel,
    target,
    manageUrl: `${t.baseUrl}/subscriptions/${token}`,
    unsubscribeUrl: `${t.baseUrl}/subscriptions/${token}/unsubscribe`,
  }
}

export function benchMail(t: BenchTexts, now: number): MailMessage {
  const identity: MailIdentity = {
    from: 'Status <status@localhost>',
    replyTo: null,
    host: 'localhost',
  }
  return buildEmail(content(t, now), recipient(t, 'email', 'user@example.com'), identity)
}

export async function benchWebhook(
  t: BenchTexts,
  now: number,
  secret: string,
): Promise<{ body: string; headers: Record<string, string> }> {
  const r = recipient(t, 'webhook', 'http://127.0.0.1/hook')
  const body = webhookBody(content(t, now), r)
  const signed = await signWebhook({
    secrets: [secret],
    id: r.deliveryId,
    timestamp: Math.floor(now / 1000),
    body,
    hmac: nodeSecrets.hmacSha256,
  })
  return {
    body,
    headers: { 'content-type': 'application/json', 'user-agent': 'Herald-Webhooks/1.0', ...signed },
  }
}
