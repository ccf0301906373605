import { sortTimelineOldestFirst } from '../../domain/incident-status.ts'
import { pageRollup } from '../../domain/rollup.ts'
import { formatInZone } from '../../domain/time.ts'
import type { Broadcast, Component, PageSettings, TimelineEvent } from '../../domain/types.ts'
import type { Deps } from '../deps.ts'
import { getSettings } from '../get-settings.ts'
import { PAGE_ID } from '../get-summary.ts'
import { publicStatus } from '../get-public-incident.ts'
import type { BroadcastContent, ContentComponent, ContentUpdate, MailIdentity } from './content.ts'

// Reads what one broadcast says, once per broadcast (not per recipient). Only public events and
// visible components are ever read into it.

type D = Pick<Deps, 'store' | 'config'>

export function pageBaseUrl(deps: Pick<Deps, 'config'>, settings: PageSettings): string {
  const base = settings.pageUrl ?? deps.config.BASE_URL ?? `http://localhost:${deps.config.PORT}`
  return base.replace(/\/+$/, '')
}

export function mailIdentity(deps: Pick<Deps, 'config'>, settings: PageSettings): MailIdentity {
  const from = settings.mailFrom ?? deps.config.MAIL_FROM
  let host = 'localhost'
  try {
    host = new URL(pageBaseUrl(deps, settings)).hostname
  } catch {
    // keep localhost
  }
  return { from, replyTo: settings.mailReplyTo, host }
}

function contentComponent(c: Component): ContentComponent {
  return {
    id: c.id,
    name: c.name,
    description: c.description,
    status: c.status,
    groupId: c.groupId,
    position: c.position,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  }
}

/** Null when what the broadcast was about is gone (incident or event deleted since). */
export async function assembleContent(deps: D, b: Broadcast): Promise<BroadcastContent | null> {
  const settings = await getSettings(deps)
  const components = await deps.store.listComponents()
  const visible = new Map(components.filter((c) => c.visible).map((c) => [c.id, c]))
  const open = await deps.store.listIncidents({ state: 'open', limit: 500 })
  const rollup = pageRollup({ components, openIncidents: open })
  const base = pageBaseUrl(deps, settings)
  const content: BroadcastContent = {
    broadcastId: b.id,
    kind: b.kind,
    createdAt: b.createdAt,
    page: {
      id: PAGE_ID,
      name: settings.pageName,
      url: base,
      timeZone: settings.timeZone,
      indicator: rollup.indicator,
      description: rollup.description,
      updatedAt: settings.updatedAt,
    },
    incident: null,
    update: null,
    componentUpdate: null,
    component: null,
  }

  if (b.kind === 'component_updated') {
    const componentId = b.componentIds[0]
    const component = componentId ? visible.get(componentId) : undefined
    if (!component || !b.statusChangeId) return null
    const changes = await deps.store.listStatusChanges(b.createdAt - 1)
    const change = changes.find((c) => c.id === b.statusChangeId)
    content.component = contentComponent(component)
    content.componentUpdate = {
      id: b.statusChangeId,
      componentId: component.id,
      oldStatus: change?.fromStatus ?? null,
      newStatus: change?.toStatus ?? component.status,
      at: change?.at ?? b.createdAt,
    }
    return content
  }

  if (b.kind.startsWith('maintenance_')) return assembleMaintenance(deps, b, content, visible)

  // A published postmortem is announced like an update to its incident, with no event of its own.
  const postmortem = b.kind === 'postmortem_published'
  if (!b.incidentId || (!b.eventId && !postmortem)) return null
  const incident = await deps.store.getIncident(b.incidentId)
  if (!incident) return null
  const published = postmortem ? await deps.store.getPostmortem(incident.id) : null
  if (postmortem && published?.state !== 'published') return null
  const events = await deps.store.listEvents(incident.id, { publicOnly: true })
  // What the subscriber sees is the incident as of this broadcast: later updates are their own.
  const upTo = events.filter((e) => e.postedAt <= b.createdAt || e.id === b.eventId)
  if (!postmortem && !upTo.some((e) => e.id === b.eventId)) return null
  const since = upTo.length ? Math.min(...upTo.map((e) => e.at)) : b.createdAt
  const statusChanges = await deps.store.listStatusChanges(since)
  const fromStatus = new Map(
    statusChanges
      .filter((c) => c.eventId)
      .map((c) => [`${c.eventId}:${c.componentId}`, c.fromStatus]),
  )
  const toUpdate = (e: TimelineEvent, status: ContentUpdate['status']): ContentUpdate => ({
    id: e.id,
    status,
    body: e.body,
    at: e.at,
    postedAt: e.postedAt,
    editedAt: e.editedAt,
    affectedComponents: e.componentChanges.flatMap((c) => {
      const comp = visible.get(c.componentId)
      if (!comp) return []
      return [
        {
          code: comp.id,
          name: comp.name,
          oldStatus: fromStatus.get(`${e.id}:${c.componentId}`) ?? null,
          newStatus: c.status,
        },
      ]
    }),
  })
  // Each update carries the status in force after it (Statuspage's incident_update.status).
  const oldestFirst = sortTimelineOldestFirst(upTo)
  const updates: ContentUpdate[] = []
  let running = oldestFirst[0]?.status ?? incident.status
  for (const e of oldestFirst) {
    if (e.status) running = e.status
    updates.push(toUpdate(e, running))
  }
  updates.reverse()
  const status = publicStatus(incident, upTo)
  content.incident = {
    id: incident.id,
    name: incident.name,
    status,
    impact: incident.impact,
    startedAt: incident.startedAt,
    resolvedAt: status === 'resolved' ? incident.resolvedAt : null,
    createdAt: incident.createdAt,
    updatedAt: incident.updatedAt,
    url: `${base}/incidents/${incident.id}`,
    updates,
    components: incident.componentIds.flatMap((id) => {
      const c = visible.get(id)
      return c ? [contentComponent(c)] : []
    }),
  }
  content.update = updates.find((u) => u.id === b.eventId) ?? null
  if (postmortem) {
    content.update = {
      id: `postmortem-${b.id}`,
      status,
      body: `The postmortem is published: ${content.incident.url}`,
      at: b.createdAt,
      postedAt: b.createdAt,
      editedAt: null,
      affectedComponents: [],
    }
    content.incident.updates.unshift(content.update)
    content.incident.postmortem = {
      publishedAt: published?.publishedAt ?? published?.updatedAt ?? b.createdAt,
    }
  }
  return content
}

async function assembleMaintenance(
  deps: D,
  b: Broadcast,
  content: BroadcastContent,
  visible: Map<string, Component>,
): Promise<BroadcastContent | null> {
  const m = b.incidentId ? await deps.store.getMaintenance(b.incidentId) : null
  if (!m) return null
  const all = await deps.store.listMaintenanceUpdates([m.id])
  const upTo = all.filter((u) => u.postedAt <= b.createdAt || u.id === b.eventId)
  const toUpdate = (u: (typeof all)[number]): ContentUpdate => ({
    id: u.id,
    status: u.status,
    body: u.body,
    at: u.at,
    postedAt: u.postedAt,
    editedAt: null,
    affectedComponents: [],
  })
  const updates = upTo.map(toUpdate).reverse()
  if (b.kind === 'maintenance_reminder') {
    const when = formatInZone(m.scheduledFor, content.page.timeZone, 'datetime')
    updates.unshift({
      id: `reminder-${b.id}`,
      status: 'scheduled',
      body: `Reminder: this maintenance starts ${when} (${content.page.timeZone}).`,
      at: b.createdAt,
      postedAt: b.createdAt,
      editedAt: null,
      affectedComponents: [],
    })
  }
  content.incident = {
    id: m.id,
    name: m.name,
    status: m.status,
    impact: 'maintenance',
    maintenance: {
      scheduledFor: m.scheduledFor,
      scheduledUntil: m.scheduledUntil,
      autoStart: m.autoStart,
      autoComplete: m.autoComplete,
      remindedAt: m.reminderSentAt,
    },
    startedAt: m.startedAt ?? m.scheduledFor,
    resolvedAt: m.completedAt,
    createdAt: m.createdAt,
    updatedAt: m.updatedAt,
    url: `${content.page.url}/maintenance/${m.id}`,
    updates,
    components: m.componentIds.flatMap((id) => {
      const c = visible.get(id)
      return c ? [contentComponent(c)] : []
    }),
  }
  content.update =
    b.kind === 'maintenance_reminder'
      ? updates[0]!
      : (updates.find((u) => u.id === b.eventId) ?? null)
  return content
}
