import { afterEach, describe, expect, it } from 'vitest'
import { CLI_ACTOR } from '../../src/app/actor.ts'
import { createComponentGroup } from '../../src/app/component-groups.ts'
import { createComponent } from '../../src/app/components.ts'
import { scheduleMaintenance } from '../../src/app/maintenance.ts'
import { openIncident } from '../../src/app/open-incident.ts'
import { resolveIncident } from '../../src/app/resolve-incident.ts'
import type { TestApp } from '../support/app.ts'
import { json, setUp } from './api-v1-helpers.ts'

// The OpenAPI document against the API itself, for every operation that takes a body with
// required fields: what the document calls required is exactly what the route refuses an empty
// body for, by field name. A route validating with another schema than the documented one fails.

let t: TestApp | undefined
afterEach(() => t?.close())

interface Schema {
  type?: string
  required?: string[]
  properties?: Record<string, unknown>
  additionalProperties?: boolean | object
}
type Operation = { requestBody?: { content: Record<string, { schema: Schema }> } }
type Doc = { paths: Record<string, Record<string, Operation>> }

describe('OpenAPI request bodies against the routes', () => {
  it('documents as required exactly the fields each route refuses an empty body without', async () => {
    const s = await setUp()
    t = s.t
    const component = await createComponent(t.deps, CLI_ACTOR, { name: 'API' })
    const group = await createComponentGroup(t.deps, CLI_ACTOR, { name: 'Platform' })
    const open = await openIncident(t.deps, CLI_ACTOR, { name: 'Open', impact: 'minor', body: 'x' })
    const done = await openIncident(t.deps, CLI_ACTOR, { name: 'Done', impact: 'minor', body: 'x' })
    await resolveIncident(t.deps, CLI_ACTOR, done.incident.id, { body: 'Fixed.' })
    const maintenance = await scheduleMaintenance(t.deps, CLI_ACTOR, {
      name: 'Work',
      body: 'x',
      scheduledFor: t.clock.now() + 3_600_000,
      scheduledUntil: t.clock.now() + 7_200_000,
    })
    const fill = (path: string) =>
      path
        .replace('/components/{id}', `/components/${component.id}`)
        .replace('/groups/{id}', `/groups/${group.id}`)
        .replace('/maintenance/{id}', `/maintenance/${maintenance.id}`)
        .replace(/\/incidents\/\{id\}(?=\/postmortem)/, `/incidents/${done.incident.id}`)
        .replace('/incidents/{id}', `/incidents/${open.incident.id}`)
        .replace('{updateId}', open.event.id)

    const doc = (await (await t.app.request('/api/v1/openapi.json')).json()) as Doc
    const checked: string[] = []
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const schema = operation.requestBody?.content['application/json']?.schema
        if (!schema?.required?.length) continue
        const label = `${method.toUpperCase()} ${path}`
        const res = await s.api(method.toUpperCase(), fill(path), {})
        expect(res.status, label).toBe(422)
        const fields = ((await json(res)).error.fields as { field: string }[]).map((f) => f.field)
        expect([...new Set(fields)].sort(), label).toEqual([...schema.required].sort())
        for (const field of schema.required)
          expect(Object.keys(schema.properties ?? {}), label).toContain(field)
        checked.push(label)
      }
    }
    // Components, groups, incidents, updates, subscribers, maintenance and its updates, imports.
    expect(checked.length).toBeGreaterThanOrEqual(8)
  })
})
