import type {
  Component,
  ComponentGroup,
  Incident,
  Postmortem,
  TimelineEvent,
} from '../../domain/types.ts'
import { iso, isoOrNull } from './time.ts'

// The /api/v1 shapes: snake_case fields, ISO-8601 UTC timestamps. Events include internal notes:
// this is the admin API, not the public one (that is /api/v2).

export function apiGroup(g: ComponentGroup) {
  return {
    id: g.id,
    name: g.name,
    description: g.description,
    position: g.position,
    collapsed: g.collapsed,
    created_at: iso(g.createdAt),
    updated_at: iso(g.updatedAt),
  }
}

export function apiComponent(c: Component, groupName: string | null) {
  return {
    id: c.id,
    name: c.name,
    description: c.description,
    group_id: c.groupId,
    group_name: groupName,
    position: c.position,
    status: c.status,
    visible: c.visible,
    created_at: iso(c.createdAt),
    updated_at: iso(c.updatedAt),
  }
}

export function apiEvent(e: TimelineEvent) {
  return {
    id: e.id,
    at: iso(e.at),
    posted_at: iso(e.postedAt),
    body: e.body,
    visibility: e.visibility,
    status: e.status,
    kind: e.kind,
    notify: e.notify,
    components: Object.fromEntries(e.componentChanges.map((ch) => [ch.componentId, ch.status])),
    author:
      e.authorId === null && e.authorName === null ? null : { id: e.authorId, name: e.authorName },
    edited_at: isoOrNull(e.editedAt),
  }
}

/**
 * An incident with its timeline, newest first (callers pass events already in that order). A
 * resolved incident whose postmortem is published has status `postmortem`, as in /api/v2 and
 * Statuspage (issue 6); `postmortem` says whether one exists and in which state.
 */
export function apiIncident(
  i: Incident,
  eventsNewestFirst: TimelineEvent[],
  postmortem: Pick<Postmortem, 'state' | 'publishedAt'> | null,
) {
  const published = i.status === 'resolved' && postmortem?.state === 'published'
  return {
    id: i.id,
    name: i.name,
    impact: i.impact,
    status: published ? ('postmortem' as const) : i.status,
    started_at: iso(i.startedAt),
    resolved_at: isoOrNull(i.resolvedAt),
    created_at: iso(i.createdAt),
    updated_at: iso(i.updatedAt),
    components: i.componentIds,
    events: eventsNewestFirst.map(apiEvent),
    postmortem: postmortem
      ? { state: postmortem.state, published_at: isoOrNull(postmortem.publishedAt) }
      : null,
  }
}
