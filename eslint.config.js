import { builtinModules } from 'node:module'
import { defineConfig } from 'eslint/config'
import { builtinRules } from 'eslint/use-at-your-own-risk'
import tseslint from 'typescript-eslint'

// Layer rules from STYLE.md, enforced as import bans per folder. Flat config replaces a rule's
// options instead of merging them, so every block below states its folder's whole ban list and the
// blocks' file sets do not overlap.

// Files that may use Node: the Node composition root, *.node.ts adapters, the CLI, tests, benchmarks
// and the tooling around them (the bin launcher, config files).
const NODE_ALLOWED = [
  'src/runtime/node.ts',
  '**/*.node.ts',
  '**/*.node.tsx',
  'src/cli.ts',
  'test/**',
  'bench/**',
  'bin/**',
  '*.config.{js,mjs,ts}',
]

const escape = (name) => name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')

// A bare module name and its subpaths, matched exactly (gitignore-style groups would also match
// relative paths such as '../domain/types.ts', since `domain` is a Node builtin).
const modules = (names) => `^(?:${names.map(escape).join('|')})(?:/.*)?$`

const NODE_ONLY = {
  regex: `^node:|${modules([
    ...builtinModules.filter((m) => !m.startsWith('_')),
    'better-sqlite3',
    'nodemailer',
    '@hono/node-server',
  ])}`,
  message:
    'Node-only module: allowed in src/runtime/node.ts, *.node.ts and src/cli.ts (the Worker cannot load it).',
}

const pkg = (name, why) => ({ regex: modules([name]), message: why })

// Relative imports always carry the extension ('../adapters/storage/schema.ts'), so match the folder.
const layer = (names, why) => ({
  regex: `^\\.\\.?/(?:.*/)?(?:${names.join('|')})/`,
  message: why,
})

const bans = (...patterns) => ['error', { patterns }]

// ESLint's own recommended set (what @eslint/js ships), read from the installed eslint so no extra
// package is needed.
const eslintRecommended = {
  name: 'eslint/recommended',
  rules: Object.fromEntries(
    [...builtinRules].filter(([, r]) => r.meta?.docs?.recommended).map(([n]) => [n, 'error']),
  ),
}

// On Node the views render without AsyncLocalStorage (src/runtime/render-context.node.ts), where a
// JSX context read after an await would silently give its default: views pass values as props.
const JSX_CONTEXT = {
  name: 'hono/jsx',
  importNames: ['createContext', 'useContext'],
  message:
    'Pass values as props: on Node, JSX renders without AsyncLocalStorage (src/runtime/render-context.node.ts).',
}

const DOMAIN_PURE = 'src/domain is pure: no frameworks, storage, runtime or outer layers.'
const APP_PORTS =
  'Use cases reach storage and the runtime through ports (src/app/ports.ts), never directly.'
const HTTP_DEPS = 'Routes and views see only c.var.deps: no adapters, runtime or storage imports.'
const ADAPTER_OUTWARD = layer(
  ['http', 'runtime'],
  'Adapters implement ports; they never reach into http/ or runtime/.',
)

export default defineConfig(
  {
    ignores: [
      'node_modules/**',
      'public/vendor/**',
      'data/**',
      'drizzle/**',
      'dist/**',
      'coverage/**',
      '.wrangler/**',
      'tmp/**',
    ],
  },
  eslintRecommended,
  tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 'latest', sourceType: 'module' },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // TypeScript already reports undefined names; plain JS files (bin, bench, this file) run on Node.
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: {
      globals: Object.fromEntries(
        [
          'process',
          'console',
          'Buffer',
          'URL',
          'URLSearchParams',
          'setTimeout',
          'clearTimeout',
          'setInterval',
          'clearInterval',
          'fetch',
          'AbortController',
          'AbortSignal',
          'TextEncoder',
          'TextDecoder',
          'crypto',
          'performance',
        ].map((g) => [g, 'readonly']),
      ),
    },
  },

  // --- layer import bans (disjoint file sets) ---
  {
    files: ['**/*.{ts,tsx,js,mjs}'],
    ignores: [
      ...NODE_ALLOWED,
      'src/domain/**',
      'src/app/**',
      'src/http/**',
      'views/**',
      'src/adapters/**',
    ],
    rules: { 'no-restricted-imports': bans(NODE_ONLY) },
  },
  {
    files: ['src/domain/**'],
    rules: {
      'no-restricted-imports': bans(
        NODE_ONLY,
        pkg('hono', DOMAIN_PURE),
        pkg('drizzle-orm', DOMAIN_PURE),
        layer(['app', 'adapters', 'http', 'runtime', 'views'], DOMAIN_PURE),
      ),
    },
  },
  {
    files: ['src/app/**'],
    rules: {
      'no-restricted-imports': bans(
        NODE_ONLY,
        pkg('hono', APP_PORTS),
        pkg('drizzle-orm', APP_PORTS),
        layer(['adapters', 'http', 'runtime'], APP_PORTS),
      ),
    },
  },
  {
    files: ['src/http/**', 'views/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            NODE_ONLY,
            pkg('drizzle-orm', HTTP_DEPS),
            layer(['adapters', 'runtime'], HTTP_DEPS),
          ],
          paths: [JSX_CONTEXT],
        },
      ],
    },
  },
  {
    files: ['src/adapters/**'],
    ignores: ['**/*.node.ts', '**/*.node.tsx'],
    rules: {
      'no-restricted-imports': bans(NODE_ONLY, ADAPTER_OUTWARD),
    },
  },
  {
    files: ['src/adapters/**/*.node.ts', 'src/adapters/**/*.node.tsx'],
    rules: {
      'no-restricted-imports': bans(ADAPTER_OUTWARD),
    },
  },

  // `process` is Node's; on Workers configuration arrives as bindings (parseConfig takes a record).
  {
    files: ['**/*.{ts,tsx,js,mjs}'],
    ignores: NODE_ALLOWED,
    rules: {
      'no-restricted-globals': [
        'error',
        {
          name: 'process',
          message: 'Only src/runtime/node.ts, *.node.ts and src/cli.ts may read process.',
        },
      ],
    },
  },
)
