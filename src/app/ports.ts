import type {
  DeliveryState,
  PostmortemState,
  SubscriberChannel,
  SubscriberState,
} from '../domain/enums.ts'
import type {
  Addressee,
  ApiToken,
  AuditEntry,
  Broadcast,
  Delivery,
  Maintenance,
  MaintenanceUpdate,
  Subscriber,
  Component,
  ComponentGroup,
  ComponentStatusChange,
  Incident,
  PageSettings,
  Postmortem,
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
  /** Raw random bytes (webhook signing secrets). */
  bytes(count: number): Uint8Array
  /** Hex SHA-256 of a string: how session and API tokens are stored. */
  sha256(text: string): Promise<string>
  /** HMAC-SHA256 of `message` (a string is taken as UTF-8) under `key` (webhook signatures). */
  hmacSha256(key: Uint8Array, message: Uint8Array | string): Promise<Uint8Array>
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
  | { type: 'subscriber.insert'; subscriber: Subscriber }
  /** Rewrites the row and its scope rows. */
  | { type: 'subscriber.update'; subscriber: Subscriber }
  | { type: 'subscriber.delete'; id: string }
  | { type: 'broadcast.insert'; broadcast: Broadcast }
  /**
   * Turns the broadcast's matching subscribers with after < id <= through (through null: all the
   * rest) into pending deliveries (ids `d_<broadcast>_<subscriber>`, so re-running is harmless) and
   * moves the cursor; through null also marks the broadcast expanded.
   */
  | {
      type: 'broadcast.expand'
      broadcastId: string
      after: string | null
      through: string | null
      at: number
    }
  | {
      type: 'delivery.settle'
      id: string
      state: 'delivered' | 'retrying' | 'dead'
      at: number
      nextAttemptAt?: number
      error?: string | null
      status?: number | null
    }
  /** Many deliveries delivered at once (one statement per chunk, not one per delivery). */
  | { type: 'delivery.delivered'; ids: string[]; at: number; status: number | null }
  /** Dead (or stuck) deliveries back to pending, keeping their ids. */
  | { type: 'delivery.replay'; ids: string[]; at: number }
  /** A webhook subscriber's outcome: success resets the streak; dead adds one and may quarantine. */
  | { type: 'subscriber.outcome'; id: string; ok: boolean; quarantineAt: number }
  | { type: 'mail.capture'; mail: CapturedMail }
  /** Bumps the shared page version (Workers: tells other isolates their cached pages are stale). */
  | { type: 'page.bump' }
  | { type: 'maintenance.insert'; maintenance: Maintenance }
  /** Rewrites the row and its component links. */
  | { type: 'maintenance.update'; maintenance: Maintenance }
  | { type: 'maintenance.delete'; id: string }
  | { type: 'maintenanceUpdate.insert'; update: MaintenanceUpdate }
  /** Inserts the incident's postmortem or replaces it whole (todos included). */
  | { type: 'postmortem.put'; postmortem: Postmortem }
  | { type: 'postmortem.delete'; incidentId: string }

export interface IncidentQuery {
  state?: 'open' | 'resolved' | 'all'
  /** Only incidents whose [startedAt, resolvedAt ?? ∞) overlaps [from, to). */
  from?: number
  to?: number
  limit?: number
  offset?: number
}

export interface CapturedMail {
  id: string
  to: string
  subject: string
  text: string
  html: string
  headers: Record<string, string>
  createdAt: number
}

export interface SubscriberQuery {
  search?: string
  channel?: SubscriberChannel
  state?: SubscriberState
  componentId?: string
  limit?: number
  offset?: number
}

export type DeliveryCounts = Record<DeliveryState, number>

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

  /** The shared page version that every public write bumps on Workers (0 before the first). */
  pageVersion(): Promise<number>

  // Broadcast (issue 4)
  getSubscriber(id: string): Promise<Subscriber | null>
  getSubscriberByTarget(channel: SubscriberChannel, target: string): Promise<Subscriber | null>
  getSubscriberByManageToken(token: string): Promise<Subscriber | null>
  getSubscriberByConfirmHash(hash: string): Promise<Subscriber | null>
  /** The subscribers claimed deliveries go to, without their scopes (expansion applied them). */
  getAddressees(ids: string[]): Promise<Addressee[]>
  listSubscribers(query?: SubscriberQuery): Promise<Subscriber[]>
  countSubscribers(query?: SubscriberQuery): Promise<number>
  /** Active subscribers who would hear about an event touching these components (none: all). */
  countRecipients(componentIds: string[]): Promise<number>

  getBroadcast(id: string): Promise<Broadcast | null>
  /** Broadcasts not yet fully expanded, oldest first. */
  listUnexpandedBroadcasts(limit: number): Promise<Broadcast[]>
  /** The id of the batchSize-th matching subscriber after `after`, or null when fewer remain. */
  expansionBound(
    broadcast: Broadcast,
    after: string | null,
    batchSize: number,
  ): Promise<string | null>
  /**
   * Matching subscribers the broadcast has not turned into deliveries yet (0 once expanded): one
   * scan of the subscribers past its cursor. Progress uses `Broadcast.recipients` once the first
   * batch has counted them.
   */
  countAwaitingExpansion(broadcast: Broadcast): Promise<number>
  listBroadcastsFor(query: { incidentId?: string; eventIds?: string[] }): Promise<Broadcast[]>
  deliveryCounts(broadcastIds: string[]): Promise<Map<string, DeliveryCounts>>

  /**
   * Leases up to `limit` due deliveries (pending or retrying, next attempt due, no earlier delivery
   * of the same incident to the same subscriber still open) and counts the attempt. Not part of a
   * write set: the lease itself is the record that a sender owns them.
   */
  claimDeliveries(now: number, leaseUntil: number, limit: number): Promise<Delivery[]>
  /**
   * One batch of a broadcast's expansion (as the `broadcast.expand` change writes it), in one
   * write that also leases, until `leaseUntil`, the new deliveries that may go out now (no earlier
   * delivery of the same incident to the same subscriber still open) and counts their attempt; the
   * rest are written pending. Returns the leased deliveries: only ones this write created, so two
   * senders expanding the same batch never both get a delivery.
   */
  expandAndLease(
    step: { broadcastId: string; after: string | null; through: string | null; at: number },
    leaseUntil: number,
  ): Promise<Delivery[]>
  /** Sending deliveries whose lease ran out go back to retrying (a crashed sender). */
  reclaimExpiredLeases(now: number): Promise<number>
  /** Earliest next attempt among pending and retrying deliveries, or null. */
  nextDeliveryDue(): Promise<number | null>
  listDeliveries(query: {
    subscriberId?: string
    broadcastId?: string
    state?: DeliveryState
    limit?: number
  }): Promise<Delivery[]>
  getDelivery(id: string): Promise<Delivery | null>

  listCapturedMail(limit: number): Promise<CapturedMail[]>
  getCapturedMail(id: string): Promise<CapturedMail | null>

  // Scheduled maintenance (issue 5)
  getMaintenance(id: string): Promise<Maintenance | null>
  /**
   * upcoming: scheduled and not cancelled, soonest first; active: in_progress or verifying;
   * past: completed or cancelled, newest first; all: everything newest first.
   */
  listMaintenances(query: {
    state: 'upcoming' | 'active' | 'past' | 'all'
    limit?: number
  }): Promise<Maintenance[]>
  /** Updates of these maintenances, oldest first by (at, id). */
  listMaintenanceUpdates(maintenanceIds: string[]): Promise<MaintenanceUpdate[]>
  /**
   * Maintenances with a transition due by `now`: auto-start ones whose start passed, auto-complete
   * ones whose end passed, and scheduled ones within `reminderMs` of their start without a reminder.
   */
  listDueMaintenances(now: number, reminderMs: number): Promise<Maintenance[]>

  // Postmortems (issue 6)
  getPostmortem(incidentId: string): Promise<Postmortem | null>
  /** The postmortem imported from a document with this fingerprint, if any. */
  getPostmortemByFingerprint(fingerprint: string): Promise<Postmortem | null>
  /** Newest first by updatedAt; narrowed to some incidents or one state when asked. */
  listPostmortems(query?: {
    incidentIds?: string[]
    state?: PostmortemState
  }): Promise<Postmortem[]>
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
  /** The entry at once, where the cache is in this process's memory (for the runtime's fast lane). */
  peek?(key: string): CachedPage | null
  /** Drops every entry; called after every committed write. */
  invalidate(): Promise<void>
}

export interface Compressor {
  /** The encodings this runtime can produce, best first (e.g. ['br', 'gzip']). */
  readonly encodings: ('br' | 'gzip')[]
  compress(body: Uint8Array, encoding: 'br' | 'gzip'): Promise<Uint8Array>
  /**
   * The smallest output this runtime can make, too slow to wait for (brotli's top quality takes
   * about a second on a large page, off the main thread): a cached page is served with
   * compress()'s output at once and swapped for this one when it is ready.
   */
  polish?(body: Uint8Array, encoding: 'br'): Promise<Uint8Array>
}

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void
  info(msg: string, fields?: Record<string, unknown>): void
  warn(msg: string, fields?: Record<string, unknown>): void
  error(msg: string, fields?: Record<string, unknown>): void
}

/** A rendered e-mail, ready for any transport (nodemailer on Node, worker-mailer on Workers). */
export interface MailMessage {
  from: string
  to: string
  replyTo?: string
  subject: string
  text: string
  html: string
  /** Without angle brackets' surroundings decided by the transport: '<id@host>' form. */
  messageId: string
  /** Extra headers (In-Reply-To, References, List-Unsubscribe, List-Unsubscribe-Post, List-Id). */
  headers: Record<string, string>
}

export type SendOutcome =
  | { ok: true }
  /** permanent: the address or message was rejected (5xx); otherwise retry later. */
  | { ok: false; permanent: boolean; reason: string }

export interface Mailer {
  /** 'smtp' sends for real; 'capture' keeps mail in the database for the console's dev mailbox. */
  readonly kind: 'smtp' | 'capture'
  send(message: MailMessage): Promise<SendOutcome>
  close?(): Promise<void>
}

export interface HttpRequestSpec {
  headers: Record<string, string>
  body: string
  timeoutMs: number
}

/** What one outbound POST came to; classification into retry or dead is the app's job. */
export type HttpAttempt =
  /** A response arrived (any status, redirects included: they are never followed). */
  | { kind: 'response'; status: number; retryAfter: string | null }
  /** The SSRF guard refused the target (before any connection was made). */
  | { kind: 'refused'; reason: string }
  /** Network error, TLS error or timeout. */
  | { kind: 'error'; reason: string }

export interface HttpSender {
  post(url: string, request: HttpRequestSpec): Promise<HttpAttempt>
  /** Releases connections (and, on Node, the sending thread) at shutdown. */
  close?(): Promise<void>
}

/**
 * Wakes the delivery worker when new broadcast work was committed: on Node it nudges the in-process
 * loop, on Workers it sends a queue message. A lost signal loses nothing; periodic sweeps find the
 * work in the database.
 */
export interface JobSignal {
  broadcastsCreated(ids: string[]): Promise<void>
}

export type LiveListener = (event: 'changed' | 'ping') => void

/** Open live pages in this process (Node); Workers have none and pages poll with ETags. */
export interface LiveHub {
  readonly connections: number
  /** Every public write: tell open pages to fetch the page again. */
  publish(): void
  /** Null when the process already holds its maximum of live connections. */
  subscribe(listener: LiveListener): (() => void) | null
}
