import { toIsoWithOffset } from '../../../domain/time.ts'
import type { Millis } from '../../../domain/types.ts'
import type {
  BroadcastContent,
  ContentComponent,
  ContentIncident,
  ContentUpdate,
  Recipient,
} from '../content.ts'
import { requireIncident } from './common.ts'

// The generic webhook body, in Statuspage's envelope so consumers written for Statuspage (Zulip's
// integration, chat bridges, on-call tools) read it unchanged. Field names, order and nulls follow
// the payloads Statuspage actually sends; fields for features Herald lacks (Twitter, scheduled
// maintenance, postmortems) keep Statuspage's "not set" values.

export const STATUSPAGE_WEBHOOK_DOCS =
  'https://support.atlassian.com/statuspage/docs/enable-webhook-notifications/'

export function webhookBody(content: BroadcastContent, recipient: Recipient): string {
  return webhookTemplate(content)(recipient)
}

/**
 * The body for every recipient of one broadcast: everything but `meta` (the recipient's own
 * unsubscribe link) is the same for all of them, so it is serialised once, not once per
 * subscriber (a fan-out to 10,000 endpoints would otherwise format every timestamp 10,000 times).
 */
export function webhookTemplate(content: BroadcastContent): (recipient: Recipient) => string {
  // Statuspage writes times in the page's zone with its offset; so do we, everywhere in the body.
  const time = (ms: Millis) => toIsoWithOffset(ms, content.page.timeZone)
  // The broadcast's time, not the attempt's: a retried delivery carries the same body.
  const generatedAt = time(content.createdAt)
  const page = {
    id: content.page.id,
    status_indicator: content.page.indicator,
    status_description: content.page.description,
  }
  let rest: object
  if (content.kind === 'component_updated') {
    const { component, componentUpdate } = content
    if (!component || !componentUpdate) {
      throw new Error(`broadcast ${content.broadcastId} has no component update`)
    }
    rest = {
      page,
      component_update: {
        old_status: componentUpdate.oldStatus,
        new_status: componentUpdate.newStatus,
        created_at: time(componentUpdate.at),
        component_type: 'Component',
        id: componentUpdate.id,
        component_id: componentUpdate.componentId,
      },
      component: componentJson(component, content.page.id, time),
    }
  } else {
    rest = { page, incident: incidentJson(requireIncident(content), content.page.id, time) }
  }
  // '{"page":…}' without its opening brace, to follow the recipient's meta.
  const tail = JSON.stringify(rest).slice(1)
  return (recipient) =>
    `{"meta":${JSON.stringify({
      unsubscribe: recipient.unsubscribeUrl,
      documentation: STATUSPAGE_WEBHOOK_DOCS,
      generated_at: generatedAt,
    })},${tail}`
}

function incidentJson(incident: ContentIncident, pageId: string, time: (ms: Millis) => string) {
  // A published postmortem is announced with Statuspage's status and publication time, as /api/v1
  // and /api/v2 show the incident from then on. Its text stays out of the broadcast: the document
  // includes internal notes (DESIGN.md), and broadcasts never carry them; the shortlink leads to it.
  const postmortem = incident.postmortem ?? null
  return {
    name: incident.name,
    status: postmortem ? ('postmortem' as const) : incident.status,
    created_at: time(incident.createdAt),
    updated_at: time(incident.updatedAt),
    monitoring_at: nullableTime(monitoringAt(incident), time),
    resolved_at: nullableTime(incident.resolvedAt, time),
    impact: incident.impact,
    shortlink: incident.url,
    postmortem_ignored: false,
    postmortem_body: null,
    postmortem_body_last_updated_at: nullableTime(postmortem?.publishedAt ?? null, time),
    postmortem_published_at: nullableTime(postmortem?.publishedAt ?? null, time),
    postmortem_notified_subscribers: postmortem !== null,
    postmortem_notified_twitter: false,
    backfilled: false,
    scheduled_for: incident.maintenance ? time(incident.maintenance.scheduledFor) : null,
    scheduled_until: incident.maintenance ? time(incident.maintenance.scheduledUntil) : null,
    scheduled_remind_prior: incident.maintenance ? incident.maintenance.remindedAt !== null : false,
    scheduled_reminded_at: nullableTime(incident.maintenance?.remindedAt ?? null, time),
    impact_override: null,
    scheduled_auto_in_progress: incident.maintenance?.autoStart ?? false,
    scheduled_auto_completed: incident.maintenance?.autoComplete ?? false,
    metadata: {},
    started_at: time(incident.startedAt),
    reminder_intervals: null,
    id: incident.id,
    page_id: pageId,
    // The contract already orders updates newest first by (at, id); re-sorting guards the promise
    // made in the issue ("newest first") against a producer that forgets.
    incident_updates: newestFirst(incident.updates).map((u) => updateJson(u, incident.id, time)),
    components: incident.components.map((c) => componentJson(c, pageId, time)),
  }
}

function updateJson(update: ContentUpdate, incidentId: string, time: (ms: Millis) => string) {
  return {
    status: update.status,
    body: update.body,
    created_at: time(update.postedAt),
    wants_twitter_update: false,
    twitter_updated_at: null,
    updated_at: time(update.editedAt ?? update.postedAt),
    // Statuspage's display_at is the (backdatable) time shown on the page.
    display_at: time(update.at),
    affected_components: update.affectedComponents.map((c) => ({
      code: c.code,
      name: c.name,
      old_status: c.oldStatus,
      new_status: c.newStatus,
    })),
    custom_tweet: null,
    // Only public updates reach subscribers at all.
    deliver_notifications: true,
    id: update.id,
    incident_id: incidentId,
  }
}

function componentJson(component: ContentComponent, pageId: string, time: (ms: Millis) => string) {
  return {
    status: component.status,
    name: component.name,
    created_at: time(component.createdAt),
    updated_at: time(component.updatedAt),
    position: component.position,
    description: component.description,
    showcase: true,
    id: component.id,
    page_id: pageId,
    group_id: component.groupId,
  }
}

// Statuspage sets monitoring_at when an incident first enters monitoring; Herald derives it from
// the public timeline (the earliest monitoring update), null if it never did.
function monitoringAt(incident: ContentIncident): Millis | null {
  let first: Millis | null = null
  for (const u of incident.updates) {
    if (u.status === 'monitoring' && (first === null || u.at < first)) first = u.at
  }
  return first
}

function nullableTime(ms: Millis | null, time: (ms: Millis) => string): string | null {
  return ms === null ? null : time(ms)
}

function newestFirst(updates: ContentUpdate[]): ContentUpdate[] {
  return [...updates].sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
}
