import type {
  ComponentStatus,
  EventKind,
  Impact,
  IncidentStatus,
  Role,
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
