import { z } from 'zod'
import {
  ApiCreateComponent,
  ApiCreateGroup,
  ApiCreateIncident,
  ApiIncidentListQuery,
  ApiPatchComponent,
  ApiPatchGroup,
  ApiPatchIncident,
  ApiPatchUpdate,
  ApiPostUpdate,
  ApiResolveIncident,
} from './schemas.ts'
import {
  ApiCancelMaintenance,
  ApiMaintenanceListQuery,
  ApiPatchMaintenance,
  ApiPostMaintenanceUpdate,
  ApiScheduleMaintenance,
} from './maintenance.ts'
import { ApiCreateSubscriber, ApiDeliveryListQuery, ApiSubscriberListQuery } from './subscribers.ts'
import { ApiImport, ApiPublish, ApiPutPostmortem } from '../routes/api-v1-postmortems.ts'

// The OpenAPI document of /api/v1, built from the same zod schemas that validate requests (so it
// cannot drift from what the API accepts). A test checks that every route the API serves is here.

export interface ApiOperation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete'
  /** OpenAPI path, e.g. /incidents/{id}. */
  path: string
  tag: string
  summary: string
  body?: z.ZodType
  /** The body may be left out entirely. */
  bodyOptional?: boolean
  query?: z.ZodObject
  /** Success status and what it returns. */
  ok: [number, string]
  write?: boolean
  /** Media type of a non-JSON answer. */
  produces?: string
}

const op = (o: ApiOperation) => o

export const API_OPERATIONS: ApiOperation[] = [
  op({
    method: 'get',
    path: '/components',
    tag: 'Components',
    summary: 'List components in page order',
    ok: [200, '`{components: [...]}`'],
  }),
  op({
    method: 'post',
    path: '/components',
    tag: 'Components',
    summary: 'Create a component (and its group by name)',
    body: ApiCreateComponent,
    ok: [201, 'The component'],
    write: true,
  }),
  op({
    method: 'get',
    path: '/components/{id}',
    tag: 'Components',
    summary: 'Read a component',
    ok: [200, 'The component'],
  }),
  op({
    method: 'patch',
    path: '/components/{id}',
    tag: 'Components',
    summary: 'Change a component (a status change is recorded)',
    body: ApiPatchComponent,
    ok: [200, 'The component'],
    write: true,
  }),
  op({
    method: 'delete',
    path: '/components/{id}',
    tag: 'Components',
    summary: 'Delete a component',
    ok: [204, 'Deleted'],
    write: true,
  }),
  op({
    method: 'get',
    path: '/groups',
    tag: 'Groups',
    summary: 'List groups',
    ok: [200, '`{groups: [...]}`'],
  }),
  op({
    method: 'post',
    path: '/groups',
    tag: 'Groups',
    summary: 'Create a group',
    body: ApiCreateGroup,
    ok: [201, 'The group'],
    write: true,
  }),
  op({
    method: 'get',
    path: '/groups/{id}',
    tag: 'Groups',
    summary: 'Read a group',
    ok: [200, 'The group'],
  }),
  op({
    method: 'patch',
    path: '/groups/{id}',
    tag: 'Groups',
    summary: 'Change a group',
    body: ApiPatchGroup,
    ok: [200, 'The group'],
    write: true,
  }),
  op({
    method: 'delete',
    path: '/groups/{id}',
    tag: 'Groups',
    summary: 'Delete a group (its components stay, ungrouped)',
    ok: [204, 'Deleted'],
    write: true,
  }),
  op({
    method: 'get',
    path: '/incidents',
    tag: 'Incidents',
    summary: 'List incidents, open ones first',
    query: ApiIncidentListQuery,
    ok: [200, '`{incidents, total, limit, offset}`'],
  }),
  op({
    method: 'post',
    path: '/incidents',
    tag: 'Incidents',
    summary: 'Open an incident with its first public update',
    body: ApiCreateIncident,
    ok: [201, 'The incident with its timeline'],
    write: true,
  }),
  op({
    method: 'get',
    path: '/incidents/{id}',
    tag: 'Incidents',
    summary: 'Read an incident with its whole timeline (internal notes included), newest first',
    ok: [200, 'The incident; status `postmortem` once its postmortem is published'],
  }),
  op({
    method: 'patch',
    path: '/incidents/{id}',
    tag: 'Incidents',
    summary: 'Rename, change impact or start',
    body: ApiPatchIncident,
    ok: [200, 'The incident'],
    write: true,
  }),
  op({
    method: 'delete',
    path: '/incidents/{id}',
    tag: 'Incidents',
    summary: 'Delete an incident (owner only)',
    ok: [204, 'Deleted'],
    write: true,
  }),
  op({
    method: 'post',
    path: '/incidents/{id}/updates',
    tag: 'Incidents',
    summary: 'Post a timeline event (public update or internal note, backdatable)',
    body: ApiPostUpdate,
    ok: [201, '`{incident, update}`'],
    write: true,
  }),
  op({
    method: 'patch',
    path: '/incidents/{id}/updates/{updateId}',
    tag: 'Incidents',
    summary: 'Edit a timeline event',
    body: ApiPatchUpdate,
    ok: [200, '`{incident, update}`'],
    write: true,
  }),
  op({
    method: 'delete',
    path: '/incidents/{id}/updates/{updateId}',
    tag: 'Incidents',
    summary: 'Delete a timeline event',
    ok: [200, 'The incident'],
    write: true,
  }),
  op({
    method: 'post',
    path: '/incidents/{id}/resolve',
    tag: 'Incidents',
    summary: 'Resolve: posts the resolving update and returns affected components to operational',
    body: ApiResolveIncident,
    bodyOptional: true,
    ok: [200, '`{incident, update}`'],
    write: true,
  }),
  op({
    method: 'get',
    path: '/subscribers',
    tag: 'Subscribers',
    summary: 'List subscribers',
    query: ApiSubscriberListQuery,
    ok: [200, '`{subscribers, total, limit, offset}`'],
  }),
  op({
    method: 'post',
    path: '/subscribers',
    tag: 'Subscribers',
    summary: "Add a subscriber; a webhook's signing secret is in this answer only",
    body: ApiCreateSubscriber,
    ok: [201, 'The subscriber'],
    write: true,
  }),
  op({
    method: 'get',
    path: '/subscribers/{id}',
    tag: 'Subscribers',
    summary: 'Read a subscriber',
    ok: [200, 'The subscriber'],
  }),
  op({
    method: 'delete',
    path: '/subscribers/{id}',
    tag: 'Subscribers',
    summary: 'Remove a subscriber',
    ok: [204, 'Removed'],
    write: true,
  }),
  op({
    method: 'get',
    path: '/subscribers/{id}/deliveries',
    tag: 'Subscribers',
    summary: "A subscriber's deliveries, newest first",
    query: ApiDeliveryListQuery,
    ok: [200, '`{deliveries: [...]}`'],
  }),
  op({
    method: 'get',
    path: '/maintenance',
    tag: 'Maintenance',
    summary: 'List scheduled maintenance',
    query: ApiMaintenanceListQuery,
    ok: [200, '`{maintenance: [...]}`'],
  }),
  op({
    method: 'post',
    path: '/maintenance',
    tag: 'Maintenance',
    summary: 'Schedule maintenance (subscribers are told if notify is on)',
    body: ApiScheduleMaintenance,
    ok: [201, 'The maintenance with its updates'],
    write: true,
  }),
  op({
    method: 'get',
    path: '/maintenance/{id}',
    tag: 'Maintenance',
    summary: 'Read a maintenance with its updates',
    ok: [200, 'The maintenance'],
  }),
  op({
    method: 'patch',
    path: '/maintenance/{id}',
    tag: 'Maintenance',
    summary: 'Rename, reschedule (bumps the calendar SEQUENCE) or change options',
    body: ApiPatchMaintenance,
    ok: [200, 'The maintenance'],
    write: true,
  }),
  op({
    method: 'delete',
    path: '/maintenance/{id}',
    tag: 'Maintenance',
    summary: 'Delete a maintenance that is not running (owner only)',
    ok: [204, 'Deleted'],
    write: true,
  }),
  op({
    method: 'post',
    path: '/maintenance/{id}/updates',
    tag: 'Maintenance',
    summary: 'Post an update, optionally moving the status forward',
    body: ApiPostMaintenanceUpdate,
    ok: [201, 'The maintenance'],
    write: true,
  }),
  op({
    method: 'get',
    path: '/incidents/{id}/postmortem',
    tag: 'Postmortems',
    summary: "An incident's postmortem (404 before a draft)",
    ok: [200, 'The postmortem'],
  }),
  op({
    method: 'get',
    path: '/incidents/{id}/postmortem.md',
    tag: 'Postmortems',
    summary: 'The postmortem as Markdown (the saved one, or the draft the record gives)',
    ok: [200, 'Markdown'],
    produces: 'text/markdown',
  }),
  op({
    method: 'put',
    path: '/incidents/{id}/postmortem',
    tag: 'Postmortems',
    summary: 'Edit sections; drafts the postmortem first if needed',
    body: ApiPutPostmortem,
    bodyOptional: true,
    ok: [200, 'The postmortem (201 when it was drafted now)'],
    write: true,
  }),
  op({
    method: 'post',
    path: '/incidents/{id}/postmortem/publish',
    tag: 'Postmortems',
    summary: 'Publish on the incident page (optionally notifying subscribers)',
    body: ApiPublish,
    bodyOptional: true,
    ok: [200, 'The postmortem'],
    write: true,
  }),
  op({
    method: 'post',
    path: '/incidents/{id}/postmortem/unpublish',
    tag: 'Postmortems',
    summary: 'Back to draft',
    ok: [200, 'The postmortem'],
    write: true,
  }),
  op({
    method: 'post',
    path: '/postmortems/import',
    tag: 'Postmortems',
    summary:
      'Import a Markdown postmortem as a resolved incident with its timeline (dry_run: only read it)',
    body: ApiImport,
    ok: [
      201,
      '`{incident_id, created, name, warnings}` (200 for a document imported before, or a dry run)',
    ],
    write: true,
  }),
  op({
    method: 'post',
    path: '/maintenance/{id}/cancel',
    tag: 'Maintenance',
    summary: 'Cancel a maintenance that has not started',
    body: ApiCancelMaintenance,
    bodyOptional: true,
    ok: [200, 'The maintenance'],
    write: true,
  }),
]

const schemaOf = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { io: 'input', target: 'openapi-3.0', unrepresentable: 'any' })

const ERROR = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: {
          type: 'string',
          enum: [
            'VALIDATION',
            'NOT_FOUND',
            'CONFLICT',
            'UNAUTHORIZED',
            'FORBIDDEN',
            'RATE_LIMITED',
          ],
        },
        message: { type: 'string' },
        fields: {
          type: 'array',
          items: {
            type: 'object',
            properties: { field: { type: 'string' }, message: { type: 'string' } },
          },
        },
      },
    },
  },
}

export function openApiDocument(opts: { serverUrl: string; operations?: ApiOperation[] }) {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const o of opts.operations ?? API_OPERATIONS) {
    const params = [...o.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }))
    if (o.query) {
      const json = schemaOf(o.query) as {
        properties?: Record<string, unknown>
        required?: string[]
      }
      for (const [name, schema] of Object.entries(json.properties ?? {}))
        params.push({
          name,
          in: 'query',
          required: json.required?.includes(name) ?? false,
          schema,
        } as never)
    }
    const [status, description] = o.ok
    const responses: Record<string, unknown> = {
      [status]: {
        description,
        ...(status === 204
          ? {}
          : {
              content: {
                [o.produces ?? 'application/json']: {
                  schema: o.produces ? { type: 'string' } : { type: 'object' },
                },
              },
            }),
      },
      401: {
        description: 'Missing or unknown token',
        content: { 'application/json': { schema: ERROR } },
      },
      404: { description: 'Unknown id', content: { 'application/json': { schema: ERROR } } },
      422: {
        description: 'A field is wrong; the answer names it',
        content: { 'application/json': { schema: ERROR } },
      },
    }
    if (o.write)
      responses[403] = {
        description: 'A read token, or a role that may not do this',
        content: { 'application/json': { schema: ERROR } },
      }
    paths[o.path] ??= {}
    paths[o.path]![o.method] = {
      tags: [o.tag],
      summary: o.summary,
      operationId: `${o.method}${o.path.replace(/\{(\w+)\}/g, 'By_$1').replace(/[^\w]+(\w)/g, (_, ch: string) => ch.toUpperCase())}`,
      ...(params.length ? { parameters: params } : {}),
      ...(o.body
        ? {
            requestBody: {
              required: !o.bodyOptional,
              content: { 'application/json': { schema: schemaOf(o.body) } },
            },
          }
        : {}),
      responses,
    }
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'Herald admin API',
      version: '1',
      description:
        "JSON over HTTP with a bearer token (`Authorization: Bearer hrld_…`) created in the console or with `herald token create`. Timestamps are ISO-8601 with an offset. A read token can only read; a write token acts with its user's role.",
    },
    servers: [{ url: `${opts.serverUrl}/api/v1` }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: { Error: ERROR },
    },
    security: [{ bearer: [] }],
    paths,
  }
}
