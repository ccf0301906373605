import { afterEach, describe, expect, it } from 'vitest'
import { ApiCreateComponent } from '../../src/http/api/schemas.ts'
import { apiV1Routes } from '../../src/http/routes/api-v1.ts'
import { createTestApp, type TestApp } from '../support/app.ts'
import { json, setUp } from './api-v1-helpers.ts'

let t: TestApp | undefined
afterEach(() => t?.close())

type Doc = {
  openapi: string
  paths: Record<
    string,
    Record<
      string,
      {
        requestBody?: {
          content: {
            'application/json': {
              schema: { required?: string[]; properties?: Record<string, unknown> }
            }
          }
        }
      }
    >
  >
}

describe('OpenAPI description of /api/v1', () => {
  it('is public and describes every route the API serves, no more and no less', async () => {
    t = createTestApp()
    const res = await t.app.request('/api/v1/openapi.json')
    expect(res.status).toBe(200)
    const doc = (await res.json()) as Doc
    expect(doc.openapi).toBe('3.0.3')
    const described = Object.entries(doc.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
      .sort()
    const served = [
      ...new Set(
        apiV1Routes.routes
          .filter((r) => r.method !== 'ALL')
          .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`),
      ),
    ].sort()
    expect(described).toEqual(served)
  })

  it('takes request schemas from the zod schemas that validate the API', async () => {
    const { t: app, api } = await setUp()
    t = app
    const doc = (await (await app.app.request('/api/v1/openapi.json')).json()) as Doc
    const create = doc.paths['/components']!.post!.requestBody!.content['application/json'].schema
    expect(create.required).toEqual(['name'])
    expect(Object.keys(create.properties!).sort()).toEqual(
      Object.keys(ApiCreateComponent.shape).sort(),
    )
    // What the document calls required, the API refuses without.
    const res = await api('POST', '/components', {})
    expect(res.status).toBe(422)
    expect((await json(res)).error.fields.map((f: { field: string }) => f.field)).toEqual(['name'])
  })

  it('renders a reference page for people', async () => {
    t = createTestApp()
    const res = await t.app.request('/api/v1/docs')
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('Admin API')
    expect(html).toContain('/incidents/{id}/updates')
    expect(html).toContain('href="/api/v1/openapi.json"')
  })
})
