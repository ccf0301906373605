import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '../support/app.ts'
import { json, setUp, type Api } from './api-v1-helpers.ts'

// Bad input gets a 422 naming the field in the API's own terms, an unknown id a 404, and nothing
// a client sends produces a 500. One app for the file: the fixtures are created up front, every
// request before the last describe is refused, and the hostile-input sweep (which may succeed
// now and then) runs last.
let t: TestApp
let api: Api
let componentId: string
let incidentId: string
let eventId: string
let otherIncidentId: string

beforeAll(async () => {
  const s = await setUp()
  t = s.t
  api = s.api
  componentId = (await json(await api('POST', '/components', { name: 'Website' }))).id
  const incident = await json(
    await api('POST', '/incidents', {
      name: 'Down',
      impact: 'major',
      status: 'investigating',
      body: 'Down.',
    }),
  )
  incidentId = incident.id
  eventId = incident.events[0].id
  otherIncidentId = (
    await json(
      await api('POST', '/incidents', {
        name: 'Other',
        impact: 'minor',
        status: 'identified',
        body: 'x',
      }),
    )
  ).id
})
afterAll(() => t.close())

const valid = { name: 'Outage', impact: 'major', status: 'investigating', body: 'Down.' }

async function expect422(res: Response, field: string, message?: RegExp) {
  expect(res.status).toBe(422)
  const body = await json(res)
  expect(body.error.code).toBe('VALIDATION')
  const fields = body.error.fields.map((f: { field: string }) => f.field)
  expect(fields).toContain(field)
  if (message)
    expect(body.error.fields.find((f: { field: string }) => f.field === field).message).toMatch(
      message,
    )
  expect(body.error.message).toContain(field)
}

describe('POST /api/v1/incidents with a bad body', () => {
  it.each([
    ['invalid JSON', '{"name": ', 'body', /not valid JSON/],
    ['an empty body', '', 'body', /required/],
    ['a JSON array', '[]', 'body', /JSON object/],
    ['JSON null', 'null', 'body', /JSON object/],
    ['a JSON string', '"outage"', 'body', /JSON object/],
    ['a missing name', { ...valid, name: undefined }, 'name', /is required/],
    ['a blank name', { ...valid, name: '   ' }, 'name', /required/],
    ['a numeric name', { ...valid, name: 42 }, 'name', undefined],
    ['a null name', { ...valid, name: null }, 'name', undefined],
    ['a huge name', { ...valid, name: 'x'.repeat(10_000) }, 'name', /at most 200/],
    ['a huge body', { ...valid, body: 'x'.repeat(100_000) }, 'body', /at most 20000/],
    [
      'an unknown impact',
      { ...valid, impact: 'catastrophic' },
      'impact',
      /none, minor, major, critical/,
    ],
    ['an unknown status', { ...valid, status: 'panicking' }, 'status', /investigating/],
    ['an unknown kind', { ...valid, kind: 'blame' }, 'kind', /detection/],
    ['a non-boolean notify', { ...valid, notify: 'yes' }, 'notify', /true or false/],
    [
      'a start time without offset',
      { ...valid, started_at: '2026-11-22T10:00:00' },
      'started_at',
      /offset/,
    ],
    [
      'a start time that is not a date',
      { ...valid, started_at: 'yesterday' },
      'started_at',
      /ISO-8601/,
    ],
    ['a start time as a number', { ...valid, started_at: 1795345200000 }, 'started_at', /ISO-8601/],
    [
      'an impossible date',
      { ...valid, started_at: '2026-02-30T10:00:00Z' },
      'started_at',
      /not a valid date/,
    ],
    [
      'an impossible hour',
      { ...valid, started_at: '2026-11-22T25:00:00Z' },
      'started_at',
      /not a valid date/,
    ],
    ['a start before 1970', { ...valid, started_at: '1969-12-31T23:00:00Z' }, 'started_at', /1970/],
    [
      'a start in the future',
      { ...valid, started_at: '2027-01-01T00:00:00Z' },
      'started_at',
      /future/,
    ],
    ['components as an array', { ...valid, components: ['x'] }, 'components', undefined],
    [
      'an unknown component',
      { ...valid, components: { nope: 'major_outage' } },
      'components.nope',
      /unknown component/,
    ],
    [
      'a camelCase field',
      { ...valid, startedAt: '2026-11-22T10:00:00Z' },
      'startedAt',
      /not a known field/,
    ],
  ])('names the field for %s', async (_what, body, field, message) => {
    await expect422(await api('POST', '/incidents', body), field, message)
  })

  it('names the component for an unknown component status', async () => {
    await expect422(
      await api('POST', '/incidents', { ...valid, components: { [componentId]: 'on_fire' } }),
      `components.${componentId}`,
      /operational/,
    )
  })

  it('names every bad field at once', async () => {
    const res = await api('POST', '/incidents', { name: '', impact: 'x', body: 7 })
    const fields = (await json(res)).error.fields.map((f: { field: string }) => f.field)
    expect(fields).toEqual(expect.arrayContaining(['name', 'impact', 'body']))
  })

  it('answers 413 for a body over a megabyte', async () => {
    const res = await api('POST', '/incidents', { ...valid, body: 'x'.repeat(1_100_000) })
    expect(res.status).toBe(413)
    expect((await json(res)).error.message).toMatch(/larger than/)
  })
})

describe('other /api/v1 bodies', () => {
  it.each([
    [
      'an update without a body',
      (): string => `/incidents/${incidentId}/updates`,
      'POST',
      { status: 'identified' },
      'body',
    ],
    [
      'an update with an unknown visibility',
      (): string => `/incidents/${incidentId}/updates`,
      'POST',
      { body: 'x', visibility: 'secret' },
      'visibility',
    ],
    [
      'an update dated in the future',
      (): string => `/incidents/${incidentId}/updates`,
      'POST',
      { body: 'x', at: '2030-01-01T00:00:00+01:00' },
      'at',
    ],
    [
      'an internal note that changes the status',
      (): string => `/incidents/${incidentId}/updates`,
      'POST',
      { body: 'x', visibility: 'internal', status: 'resolved' },
      'status',
    ],
    [
      'an update naming an unknown component',
      (): string => `/incidents/${incidentId}/updates`,
      'POST',
      { body: 'x', components: { ghost: 'operational' } },
      'components.ghost',
    ],
    [
      'an edit with nothing to change',
      (): string => `/incidents/${incidentId}/updates/${eventId}`,
      'PATCH',
      {},
      'body',
    ],
    [
      'an edit dated without offset',
      (): string => `/incidents/${incidentId}/updates/${eventId}`,
      'PATCH',
      { at: '2026-11-22 10:00' },
      'at',
    ],
    [
      'an incident edit with an unknown impact',
      (): string => `/incidents/${incidentId}`,
      'PATCH',
      { impact: 'huge' },
      'impact',
    ],
    [
      'an incident edit starting in the future',
      (): string => `/incidents/${incidentId}`,
      'PATCH',
      { started_at: '2099-01-01T00:00:00Z' },
      'started_at',
    ],
    [
      'a resolve with a non-string body',
      (): string => `/incidents/${incidentId}/resolve`,
      'POST',
      { body: ['done'] },
      'body',
    ],
    [
      'a component without a name',
      (): string => '/components',
      'POST',
      { description: 'x' },
      'name',
    ],
    [
      'a component with an unknown status',
      (): string => '/components',
      'POST',
      { name: 'x', status: 'fine' },
      'status',
    ],
    [
      'a component with an unknown group id',
      (): string => '/components',
      'POST',
      { name: 'x', group_id: 'nope' },
      'group_id',
    ],
    [
      'a component with both group and group_id',
      (): string => '/components',
      'POST',
      { name: 'x', group: 'A', group_id: 'B' },
      'group',
    ],
    [
      'a component edit moving to an unknown group',
      (): string => `/components/${componentId}`,
      'PATCH',
      { group_id: 'nope' },
      'group_id',
    ],
    [
      'a component edit with visible as a string',
      (): string => `/components/${componentId}`,
      'PATCH',
      { visible: 'no' },
      'visible',
    ],
    [
      'a group with a huge name',
      (): string => '/groups',
      'POST',
      { name: 'g'.repeat(201) },
      'name',
    ],
  ] as const)('names the field for %s', async (_what, path, method, body, field) => {
    await expect422(await api(method, path(), body), field)
  })

  it.each([
    ['?state=closed', 'state'],
    ['?limit=0', 'limit'],
    ['?limit=101', 'limit'],
    ['?limit=ten', 'limit'],
    ['?offset=-1', 'offset'],
  ])('names the query parameter for GET /incidents%s', async (query, field) => {
    await expect422(await api('GET', `/incidents${query}`), field)
  })
})

describe('unknown ids on /api/v1', () => {
  it.each([
    ['GET', '/components/nope', undefined],
    ['PATCH', '/components/nope', { name: 'x' }],
    ['DELETE', '/components/nope', undefined],
    ['GET', '/groups/nope', undefined],
    ['PATCH', '/groups/nope', { name: 'x' }],
    ['DELETE', '/groups/nope', undefined],
    ['GET', '/incidents/nope', undefined],
    ['PATCH', '/incidents/nope', { name: 'x' }],
    ['DELETE', '/incidents/nope', undefined],
    ['POST', '/incidents/nope/updates', { body: 'x' }],
    ['POST', '/incidents/nope/resolve', undefined],
    ['GET', '/nothing-here', undefined],
  ] as const)('answers 404 for %s %s', async (method, path, body) => {
    const res = await api(method, path, body)
    expect(res.status).toBe(404)
    expect((await json(res)).error.code).toBe('NOT_FOUND')
  })

  it('answers 404 for an update addressed through another incident', async () => {
    const patch = await api('PATCH', `/incidents/${otherIncidentId}/updates/${eventId}`, {
      body: 'x',
    })
    expect(patch.status).toBe(404)
    expect((await api('DELETE', `/incidents/${otherIncidentId}/updates/${eventId}`)).status).toBe(
      404,
    )
    expect((await api('DELETE', `/incidents/${incidentId}/updates/nope`)).status).toBe(404)
  })
})

describe('hostile input on /api/v1', () => {
  const bodies: unknown[] = [
    '{"a":',
    '\u0000',
    '[]',
    '[{}]',
    'null',
    'true',
    '12',
    '"x"',
    {},
    { name: null, impact: null, body: null, components: null, started_at: null },
    { name: {}, impact: [], body: {}, components: 'x', started_at: {} },
    { name: 'x', impact: 'minor', body: 'x', components: { __proto__: 'major_outage' } },
    {
      name: 'x',
      impact: 'minor',
      body: 'x',
      components: JSON.parse('{"__proto__":"major_outage"}'),
    },
    { name: 'x', impact: 'minor', body: 'x', components: { '': 'operational' } },
    { name: 'x'.repeat(300_000) },
    { name: 'x', impact: 'minor', body: 'x', started_at: '9999-12-31T23:59:59.999999999+23:59' },
    { name: 'x', impact: 'minor', body: 'x', started_at: '0000-01-01T00:00:00Z' },
    { name: 'x', group: { name: 'nested' } },
    {
      body: 'x',
      at: '2026-11-22T12:00:00.5Z',
      status: 'identified',
      visibility: 'public',
      kind: 'note',
    },
    { group_id: null, description: null, visible: null, status: null, collapsed: 'x' },
    { name: 'x', limit: 1e308, offset: -1 },
  ]
  const targets = () => [
    ['POST', '/components'],
    ['PATCH', `/components/${componentId}`],
    ['POST', '/groups'],
    ['POST', '/incidents'],
    ['PATCH', `/incidents/${incidentId}`],
    ['POST', `/incidents/${otherIncidentId}/updates`],
    ['PATCH', `/incidents/${incidentId}/updates/${eventId}`],
    ['POST', `/incidents/${otherIncidentId}/resolve`],
  ]

  it('never answers with a 500', async () => {
    for (const [method, path] of targets()) {
      for (const body of bodies) {
        const res = await api(method!, path!, body)
        expect(res.status, `${method} ${path} ${JSON.stringify(body)?.slice(0, 80)}`).toBeLessThan(
          500,
        )
        expect(res.headers.get('Content-Type') ?? '', `${method} ${path}`).toMatch(/json|^$/)
      }
    }
    for (const query of [
      '?state=',
      '?limit=',
      '?limit=1e3',
      '?offset=99999999999',
      '?state=all&state=open',
    ])
      expect((await api('GET', `/incidents${query}`)).status).toBeLessThan(500)
  })
})
