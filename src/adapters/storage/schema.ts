import { sql } from 'drizzle-orm'
import {
  index,
  integer,
  primaryKey,
  real,
  sqliteTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/sqlite-core'
import {
  BROADCAST_KINDS,
  COMPONENT_STATUSES,
  DELIVERY_STATES,
  EVENT_KINDS,
  IMPACTS,
  INCIDENT_STATUSES,
  MAINTENANCE_STATUSES,
  POSTMORTEM_STATES,
  ROLES,
  SUBSCRIBER_CHANNELS,
  SUBSCRIBER_STATES,
  TOKEN_SCOPES,
  VISIBILITIES,
} from '../../domain/enums.ts'

// Tables and columns are explicit snake_case; timestamps are integer milliseconds (STYLE.md).
// The same schema and the SQL in drizzle/ serve better-sqlite3 and D1.

export const pageSettings = sqliteTable('page_settings', {
  id: integer('id').primaryKey(),
  pageName: text('page_name').notNull(),
  pageUrl: text('page_url'),
  timeZone: text('time_zone').notNull(),
  logoUrl: text('logo_url'),
  mailFrom: text('mail_from'),
  mailReplyTo: text('mail_reply_to'),
  notifyComponentChanges: integer('notify_component_changes', { mode: 'boolean' })
    .notNull()
    .default(false),
  // Minutes before a maintenance starts that subscribers are reminded; 0 turns reminders off.
  maintenanceReminderMinutes: integer('maintenance_reminder_minutes').notNull().default(60),
  updatedAt: integer('updated_at').notNull(),
})

export const componentGroups = sqliteTable('component_groups', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  description: text('description'),
  position: integer('position').notNull(),
  collapsed: integer('collapsed', { mode: 'boolean' }).notNull().default(false),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
})

export const components = sqliteTable(
  'components',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    description: text('description'),
    groupId: text('group_id').references(() => componentGroups.id, { onDelete: 'set null' }),
    position: integer('position').notNull(),
    visible: integer('visible', { mode: 'boolean' }).notNull().default(true),
    status: text('status', { enum: COMPONENT_STATUSES }).notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('components_group_idx').on(t.groupId, t.position)],
)

export const componentStatusChanges = sqliteTable(
  'component_status_changes',
  {
    id: text('id').primaryKey(),
    componentId: text('component_id')
      .notNull()
      .references(() => components.id, { onDelete: 'cascade' }),
    fromStatus: text('from_status', { enum: COMPONENT_STATUSES }),
    toStatus: text('to_status', { enum: COMPONENT_STATUSES }).notNull(),
    at: integer('at').notNull(),
    incidentId: text('incident_id'),
    eventId: text('event_id'),
  },
  (t) => [index('status_changes_component_at_idx').on(t.componentId, t.at)],
)

export const incidents = sqliteTable(
  'incidents',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    impact: text('impact', { enum: IMPACTS }).notNull(),
    status: text('status', { enum: INCIDENT_STATUSES }).notNull(),
    startedAt: integer('started_at').notNull(),
    resolvedAt: integer('resolved_at'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    createdBy: text('created_by'),
  },
  (t) => [
    index('incidents_started_idx').on(t.startedAt),
    index('incidents_resolved_idx').on(t.resolvedAt),
  ],
)

export const incidentComponents = sqliteTable(
  'incident_components',
  {
    incidentId: text('incident_id')
      .notNull()
      .references(() => incidents.id, { onDelete: 'cascade' }),
    componentId: text('component_id')
      .notNull()
      .references(() => components.id, { onDelete: 'cascade' }),
  },
  (t) => [
    primaryKey({ columns: [t.incidentId, t.componentId] }),
    index('incident_components_component_idx').on(t.componentId),
  ],
)

export const incidentEvents = sqliteTable(
  'incident_events',
  {
    id: text('id').primaryKey(),
    incidentId: text('incident_id')
      .notNull()
      .references(() => incidents.id, { onDelete: 'cascade' }),
    at: integer('at').notNull(),
    postedAt: integer('posted_at').notNull(),
    authorId: text('author_id'),
    authorName: text('author_name'),
    body: text('body').notNull(),
    visibility: text('visibility', { enum: VISIBILITIES }).notNull(),
    status: text('status', { enum: INCIDENT_STATUSES }),
    kind: text('kind', { enum: EVENT_KINDS }),
    notify: integer('notify', { mode: 'boolean' }).notNull().default(true),
    // JSON array of {componentId, status}: the component changes this event made.
    componentChanges: text('component_changes').notNull().default('[]'),
    editedAt: integer('edited_at'),
  },
  (t) => [index('incident_events_incident_at_idx').on(t.incidentId, t.at, t.id)],
)

export const users = sqliteTable(
  'users',
  {
    id: text('id').primaryKey(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: text('role', { enum: ROLES }).notNull(),
    passwordHash: text('password_hash').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('users_email_idx').on(sql`lower(${t.email})`)],
)

export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    csrfToken: text('csrf_token').notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
)

export const apiTokens = sqliteTable(
  'api_tokens',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    scope: text('scope', { enum: TOKEN_SCOPES }).notNull(),
    tokenHash: text('token_hash').notNull(),
    prefix: text('prefix').notNull(),
    createdAt: integer('created_at').notNull(),
    lastUsedAt: integer('last_used_at'),
  },
  (t) => [uniqueIndex('api_tokens_hash_idx').on(t.tokenHash)],
)

export const auditLog = sqliteTable(
  'audit_log',
  {
    id: text('id').primaryKey(),
    at: integer('at').notNull(),
    actorId: text('actor_id'),
    actorLabel: text('actor_label').notNull(),
    action: text('action').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id').notNull(),
    before: text('before'),
    after: text('after'),
  },
  (t) => [index('audit_log_at_idx').on(t.at, t.id)],
)

// Fixed-window counters for login (and later subscribe) rate limits; kept in the database so the
// limit holds across Workers isolates too.
export const rateLimits = sqliteTable('rate_limits', {
  key: text('key').primaryKey(),
  windowStart: integer('window_start').notNull(),
  count: integer('count').notNull(),
})

// Broadcast (issue 4). Subscribers are walked by id in batches when a broadcast is expanded, so
// nothing ever holds every subscriber in memory.
export const subscribers = sqliteTable(
  'subscribers',
  {
    id: text('id').primaryKey(),
    channel: text('channel', { enum: SUBSCRIBER_CHANNELS }).notNull(),
    target: text('target').notNull(),
    // Lower-cased target: one subscription per channel and address.
    targetKey: text('target_key').notNull(),
    state: text('state', { enum: SUBSCRIBER_STATES }).notNull(),
    allComponents: integer('all_components', { mode: 'boolean' }).notNull().default(true),
    manageToken: text('manage_token').notNull(),
    confirmTokenHash: text('confirm_token_hash'),
    confirmExpiresAt: integer('confirm_expires_at'),
    secret: text('secret'),
    previousSecret: text('previous_secret'),
    previousSecretUntil: integer('previous_secret_until'),
    failureStreak: integer('failure_streak').notNull().default(0),
    createdAt: integer('created_at').notNull(),
    confirmedAt: integer('confirmed_at'),
    unsubscribedAt: integer('unsubscribed_at'),
  },
  (t) => [
    // One subscription per e-mail address; an endpoint URL may be subscribed more than once (each
    // with its own secret), so the public form never has to say a URL is already known.
    uniqueIndex('subscribers_email_idx')
      .on(t.targetKey)
      .where(sql`channel = 'email'`),
    index('subscribers_target_idx').on(t.channel, t.targetKey),
    uniqueIndex('subscribers_manage_idx').on(t.manageToken),
    index('subscribers_confirm_idx').on(t.confirmTokenHash),
    index('subscribers_state_idx').on(t.state, t.id),
  ],
)

// Scope rows: one per chosen component or group (a group covers components added to it later).
export const subscriberScopes = sqliteTable(
  'subscriber_scopes',
  {
    subscriberId: text('subscriber_id')
      .notNull()
      .references(() => subscribers.id, { onDelete: 'cascade' }),
    componentId: text('component_id').notNull().default(''),
    groupId: text('group_id').notNull().default(''),
  },
  (t) => [
    primaryKey({ columns: [t.subscriberId, t.componentId, t.groupId] }),
    index('subscriber_scopes_component_idx').on(t.componentId),
    index('subscriber_scopes_group_idx').on(t.groupId),
  ],
)

export const broadcasts = sqliteTable(
  'broadcasts',
  {
    id: text('id').primaryKey(),
    kind: text('kind', { enum: BROADCAST_KINDS }).notNull(),
    incidentId: text('incident_id'),
    eventId: text('event_id'),
    statusChangeId: text('status_change_id'),
    // JSON array of component ids the cause touched; '[]' means everyone.
    componentIds: text('component_ids').notNull().default('[]'),
    createdAt: integer('created_at').notNull(),
    expandedThrough: text('expanded_through'),
    expandedAt: integer('expanded_at'),
    // How many subscribers matched when expansion began (the progress bar's total meanwhile).
    recipients: integer('recipients'),
  },
  (t) => [
    index('broadcasts_pending_idx').on(t.expandedAt, t.id),
    index('broadcasts_event_idx').on(t.eventId),
  ],
)

export const deliveries = sqliteTable(
  'deliveries',
  {
    id: text('id').primaryKey(),
    broadcastId: text('broadcast_id')
      .notNull()
      .references(() => broadcasts.id, { onDelete: 'cascade' }),
    subscriberId: text('subscriber_id')
      .notNull()
      .references(() => subscribers.id, { onDelete: 'cascade' }),
    incidentId: text('incident_id'),
    state: text('state', { enum: DELIVERY_STATES }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at').notNull(),
    leaseUntil: integer('lease_until'),
    lastError: text('last_error'),
    lastStatus: integer('last_status'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    deliveredAt: integer('delivered_at'),
  },
  (t) => [
    uniqueIndex('deliveries_broadcast_subscriber_idx').on(t.broadcastId, t.subscriberId),
    // Every index on this table is paid for on each step of every delivery (written, claimed,
    // settled), so the ones that follow the state are partial: a row is only in the index while
    // it is in the states the index is for, and a delivery that goes out at once touches each
    // of them once at most. (Full (state, …) indexes made settling three times dearer.)
    // What a claim walks: only open deliveries, in due order (claimDeliveries names it explicitly;
    // left to itself SQLite picks a wider index and scans every pending row of a big fan-out).
    // nextDeliveryDue reads its first entry.
    index('deliveries_open_due_idx')
      .on(t.nextAttemptAt, t.id)
      .where(sql`state in ('pending', 'retrying')`),
    // Leases that may have run out (reclaimExpiredLeases).
    index('deliveries_lease_idx')
      .on(t.leaseUntil)
      .where(sql`state = 'sending'`),
    // The failures the console lists and replays by state.
    index('deliveries_trouble_idx')
      .on(t.state, t.id)
      .where(sql`state in ('retrying', 'dead')`),
    index('deliveries_subscriber_idx').on(t.subscriberId, t.incidentId, t.id),
  ],
)

// The dev mailbox: with no SMTP configured on Node, mail lands here and the console shows it.
export const capturedMail = sqliteTable(
  'captured_mail',
  {
    id: text('id').primaryKey(),
    to: text('to_address').notNull(),
    subject: text('subject').notNull(),
    text: text('text_body').notNull(),
    html: text('html_body').notNull(),
    headers: text('headers').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('captured_mail_created_idx').on(t.createdAt)],
)

// Scheduled maintenance (issue 5).
export const maintenances = sqliteTable(
  'maintenances',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    status: text('status', { enum: MAINTENANCE_STATUSES }).notNull(),
    scheduledFor: integer('scheduled_for').notNull(),
    scheduledUntil: integer('scheduled_until').notNull(),
    autoStart: integer('auto_start', { mode: 'boolean' }).notNull().default(true),
    autoComplete: integer('auto_complete', { mode: 'boolean' }).notNull().default(true),
    notify: integer('notify', { mode: 'boolean' }).notNull().default(true),
    startedAt: integer('started_at'),
    completedAt: integer('completed_at'),
    cancelledAt: integer('cancelled_at'),
    sequence: integer('sequence').notNull().default(0),
    reminderSentAt: integer('reminder_sent_at'),
    // JSON object {componentId: status}: what to put back when it completes.
    restore: text('restore').notNull().default('{}'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    createdBy: text('created_by'),
  },
  (t) => [
    index('maintenances_window_idx').on(t.scheduledFor),
    index('maintenances_status_idx').on(t.status, t.scheduledFor),
  ],
)

export const maintenanceComponents = sqliteTable(
  'maintenance_components',
  {
    maintenanceId: text('maintenance_id')
      .notNull()
      .references(() => maintenances.id, { onDelete: 'cascade' }),
    componentId: text('component_id')
      .notNull()
      .references(() => components.id, { onDelete: 'cascade' }),
  },
  (t) => [
    primaryKey({ columns: [t.maintenanceId, t.componentId] }),
    index('maintenance_components_component_idx').on(t.componentId),
  ],
)

export const maintenanceUpdates = sqliteTable(
  'maintenance_updates',
  {
    id: text('id').primaryKey(),
    maintenanceId: text('maintenance_id')
      .notNull()
      .references(() => maintenances.id, { onDelete: 'cascade' }),
    at: integer('at').notNull(),
    postedAt: integer('posted_at').notNull(),
    body: text('body').notNull(),
    status: text('status', { enum: MAINTENANCE_STATUSES }).notNull(),
    authorName: text('author_name'),
  },
  (t) => [index('maintenance_updates_idx').on(t.maintenanceId, t.at, t.id)],
)

// One row: a counter every public write bumps, so Workers isolates (each with its own page cache)
// can tell that another isolate changed the page (issue 3).
export const pageState = sqliteTable('page_state', {
  id: integer('id').primaryKey(),
  version: integer('version').notNull(),
})

// Postmortems (issue 6): one per incident, gone with it. The timeline is the incident's own events;
// the fingerprint of an imported document is unique so the same file cannot be imported twice.
export const postmortems = sqliteTable(
  'postmortems',
  {
    incidentId: text('incident_id')
      .primaryKey()
      .references(() => incidents.id, { onDelete: 'cascade' }),
    state: text('state', { enum: POSTMORTEM_STATES }).notNull(),
    summary: text('summary').notNull().default(''),
    impactText: text('impact_text').notNull().default(''),
    usersAffectedPercent: real('users_affected_percent'),
    rootCause: text('root_cause').notNull().default(''),
    resolution: text('resolution').notNull().default(''),
    measures: text('measures').notNull().default(''),
    lessons: text('lessons'),
    // JSON array of {id, text, owner, done}.
    todos: text('todos').notNull().default('[]'),
    sourceFingerprint: text('source_fingerprint'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    publishedAt: integer('published_at'),
    publishedBy: text('published_by'),
  },
  (t) => [
    uniqueIndex('postmortems_fingerprint_idx')
      .on(t.sourceFingerprint)
      .where(sql`source_fingerprint is not null`),
    index('postmortems_state_idx').on(t.state, t.updatedAt),
  ],
)
