import type {
  BroadcastKind,
  ComponentStatus,
  Impact,
  IncidentStatus,
  Indicator,
  MaintenanceStatus,
  SubscriberChannel,
} from '../../domain/enums.ts'
import type { Millis } from '../../domain/types.ts'

// What a broadcast says, assembled once per broadcast by the dispatcher and then personalised per
// recipient. Every format (Statuspage webhook JSON, Slack, Discord, Teams, e-mail) is a pure function
// of (BroadcastContent, Recipient). Only public events ever reach this shape.

export interface ContentPage {
  id: string
  name: string
  /** Absolute base URL of the public page, no trailing slash. */
  url: string
  timeZone: string
  indicator: Indicator
  description: string
  updatedAt: Millis
}

export interface ContentComponent {
  id: string
  name: string
  description: string | null
  status: ComponentStatus
  groupId: string | null
  position: number
  createdAt: Millis
  updatedAt: Millis
}

export interface ContentAffectedComponent {
  code: string // component id
  name: string
  oldStatus: ComponentStatus | null
  newStatus: ComponentStatus
}

export interface ContentUpdate {
  id: string
  status: IncidentStatus | MaintenanceStatus
  body: string
  /** When it happened (backdatable) and when it was posted. */
  at: Millis
  postedAt: Millis
  editedAt: Millis | null
  affectedComponents: ContentAffectedComponent[]
}

/** An incident, or a scheduled maintenance (Statuspage sends both as `incident`). */
export interface ContentIncident {
  id: string
  name: string
  status: IncidentStatus | MaintenanceStatus
  impact: Impact | 'maintenance'
  /** Set for scheduled maintenance. */
  maintenance?: {
    scheduledFor: Millis
    scheduledUntil: Millis
    autoStart: boolean
    autoComplete: boolean
    remindedAt: Millis | null
  } | null
  startedAt: Millis
  resolvedAt: Millis | null
  createdAt: Millis
  updatedAt: Millis
  /** Absolute URL of the public incident page. */
  url: string
  /** Public updates only, newest first by (at, id). */
  updates: ContentUpdate[]
  components: ContentComponent[]
  /** Set when this broadcast announces the published postmortem (Statuspage's `postmortem`). */
  postmortem?: { publishedAt: Millis } | null
}

export interface BroadcastContent {
  broadcastId: string
  kind: BroadcastKind
  createdAt: Millis
  page: ContentPage
  /** Set for incident_* kinds. */
  incident: ContentIncident | null
  /** The update this broadcast is about (for incident_* kinds): incident.updates contains it. */
  update: ContentUpdate | null
  /** Set for component_updated. */
  componentUpdate: {
    id: string
    componentId: string
    oldStatus: ComponentStatus | null
    newStatus: ComponentStatus
    at: Millis
  } | null
  component: ContentComponent | null
}

export interface Recipient {
  subscriberId: string
  /** The delivery id: also the webhook-id and the base of the e-mail Message-ID; stable on retry. */
  deliveryId: string
  channel: SubscriberChannel
  /** E-mail address or URL. */
  target: string
  /** Absolute URL of the manage page (change components, unsubscribe). */
  manageUrl: string
  /** Absolute URL accepting the RFC 8058 one-click POST. */
  unsubscribeUrl: string
}

export interface MailIdentity {
  /** From header, e.g. 'Acme Status <status@acme.example>'. */
  from: string
  replyTo: string | null
  /** Host part for Message-ID and List-Id, e.g. 'status.acme.example'. */
  host: string
}
