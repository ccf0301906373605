import { readFileSync, writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { ConfigError, parseConfig, type Config } from './config.ts'
import { openNodeDatabase } from './adapters/storage/sqlite.node.ts'
import { startNodeServer } from './runtime/node.ts'

// `herald <command>`: the package's bin. Output meant for scripts goes to stdout; everything else
// (progress, errors) to stderr.

const USAGE = `Usage: herald <command> [options]

Commands:
  serve                          Start the status page and console (applies migrations)
  migrate                        Apply database migrations and exit
  user create --email E --password P [--name N] [--role owner|responder|viewer]
  token create --email E --name N [--scope read|write]
  import [--time-zone Z] [--date YYYY-MM-DD] FILE…
                                 Import postmortem Markdown files as resolved incidents
  import --dry-run [--json] [--time-zone Z] [--date YYYY-MM-DD] FILE…
                                 Read postmortem Markdown files and print what was read
  export INCIDENT_ID [--out FILE]
                                 Print an incident's postmortem as Markdown

Configuration comes from environment variables; see README.md.`

async function main(argv: string[]): Promise<number> {
  const [command, sub] = argv
  const config = parseConfig(process.env)
  switch (command) {
    case 'serve': {
      const server = await startNodeServer(config)
      console.error(`Herald is serving ${server.url} (console: ${server.url}/console)`)
      const stop = () => {
        void server.close().then(() => process.exit(0))
      }
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
      return -1
    }
    case 'migrate': {
      const db = openNodeDatabase(config.DATABASE_PATH)
      db.close()
      console.error(`Migrations applied to ${config.DATABASE_PATH}`)
      return 0
    }
    case 'user': {
      if (sub !== 'create') {
        console.error(`Unknown command: user ${sub ?? ''}\n\n${USAGE}`)
        return 2
      }
      return userCreate(config, argv.slice(2))
    }
    case 'token': {
      if (sub !== 'create') {
        console.error(`Unknown command: token ${sub ?? ''}\n\n${USAGE}`)
        return 2
      }
      return tokenCreate(config, argv.slice(2))
    }
    case 'import':
      return importFiles(config, argv.slice(1))
    case 'export':
      return exportPostmortem(config, argv.slice(1))
    case undefined:
    case 'help':
    case '--help':
      console.log(USAGE)
      return command ? 0 : 2
    default:
      console.error(`Unknown command: ${[command, sub].filter(Boolean).join(' ')}\n\n${USAGE}`)
      return 2
  }
}

// `herald user create`: the headless twin of the first-run page. The first user defaults to owner,
// later ones to responder; a bad value prints the field's message (exit 1).
async function userCreate(config: Config, args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      email: { type: 'string' },
      password: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
    },
    strict: true,
  })
  const { createNodeDeps } = await import('./runtime/node.ts')
  const { createUser, CreateUserInput } = await import('./app/create-user.ts')
  const { CLI_ACTOR } = await import('./app/actor.ts')
  const { deps, database } = createNodeDeps(config)
  try {
    const role = values.role ?? ((await deps.store.countUsers()) === 0 ? 'owner' : 'responder')
    const name = values.name ?? values.email?.split('@')[0]
    const parsed = CreateUserInput.safeParse({ ...values, name, role })
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        console.error(`${issue.path.join('.')}: ${issue.message}`)
      return 1
    }
    return await reportingAppErrors(async () => {
      const user = await createUser(deps, CLI_ACTOR, parsed.data)
      console.error(`Created ${user.role} ${user.email}`)
      console.log(user.id)
      return 0
    })
  } finally {
    database.close()
  }
}

// `herald token create`: the token alone goes to stdout (its last line) so scripts can capture it;
// an unknown email or a bad value prints a message (exit 1).
async function tokenCreate(config: Config, args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { email: { type: 'string' }, name: { type: 'string' }, scope: { type: 'string' } },
    strict: true,
  })
  if (!values.email || !values.name) {
    console.error(`token create needs --email and --name\n\n${USAGE}`)
    return 1
  }
  const scope = values.scope
  if (scope !== undefined && scope !== 'read' && scope !== 'write') {
    console.error('scope: must be read or write')
    return 1
  }
  const { createNodeDeps } = await import('./runtime/node.ts')
  const { createApiToken } = await import('./app/create-api-token.ts')
  const { CLI_ACTOR } = await import('./app/actor.ts')
  const { deps, database } = createNodeDeps(config)
  try {
    const user = await deps.store.getUserByEmail(values.email)
    if (!user) {
      console.error(`No user with email ${values.email}; create one with \`herald user create\``)
      return 1
    }
    const name = values.name
    return await reportingAppErrors(async () => {
      const { token, secret } = await createApiToken(deps, CLI_ACTOR, {
        name,
        userId: user.id,
        ...(scope !== undefined ? { scope } : {}),
      })
      console.error(
        `Created ${token.scope} token "${token.name}" for ${user.email} (hrld_${token.prefix}…).\n` +
          'It is shown only this once: store it now.',
      )
      console.log(secret)
      return 0
    })
  } finally {
    database.close()
  }
}

// `herald import`: the logic is in src/cli/import.ts (no Node there); this only reads argv and files.
async function importFiles(config: Config, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      'dry-run': { type: 'boolean' },
      json: { type: 'boolean' },
      'time-zone': { type: 'string' },
      date: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  })
  const { runImport, saveImports } = await import('./cli/import.ts')
  const options = {
    files: positionals,
    dryRun: values['dry-run'] ?? false,
    json: values.json ?? false,
    ...(values['time-zone'] !== undefined ? { timeZone: values['time-zone'] } : {}),
    ...(values.date !== undefined ? { date: values.date } : {}),
  }
  const readText = (path: string) => readFileSync(path, 'utf8')
  let out
  if (options.dryRun || positionals.length === 0) out = runImport(options, readText)
  else {
    const { createNodeDeps } = await import('./runtime/node.ts')
    const { deps, database } = createNodeDeps(config)
    try {
      out = await saveImports(deps, options, readText)
    } finally {
      database.close()
    }
  }
  if (out.stdout) process.stdout.write(out.stdout)
  if (out.stderr) process.stderr.write(out.stderr)
  return out.code
}

// `herald export`: the Markdown goes to stdout, or to --out FILE.
async function exportPostmortem(config: Config, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { out: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  })
  if (positionals.length > 1) {
    console.error(`export takes one INCIDENT_ID\n\n${USAGE}`)
    return 2
  }
  const { runExport } = await import('./cli/export.ts')
  const { createNodeDeps } = await import('./runtime/node.ts')
  const { deps, database } = createNodeDeps(config)
  try {
    const out = await runExport(deps, positionals[0])
    if (out.code === 0 && values.out) {
      writeFileSync(values.out, out.stdout)
      console.error(`Wrote ${values.out}`)
    } else if (out.stdout) process.stdout.write(out.stdout)
    if (out.stderr) process.stderr.write(out.stderr)
    return out.code
  } finally {
    database.close()
  }
}

// Runs a use case's step; an AppError it raises prints the field messages (or its message) and
// exits 1, anything else propagates.
async function reportingAppErrors(run: () => Promise<number>): Promise<number> {
  const { AppError } = await import('./domain/errors.ts')
  try {
    return await run()
  } catch (err) {
    if (!(err instanceof AppError)) throw err
    if (err.issues.length) for (const i of err.issues) console.error(`${i.field}: ${i.message}`)
    else console.error(err.message)
    return 1
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code)
  },
  (err: unknown) => {
    if (err instanceof ConfigError) console.error(err.message)
    else console.error(err instanceof Error ? err.message : String(err))
    process.exit(1)
  },
)
