import type { Child } from 'hono/jsx'
import type { User } from '../../src/domain/types.ts'
import { DOM } from '../ids.ts'
import { Document } from './document.tsx'

export interface ConsoleContext {
  user: User
  csrfToken: string
  /** The current section, to highlight it in the navigation. */
  section?:
    | 'incidents'
    | 'maintenance'
    | 'components'
    | 'subscribers'
    | 'mailbox'
    | 'users'
    | 'tokens'
    | 'settings'
    | 'audit'
}

const NAV: {
  id: NonNullable<ConsoleContext['section']>
  href: string
  label: string
  owner?: true
  /** Owners and responders only. */
  writer?: true
}[] = [
  { id: 'incidents', href: '/console', label: 'Incidents' },
  { id: 'maintenance', href: '/console/maintenance', label: 'Maintenance' },
  { id: 'components', href: '/console/components', label: 'Components' },
  { id: 'subscribers', href: '/console/subscribers', label: 'Subscribers' },
  { id: 'mailbox', href: '/console/mailbox', label: 'Mailbox', writer: true },
  { id: 'tokens', href: '/console/tokens', label: 'API tokens' },
  { id: 'users', href: '/console/users', label: 'Users', owner: true },
  { id: 'settings', href: '/console/settings', label: 'Settings', owner: true },
  { id: 'audit', href: '/console/audit', label: 'Audit log', owner: true },
]

/** Every console page: navigation, the flash region htmx errors land in, CSRF for htmx requests. */
export function ConsoleLayout(props: { ctx: ConsoleContext; title: string; children: Child }) {
  const { user, csrfToken, section } = props.ctx
  return (
    <Document
      title={`${props.title} · Herald console`}
      bodyClass="console"
      head={<link rel="stylesheet" href="/css/console.css" />}
      bodyAttrs={{ 'hx-headers': JSON.stringify({ 'X-CSRF-Token': csrfToken }) }}
    >
      <header class="console-header">
        <a class="brand" href="/console">
          Herald
        </a>
        <nav aria-label="Console">
          {NAV.filter(
            (n) => (!n.owner || user.role === 'owner') && (!n.writer || user.role !== 'viewer'),
          ).map((n) => (
            <a href={n.href} aria-current={n.id === section ? 'page' : undefined}>
              {n.label}
            </a>
          ))}
          <a href="/" target="_blank" rel="noopener">
            Public page ↗
          </a>
        </nav>
        <form method="post" action="/console/logout" class="logout">
          <input type="hidden" name="_csrf" value={csrfToken} />
          <span class="muted">
            {user.name} ({user.role})
          </span>{' '}
          <button type="submit" class="secondary">
            Sign out
          </button>
        </form>
      </header>
      <div id={DOM.flash} aria-live="polite"></div>
      <main class="console-main">{props.children}</main>
    </Document>
  )
}

/** Sign-in and first-run pages: no navigation, no session yet. */
export function ConsoleBareLayout(props: { title: string; children: Child }) {
  return (
    <Document
      title={`${props.title} · Herald`}
      bodyClass="console bare"
      head={<link rel="stylesheet" href="/css/console.css" />}
    >
      <main class="narrow">{props.children}</main>
    </Document>
  )
}

export const CsrfField = (props: { token: string }) => (
  <input type="hidden" name="_csrf" value={props.token} />
)
