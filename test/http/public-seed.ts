import type { Change } from '../../src/app/ports.ts'
import type { ComponentStatus, Impact, IncidentStatus, Visibility } from '../../src/domain/enums.ts'
import type {
  Component,
  ComponentChange,
  ComponentGroup,
  Incident,
  PageSettings,
  TimelineEvent,
} from '../../src/domain/types.ts'
import type { TestApp } from '../support/app.ts'

// Seeds the public page's data straight through store.commit (the same write path the use cases
// take, cache invalidation included), with explicit times so expectations can be worked out by hand.

export const at = (iso: string) => Date.parse(iso)
export const LONG_AGO = at('2025-06-01T00:00:00Z')

export function seeder(t: Pick<TestApp, 'deps'>) {
  const { deps } = t
  const commit = (changes: Change[]) => deps.store.commit(changes)
  const id = () => deps.ids.next()
  let positions = 0

  return {
    async settings(over: Partial<PageSettings> = {}): Promise<PageSettings> {
      const settings: PageSettings = {
        pageName: 'Acme Status',
        pageUrl: null,
        timeZone: 'UTC',
        logoUrl: null,
        mailFrom: null,
        mailReplyTo: null,
        notifyComponentChanges: false,
        maintenanceReminderMinutes: 60,
        updatedAt: deps.clock.now(),
        ...over,
      }
      await commit([{ type: 'settings.put', settings }])
      return settings
    },

    async group(name: string, over: Partial<ComponentGroup> = {}): Promise<ComponentGroup> {
      const group: ComponentGroup = {
        id: id(),
        name,
        description: null,
        position: ++positions,
        collapsed: false,
        createdAt: LONG_AGO,
        updatedAt: LONG_AGO,
        ...over,
      }
      await commit([{ type: 'group.insert', group }])
      return group
    },

    /** A component created long ago, with its first status recorded as a change. */
    async component(name: string, over: Partial<Component> = {}): Promise<Component> {
      const component: Component = {
        id: id(),
        name,
        description: null,
        groupId: null,
        position: ++positions,
        visible: true,
        status: 'operational',
        createdAt: LONG_AGO,
        updatedAt: LONG_AGO,
        ...over,
      }
      await commit([
        { type: 'component.insert', component },
        {
          type: 'statusChange.insert',
          change: {
            id: id(),
            componentId: component.id,
            fromStatus: null,
            toStatus: component.status,
            at: component.createdAt,
            incidentId: null,
            eventId: null,
          },
        },
      ])
      return component
    },

    /** Records a status change at `iso` and, when it is the latest, the component's status. */
    async setStatus(
      component: Component,
      from: ComponentStatus,
      to: ComponentStatus,
      iso: string,
      current = to,
    ): Promise<void> {
      await commit([
        {
          type: 'statusChange.insert',
          change: {
            id: id(),
            componentId: component.id,
            fromStatus: from,
            toStatus: to,
            at: at(iso),
            incidentId: null,
            eventId: null,
          },
        },
        { type: 'component.update', component: { ...component, status: current } },
      ])
    },

    async incident(
      name: string,
      over: {
        impact?: Impact
        status?: IncidentStatus
        startedAt: string
        resolvedAt?: string | null
        components?: Component[]
      },
    ): Promise<Incident> {
      const resolvedAt = over.resolvedAt ? at(over.resolvedAt) : null
      const incident: Incident = {
        id: id(),
        name,
        impact: over.impact ?? 'minor',
        status: over.status ?? (resolvedAt === null ? 'investigating' : 'resolved'),
        startedAt: at(over.startedAt),
        resolvedAt,
        createdAt: at(over.startedAt),
        updatedAt: at(over.startedAt),
        createdBy: null,
        componentIds: (over.components ?? []).map((c) => c.id),
      }
      await commit([{ type: 'incident.insert', incident }])
      return incident
    },

    async event(
      incident: Incident,
      over: {
        at: string
        body: string
        visibility?: Visibility
        status?: IncidentStatus | null
        editedAt?: string
        componentChanges?: ComponentChange[]
      },
    ): Promise<TimelineEvent> {
      const event: TimelineEvent = {
        id: id(),
        incidentId: incident.id,
        at: at(over.at),
        postedAt: at(over.at),
        authorId: null,
        authorName: 'Responder',
        body: over.body,
        visibility: over.visibility ?? 'public',
        status: over.status ?? null,
        kind: null,
        notify: true,
        componentChanges: over.componentChanges ?? [],
        editedAt: over.editedAt ? at(over.editedAt) : null,
      }
      await commit([{ type: 'event.insert', event }])
      return event
    },
  }
}

/** The HTML between two markers, to check what a page section contains. */
export function between(html: string, start: string, end?: string): string {
  const from = html.indexOf(start)
  if (from < 0) throw new Error(`marker not found: ${start}`)
  const to = end === undefined ? -1 : html.indexOf(end, from + start.length)
  return to < 0 ? html.slice(from) : html.slice(from, to)
}

/**
 * The accessible names of a component's uptime bars, in order, as a screen reader computes them:
 * aria-label, or the texts of the aria-labelledby ids joined by a space.
 */
export function barLabels(html: string, componentName: string): string[] {
  const texts = new Map<string, string>()
  for (const m of html.matchAll(/<span id="([^"]+)">([^<]*)<\/span>/g)) texts.set(m[1]!, m[2]!)
  const start = html.indexOf(`aria-label="${componentName}: uptime per day`)
  if (start < 0) throw new Error(`no uptime bars for ${componentName}`)
  const strip = html.slice(start, html.indexOf('</div>', start))
  return [...strip.matchAll(/<span role="img"[^>]*>/g)].map(([tag]) => {
    const label = /aria-label="([^"]*)"/.exec(tag)
    if (label) return label[1]!
    const ids = /aria-labelledby="([^"]*)"/.exec(tag)?.[1]?.split(' ') ?? []
    return ids.map((id) => texts.get(id) ?? `<missing ${id}>`).join(' ')
  })
}
