import type { PublicPageContext } from '../../../src/app/get-public-incident.ts'
import type { ApiOperation, openApiDocument } from '../../../src/http/api/openapi.ts'
import { PublicLayout } from '../../layouts/public.tsx'

// The admin API reference, rendered on the server from the OpenAPI document (no script needed).

type Doc = ReturnType<typeof openApiDocument>

export function ApiDocsPage(props: {
  page: PublicPageContext
  doc: Doc
  operations: ApiOperation[]
}) {
  const tags = [...new Set(props.operations.map((o) => o.tag))]
  const paths = props.doc.paths as Record<
    string,
    Record<
      string,
      {
        requestBody?: { content: Record<string, { schema: unknown }> }
        parameters?: { name: string; in: string; required: boolean; schema: unknown }[]
      }
    >
  >
  return (
    <PublicLayout
      page={props.page}
      title="Admin API"
      head={<link rel="stylesheet" href="/css/api-docs.css" />}
    >
      <h1 class="page-title">Admin API</h1>
      <p>{props.doc.info.description}</p>
      <p>
        Base URL: <code>{props.doc.servers[0]!.url}</code> · Machine-readable:{' '}
        <a href="/api/v1/openapi.json">openapi.json</a> (OpenAPI {props.doc.openapi})
      </p>
      <nav aria-label="API sections">
        <ul class="api-toc">
          {tags.map((tag) => (
            <li>
              <a href={`#${tag.toLowerCase()}`}>{tag}</a>
            </li>
          ))}
        </ul>
      </nav>
      {tags.map((tag) => (
        <section
          class="api-section"
          id={tag.toLowerCase()}
          aria-labelledby={`${tag.toLowerCase()}-title`}
        >
          <h2 id={`${tag.toLowerCase()}-title`}>{tag}</h2>
          {props.operations
            .filter((o) => o.tag === tag)
            .map((o) => {
              const spec = paths[o.path]?.[o.method]
              const body = spec?.requestBody?.content['application/json']?.schema
              const params = spec?.parameters ?? []
              return (
                <article class="api-op">
                  <h3>
                    <span class={`api-method api-${o.method}`}>{o.method.toUpperCase()}</span>{' '}
                    <code>{o.path}</code>
                  </h3>
                  <p>
                    {o.summary}
                    {o.write ? ' (write token)' : ''}
                  </p>
                  {params.length > 0 && (
                    <table class="api-params">
                      <thead>
                        <tr>
                          <th>parameter</th>
                          <th>in</th>
                          <th>schema</th>
                        </tr>
                      </thead>
                      <tbody>
                        {params.map((p) => (
                          <tr>
                            <td>
                              <code>{p.name}</code>
                              {p.required ? ' *' : ''}
                            </td>
                            <td>{p.in}</td>
                            <td>
                              <code>{JSON.stringify(p.schema)}</code>
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  )}
                  {body !== undefined && (
                    <details>
                      <summary>Request body (JSON schema)</summary>
                      <pre>
                        <code>{JSON.stringify(body, null, 2)}</code>
                      </pre>
                    </details>
                  )}
                  <p class="muted">
                    Answers {o.ok[0]}: {o.ok[1]}. Errors: JSON{' '}
                    <code>{'{error: {code, message, fields}}'}</code>.
                  </p>
                </article>
              )
            })}
        </section>
      ))}
    </PublicLayout>
  )
}
