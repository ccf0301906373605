import { parseArgs } from 'node:util'
import { ConfigError, parseConfig } from './config.ts'
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
