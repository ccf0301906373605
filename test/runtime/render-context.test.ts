import { createContext, useContext } from 'hono/jsx'
import { jsx } from 'hono/jsx/jsx-runtime'
import { describe, expect, it } from 'vitest'
import { renderWithoutAsyncContext } from '../../src/runtime/render-context.node.ts'

// The Node runtime keeps Hono's JSX away from AsyncLocalStorage (src/runtime/render-context.node.ts).
// The one behaviour that tells which store Hono picked: a context value read after an `await` in
// an async component. With AsyncLocalStorage it is the provided value, without it the default.
// Vitest gives each test file its own module graph, so Hono here has not looked yet.

describe('JSX renders without AsyncLocalStorage on Node', () => {
  it('Hono chooses its synchronous store, and process.getBuiltinModule is left as it was', async () => {
    const lookup = process.getBuiltinModule
    renderWithoutAsyncContext()
    expect(process.getBuiltinModule).toBe(lookup)
    expect(process.getBuiltinModule('node:async_hooks').AsyncLocalStorage).toBeTypeOf('function')

    const Theme = createContext('default')
    const AfterAwait = async () => {
      await new Promise((resolve) => setTimeout(resolve, 1))
      return jsx('b', { children: useContext(Theme) })
    }
    const tree = jsx(Theme.Provider, { value: 'provided', children: jsx(AfterAwait, {}) })
    expect(String(await tree.toString())).toBe('<b>default</b>')
  })

  it('renders that read no context are unchanged', async () => {
    renderWithoutAsyncContext()
    const html = String(
      jsx('p', { title: '<img src=x onerror=alert(1)>', children: ['a & b', jsx('i', {})] }),
    )
    expect(html).toBe('<p title="&lt;img src=x onerror=alert(1)&gt;">a &amp; b<i></i></p>')
  })
})
