import type { Component } from '../../../src/domain/types.ts'
import { DOM } from '../../ids.ts'
import { ComponentStatusBadge } from './common.tsx'

/** The incident's affected components with their current statuses; refreshed out of band. */
export function IncidentComponents(props: { components: Component[]; oob?: boolean }) {
  return (
    <section
      id={DOM.incidentComponents}
      class="incident-components card"
      aria-labelledby="incident-components-title"
      hx-swap-oob={props.oob ? 'true' : undefined}
    >
      <h2 id="incident-components-title">Affected components</h2>
      {props.components.length === 0 ? (
        <p class="muted">No components are linked to this incident yet.</p>
      ) : (
        <ul class="component-statuses">
          {props.components.map((c) => (
            <li>
              <span class="component-name">{c.name}</span>{' '}
              <ComponentStatusBadge status={c.status} />
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
