// Statuspage's values, so the v2 API and webhook payloads stay compatible (DESIGN.md, vocabulary).
export const COMPONENT_STATUSES = [
  'operational',
  'degraded_performance',
  'partial_outage',
  'major_outage',
  'under_maintenance',
] as const
export type ComponentStatus = (typeof COMPONENT_STATUSES)[number]

export const IMPACTS = ['none', 'minor', 'major', 'critical'] as const
export type Impact = (typeof IMPACTS)[number]

export const INCIDENT_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number]

export const VISIBILITIES = ['public', 'internal'] as const
export type Visibility = (typeof VISIBILITIES)[number]

export const EVENT_KINDS = [
  'detection',
  'investigation',
  'escalation',
  'mitigation',
  'resolution',
  'communication',
  'note',
] as const
export type EventKind = (typeof EVENT_KINDS)[number]

export const ROLES = ['owner', 'responder', 'viewer'] as const
export type Role = (typeof ROLES)[number]

export const TOKEN_SCOPES = ['read', 'write'] as const
export type TokenScope = (typeof TOKEN_SCOPES)[number]

export const INDICATORS = ['none', 'minor', 'major', 'critical', 'maintenance'] as const
export type Indicator = (typeof INDICATORS)[number]

export const COMPONENT_STATUS_LABELS: Record<ComponentStatus, string> = {
  operational: 'Operational',
  degraded_performance: 'Degraded Performance',
  partial_outage: 'Partial Outage',
  major_outage: 'Major Outage',
  under_maintenance: 'Under Maintenance',
}

export const INCIDENT_STATUS_LABELS: Record<IncidentStatus, string> = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
}

export const IMPACT_LABELS: Record<Impact, string> = {
  none: 'None',
  minor: 'Minor',
  major: 'Major',
  critical: 'Critical',
}

export const EVENT_KIND_LABELS: Record<EventKind, string> = {
  detection: 'Detection',
  investigation: 'Investigation',
  escalation: 'Escalation',
  mitigation: 'Mitigation',
  resolution: 'Resolution',
  communication: 'Communication',
  note: 'Note',
}

// Broadcast (issue 4): who hears about what, and how far each message got.
export const SUBSCRIBER_CHANNELS = ['email', 'webhook', 'slack', 'discord', 'teams'] as const
export type SubscriberChannel = (typeof SUBSCRIBER_CHANNELS)[number]

/** pending: e-mail awaiting confirmation; quarantined: a webhook that kept failing. */
export const SUBSCRIBER_STATES = ['pending', 'active', 'quarantined', 'unsubscribed'] as const
export type SubscriberState = (typeof SUBSCRIBER_STATES)[number]

export const DELIVERY_STATES = ['pending', 'sending', 'retrying', 'delivered', 'dead'] as const
export type DeliveryState = (typeof DELIVERY_STATES)[number]

export const BROADCAST_KINDS = [
  'incident_opened',
  'incident_updated',
  'incident_resolved',
  'component_updated',
  'maintenance_scheduled',
  'maintenance_reminder',
  'maintenance_started',
  'maintenance_updated',
  'maintenance_completed',
  'postmortem_published',
] as const
export type BroadcastKind = (typeof BROADCAST_KINDS)[number]

export const SUBSCRIBER_CHANNEL_LABELS: Record<SubscriberChannel, string> = {
  email: 'E-mail',
  webhook: 'Webhook',
  slack: 'Slack',
  discord: 'Discord',
  teams: 'Microsoft Teams',
}

// Scheduled maintenance (issue 5): Statuspage's maintenance statuses.
export const MAINTENANCE_STATUSES = ['scheduled', 'in_progress', 'verifying', 'completed'] as const
export type MaintenanceStatus = (typeof MAINTENANCE_STATUSES)[number]

export const MAINTENANCE_STATUS_LABELS: Record<MaintenanceStatus, string> = {
  scheduled: 'Scheduled',
  in_progress: 'In progress',
  verifying: 'Verifying',
  completed: 'Completed',
}

export const BROADCAST_KIND_LABELS: Record<BroadcastKind, string> = {
  incident_opened: 'Incident opened',
  incident_updated: 'Incident update',
  incident_resolved: 'Incident resolved',
  component_updated: 'Component status',
  maintenance_scheduled: 'Maintenance scheduled',
  maintenance_reminder: 'Maintenance reminder',
  maintenance_started: 'Maintenance started',
  maintenance_updated: 'Maintenance update',
  maintenance_completed: 'Maintenance completed',
  postmortem_published: 'Postmortem published',
}

// Postmortems (issue 6): a draft is edited in the console; a published one shows on the incident
// page and turns the incident's Statuspage status into `postmortem`.
export const POSTMORTEM_STATES = ['draft', 'published'] as const
export type PostmortemState = (typeof POSTMORTEM_STATES)[number]
