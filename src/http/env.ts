import type { Deps } from '../app/deps.ts'
import type { ApiToken, Session, User } from '../domain/types.ts'

// The Hono environment every route sees. Routes reach the outside world only through c.var.deps.
export interface AppEnv {
  Variables: {
    deps: Deps
    user: User | null
    session: Session | null
    /** The token a console form or htmx request must echo (session-bound, or pre-session cookie). */
    csrfToken: string
    apiToken: ApiToken | null
    /** True when the request reached us over HTTPS (cookies get Secure and the __Host- prefix). */
    secure: boolean
    /** The connecting peer's address as the runtime reports it ('unknown' if it cannot). */
    peerAddress: string
  }
}
