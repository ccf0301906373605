import { sql } from 'drizzle-orm'
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
import {
  COMPONENT_STATUSES,
  EVENT_KINDS,
  IMPACTS,
  INCIDENT_STATUSES,
  ROLES,
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
