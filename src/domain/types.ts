import type {
  BroadcastKind,
  ComponentStatus,
  DeliveryState,
  EventKind,
  Impact,
  IncidentStatus,
  MaintenanceStatus,
  PostmortemState,
  Role,
  SubscriberChannel,
  SubscriberState,
  TokenScope,
  Visibility,
} from './enums.ts'

// Timestamps are integer milliseconds since the epoch everywhere below the HTTP layer.
export type Millis = number

export interface ComponentGroup {
  id: string
  name: string
  description: string | null
  position: number
  collapsed: boolean
  createdAt: Millis
  updatedAt: Millis
}

export interface Component {
  id: string
  name: string
  description: string | null
  groupId: string | null
  position: number
  visible: boolean
  status: ComponentStatus
  createdAt: Millis
  updatedAt: Millis
}

// Every component status change, the source of uptime (DESIGN.md).
export interface ComponentStatusChange {
  id: string
  componentId: string
  fromStatus: ComponentStatus | null
  toStatus: ComponentStatus
  at: Millis
  incidentId: string | null
  eventId: string | null
}

export interface ComponentChange {
  componentId: string
  status: ComponentStatus
}

export interface Incident {
  id: string
  name: string
  impact: Impact
  // A cache of deriveIncidentStatus(events); never the source of truth.
  status: IncidentStatus
  startedAt: Millis
  resolvedAt: Millis | null
  createdAt: Millis
  updatedAt: Millis
  createdBy: string | null
  // Affected components (ids).
  componentIds: string[]
}

export interface TimelineEvent {
  id: string
  incidentId: string
  at: Millis
  postedAt: Millis
  authorId: string | null
  authorName: string | null
  body: string
  visibility: Visibility
  status: IncidentStatus | null
  kind: EventKind | null
  notify: boolean
  componentChanges: ComponentChange[]
  editedAt: Millis | null
}

export interface User {
  id: string
  email: string
  name: string
  role: Role
  passwordHash: string
  createdAt: Millis
}

export interface Session {
  id: string // sha-256 of the cookie token
  userId: string
  csrfToken: string
  createdAt: Millis
  expiresAt: Millis
}

export interface ApiToken {
  id: string
  userId: string
  name: string
  scope: TokenScope
  tokenHash: string
  prefix: string
  createdAt: Millis
  lastUsedAt: Millis | null
}

export interface PageSettings {
  pageName: string
  pageUrl: string | null
  timeZone: string
  logoUrl: string | null
  /** From header for broadcast mail, e.g. 'Acme Status <status@acme.example>'; MAIL_FROM when null. */
  mailFrom: string | null
  mailReplyTo: string | null
  /** Tell subscribers about component status changes made outside incidents. */
  notifyComponentChanges: boolean
  /** Minutes before a maintenance starts that subscribers are reminded; 0: no reminders. */
  maintenanceReminderMinutes: number
  updatedAt: Millis
}

export interface AuditEntry {
  id: string
  at: Millis
  actorId: string | null
  actorLabel: string
  action: string
  entityType: string
  entityId: string
  before: unknown
  after: unknown
}

// Broadcast (issue 4). A subscriber hears about every component when allComponents is true,
// otherwise about events touching componentIds or any component of groupIds.
export interface Subscriber {
  id: string
  channel: SubscriberChannel
  /** An e-mail address or an https URL. */
  target: string
  state: SubscriberState
  allComponents: boolean
  componentIds: string[]
  groupIds: string[]
  /** Capability in every message's manage link; stored as is because every message needs it. */
  manageToken: string
  /** sha-256 of the e-mail confirmation token, while pending. */
  confirmTokenHash: string | null
  confirmExpiresAt: Millis | null
  /** Webhook signing secret (whsec_…); the previous one keeps signing until previousSecretUntil. */
  secret: string | null
  previousSecret: string | null
  previousSecretUntil: Millis | null
  /** Consecutive deliveries that ended dead; quarantine starts at a threshold. */
  failureStreak: number
  createdAt: Millis
  confirmedAt: Millis | null
  unsubscribedAt: Millis | null
}

/** A subscriber as the dispatcher needs it: who and how, not which components (expansion chose). */
export type Addressee = Omit<Subscriber, 'componentIds' | 'groupIds'>

/** One thing to tell subscribers about, written in the same write set as its cause. */
export interface Broadcast {
  id: string
  kind: BroadcastKind
  /** For maintenance kinds: the maintenance id (its deliveries are ordered like an incident's). */
  incidentId: string | null
  eventId: string | null
  statusChangeId: string | null
  /** Components the cause touched; empty means everyone hears about it. */
  componentIds: string[]
  createdAt: Millis
  /** Last subscriber id expanded into deliveries (expansion walks subscribers by id). */
  expandedThrough: string | null
  expandedAt: Millis | null
  /** Subscribers who matched when expansion began; null (or absent) before it. */
  recipients?: number | null
}

export interface Delivery {
  id: string
  broadcastId: string
  subscriberId: string
  /** Ordering key: per subscriber, one incident's deliveries go out in broadcast order. */
  incidentId: string | null
  state: DeliveryState
  attempts: number
  nextAttemptAt: Millis
  leaseUntil: Millis | null
  lastError: string | null
  lastStatus: number | null
  createdAt: Millis
  updatedAt: Millis
  deliveredAt: Millis | null
}

// Scheduled maintenance (issue 5). Its own timeline of updates; while it runs its components show
// under_maintenance and afterwards go back to what they were (restore).
export interface Maintenance {
  id: string
  name: string
  status: MaintenanceStatus
  scheduledFor: Millis
  scheduledUntil: Millis
  componentIds: string[]
  autoStart: boolean
  autoComplete: boolean
  /** Tell subscribers when it is scheduled, before it starts, when it starts and when it ends. */
  notify: boolean
  startedAt: Millis | null
  completedAt: Millis | null
  /** Cancelled before it ran: hidden from the page, CANCELLED in the calendar. */
  cancelledAt: Millis | null
  /** iCalendar SEQUENCE: bumped on every reschedule or cancellation. */
  sequence: number
  reminderSentAt: Millis | null
  /** Component statuses from before it started, put back when it completes. */
  restore: Record<string, ComponentStatus>
  createdAt: Millis
  updatedAt: Millis
  createdBy: string | null
}

export interface MaintenanceUpdate {
  id: string
  maintenanceId: string
  at: Millis
  postedAt: Millis
  body: string
  status: MaintenanceStatus
  authorName: string | null
}

// Postmortems (issue 6). One per incident; the timeline is not copied: it is the incident's own
// (internal events included), read whenever the document is shown or exported.
export interface PostmortemTodo {
  id: string
  text: string
  owner: string | null
  done: boolean
}

export interface Postmortem {
  incidentId: string
  state: PostmortemState
  /** Free text of the issue summary (Markdown); may be empty. */
  summary: string
  /** What was affected, in words; the impact level itself is the incident's. */
  impactText: string
  usersAffectedPercent: number | null
  rootCause: string
  resolution: string
  /** Corrective and preventative measures (Markdown), apart from the TODO items. */
  measures: string
  lessons: string | null
  todos: PostmortemTodo[]
  /** Fingerprint of the imported document, so importing it again finds this one. */
  sourceFingerprint: string | null
  createdAt: Millis
  updatedAt: Millis
  publishedAt: Millis | null
  /** Who published it, as the audit log names them. */
  publishedBy: string | null
}
