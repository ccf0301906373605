import type {
  ApiToken,
  AuditEntry,
  Component,
  ComponentGroup,
  ComponentStatusChange,
  Incident,
  PageSettings,
  Session,
  TimelineEvent,
  User,
} from '../domain/types.ts'

// The interfaces the use cases need. Implementations live in src/adapters and are chosen in
// src/runtime; tests use the same implementations with a fixed clock and sequential ids.

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number
}

export interface Ids {
  /** A new id, unique and sortable by creation order (ties in `at` are broken by id). */
  next(): string
}

export interface Secrets {
  /** A random URL-safe token with `bytes` bytes of entropy. */
  token(bytes?: number): string
  /** Hex SHA-256 of a string: how session and API tokens are stored. */
  sha256(text: string): Promise<string>
}

export interface PasswordHasher {
  /** A self-describing hash (algorithm and parameters stored with it). */
  hash(password: string): Promise<string>
  /** True when the password matches; false for a wrong password or an unreadable hash. */
  verify(password: string, stored: string): Promise<boolean>
}

/** One element of an atomic write set. Use cases read first, then hand storage all changes at once. */
export type Change =
  | { type: 'settings.put'; settings: PageSettings }
  | { type: 'group.insert'; group: ComponentGroup }
  | { type: 'group.update'; group: ComponentGroup }
  | { type: 'group.delete'; id: string }
  | { type: 'component.insert'; component: Component }
  | { type: 'component.update'; component: Component }
  | { type: 'component.delete'; id: string }
  | { type: 'statusChange.insert'; change: ComponentStatusChange }
  | { type: 'incident.insert'; incident: Incident }
  | { type: 'incident.update'; incident: Incident }
  | { type: 'incident.delete'; id: string }
  | { type: 'event.insert'; event: TimelineEvent }
  | { type: 'event.update'; event: TimelineEvent }
  | { type: 'event.delete'; id: string }
  | { type: 'user.insert'; user: User }
  | { type: 'user.update'; user: User }
  | { type: 'user.delete'; id: string }
  | { type: 'session.insert'; session: Session }
  | { type: 'session.delete'; id: string }
  | { type: 'session.deleteForUser'; userId: string }
  | { type: 'token.insert'; token: ApiToken }
  | { type: 'token.delete'; id: string }
  | { type: 'token.touch'; id: string; at: number }
  | { type: 'audit.insert'; entry: AuditEntry }

export interface IncidentQuery {
  state?: 'open' | 'resolved' | 'all'
  /** Only incidents whose [startedAt, resolvedAt ?? ∞) overlaps [from, to). */
  from?: number
  to?: number
  limit?: number
  offset?: number
}

export interface Store {
  /** Applies every change or none (a transaction on SQLite, a batch on D1). */
  commit(changes: Change[]): Promise<void>

  getSettings(): Promise<PageSettings | null>

  listGroups(): Promise<ComponentGroup[]>
  getGroup(id: string): Promise<ComponentGroup | null>
  /** Components ordered by group position, then their own position. */
  listComponents(): Promise<Component[]>
  getComponent(id: string): Promise<Component | null>
  /** Status changes with at >= since (plus, per component, the last change before since). */
  listStatusChanges(since: number): Promise<ComponentStatusChange[]>

  getIncident(id: string): Promise<Incident | null>
  /** Newest first by startedAt, open ones first when state is 'all'. */
  listIncidents(query?: IncidentQuery): Promise<Incident[]>
  countIncidents(query?: IncidentQuery): Promise<number>
  /** Oldest first by (at, id). */
  listEvents(incidentId: string, opts?: { publicOnly?: boolean }): Promise<TimelineEvent[]>
  /** Events of many incidents at once, oldest first by (at, id). */
  listEventsFor(incidentIds: string[], opts?: { publicOnly?: boolean }): Promise<TimelineEvent[]>
  getEvent(id: string): Promise<TimelineEvent | null>

  countUsers(): Promise<number>
  listUsers(): Promise<User[]>
  getUser(id: string): Promise<User | null>
  getUserByEmail(email: string): Promise<User | null>
  getSession(id: string): Promise<Session | null>
  listTokens(): Promise<ApiToken[]>
  getTokenByHash(hash: string): Promise<ApiToken | null>

  listAudit(query?: { limit?: number; before?: string }): Promise<AuditEntry[]>

  /**
   * Adds one hit to a fixed-window counter and returns the count in the current window.
   * Not part of a write set: it must count even when the guarded action fails.
   */
  hitRateLimit(key: string, windowMs: number, now: number): Promise<number>
  /** Forgets a counter (after a successful login). */
  clearRateLimit(key: string): Promise<void>
}

/** Rendered public output, cached until the next write (DESIGN.md principle 1). */
export interface CachedPage {
  etag: string
  contentType: string
  body: Uint8Array
  gzip?: Uint8Array
  br?: Uint8Array
  renderedAt: number
}

export interface PageCache {
  get(key: string): Promise<CachedPage | null>
  set(key: string, page: CachedPage): Promise<void>
  /** Drops every entry; called after every committed write. */
  invalidate(): Promise<void>
}

export interface Compressor {
  /** The encodings this runtime can produce, best first (e.g. ['br', 'gzip']). */
  readonly encodings: ('br' | 'gzip')[]
  compress(body: Uint8Array, encoding: 'br' | 'gzip'): Promise<Uint8Array>
}

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void
  info(msg: string, fields?: Record<string, unknown>): void
  warn(msg: string, fields?: Record<string, unknown>): void
  error(msg: string, fields?: Record<string, unknown>): void
}
