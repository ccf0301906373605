import type { Config } from '../config.ts'
import type {
  Clock,
  Compressor,
  HttpSender,
  Ids,
  JobSignal,
  LiveHub,
  Logger,
  Mailer,
  PageCache,
  PasswordHasher,
  Secrets,
  Store,
} from './ports.ts'

/** Everything a use case or route may reach, built once per process (or isolate) in src/runtime. */
export interface Deps {
  config: Config
  store: Store
  clock: Clock
  ids: Ids
  secrets: Secrets
  passwords: PasswordHasher
  pageCache: PageCache
  compressor: Compressor
  log: Logger
  mailer: Mailer
  http: HttpSender
  jobs: JobSignal
  /** Live page connections (Node); absent on Workers, where pages poll. */
  live?: LiveHub
}
