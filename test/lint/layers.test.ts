import { fileURLToPath } from 'node:url'
import { ESLint } from 'eslint'
import { beforeAll, describe, expect, it } from 'vitest'

// The layer rules of STYLE.md are only as good as the lint config that enforces them: lint small
// snippets as if they lived at a given path and check which import bans fire.
const ROOT = fileURLToPath(new URL('../..', import.meta.url))
let eslint: ESLint

beforeAll(() => {
  eslint = new ESLint({ cwd: ROOT })
})

async function bannedAt(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport {}\n`, {
    filePath: `${ROOT}/${filePath}`,
  })
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-globals')
    .map((m) => m.ruleId!)
}

const imp = (source: string) => `import '${source}'`

describe('src/domain stays pure', () => {
  it.each([
    'hono',
    'hono/jsx',
    'drizzle-orm',
    'drizzle-orm/sqlite-core',
    'node:crypto',
    'better-sqlite3',
    'nodemailer',
    '../app/ports.ts',
    '../adapters/storage/schema.ts',
    '../http/app.tsx',
    '../runtime/node.ts',
  ])('rejects an import of %s', async (source) => {
    expect(await bannedAt('src/domain/example.ts', imp(source))).toEqual(['no-restricted-imports'])
  })

  it('accepts imports of its own modules and of zod', async () => {
    expect(await bannedAt('src/domain/example.ts', `${imp('./enums.ts')}\n${imp('zod')}`)).toEqual(
      [],
    )
  })
})

describe('src/app reaches the outside only through ports', () => {
  it.each([
    'hono',
    'drizzle-orm',
    'node:fs',
    'better-sqlite3',
    '../adapters/storage/schema.ts',
    '../http/env.ts',
    '../runtime/node.ts',
  ])('rejects an import of %s', async (source) => {
    expect(await bannedAt('src/app/post-thing.ts', imp(source))).toEqual(['no-restricted-imports'])
  })

  it('accepts imports of the domain and of its own ports', async () => {
    const code = `${imp('../domain/types.ts')}\n${imp('./ports.ts')}`
    expect(await bannedAt('src/app/post-thing.ts', code)).toEqual([])
  })
})

describe('src/http and views see only deps', () => {
  it.each([
    ['src/http/routes/public.tsx', '../../adapters/storage/drizzle-store.ts'],
    ['src/http/routes/public.tsx', '../../runtime/node.ts'],
    ['src/http/app.tsx', 'drizzle-orm'],
    ['src/http/app.tsx', 'node:path'],
    ['src/http/app.tsx', 'fs'],
    ['src/http/app.tsx', '@hono/node-server/serve-static'],
    ['views/pages/home.tsx', '../../src/adapters/storage/schema.ts'],
    ['views/pages/home.tsx', '../../src/runtime/node.ts'],
    ['views/pages/home.tsx', 'better-sqlite3'],
  ])('%s may not import %s', async (file, source) => {
    expect(await bannedAt(file, imp(source))).toEqual(['no-restricted-imports'])
  })

  it.each([
    ['views/partials/public/banner.tsx', "import { useContext } from 'hono/jsx'"],
    ['src/http/routes/public.tsx', "import { createContext, jsx } from 'hono/jsx'"],
  ])('%s may not read JSX context: %s', async (file, code) => {
    expect(await bannedAt(file, code)).toEqual(['no-restricted-imports'])
  })

  it('accepts the rest of hono/jsx', async () => {
    expect(
      await bannedAt(
        'views/partials/public/banner.tsx',
        "import { jsx, Fragment } from 'hono/jsx'",
      ),
    ).toEqual([])
  })

  it('accepts hono, the app layer and views', async () => {
    const code = `${imp('hono')}\n${imp('../../app/ports.ts')}\n${imp('../../../views/ids.ts')}`
    expect(await bannedAt('src/http/routes/public.tsx', code)).toEqual([])
  })
})

describe('src/adapters', () => {
  it.each(['../../http/app.tsx', '../../runtime/node.ts'])('may not import %s', async (source) => {
    expect(await bannedAt('src/adapters/storage/example.ts', imp(source))).toEqual([
      'no-restricted-imports',
    ])
  })

  it('keeps Node modules to *.node.ts files', async () => {
    expect(await bannedAt('src/adapters/storage/example.ts', imp('better-sqlite3'))).toEqual([
      'no-restricted-imports',
    ])
    expect(await bannedAt('src/adapters/storage/example.node.ts', imp('better-sqlite3'))).toEqual(
      [],
    )
  })

  it('bans http/ and runtime/ even in *.node.ts files', async () => {
    expect(
      await bannedAt('src/adapters/storage/example.node.ts', imp('../../runtime/node.ts')),
    ).toEqual(['no-restricted-imports'])
  })
})

describe('Node modules and process outside the Node-only files', () => {
  it('rejects process and node:* in shared source such as src/config.ts', async () => {
    expect(
      await bannedAt('src/config.ts', `${imp('node:os')}\nconsole.log(process.env.PORT)`),
    ).toEqual(['no-restricted-imports', 'no-restricted-globals'])
  })

  it.each([
    'src/runtime/node.ts',
    'src/cli.ts',
    'test/support/example.ts',
    'bench/page/example.ts',
  ])('allows them in %s', async (file) => {
    const code = `${imp('node:os')}\n${imp('@hono/node-server')}\nconsole.log(process.env.PORT)`
    expect(await bannedAt(file, code)).toEqual([])
  })
})
