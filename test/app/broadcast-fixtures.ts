import type {
  BroadcastContent,
  ContentIncident,
  ContentUpdate,
  MailIdentity,
  Recipient,
} from '../../src/app/broadcast/content.ts'

// Hand-built broadcast content for the format tests: a Berlin page (UTC+1 in January), one
// incident with two public updates, and a component change outside incidents.

export const at = (iso: string) => Date.parse(iso)

export const page = {
  id: 'page1',
  name: 'Acme Status',
  url: 'https://status.acme.example',
  timeZone: 'Europe/Berlin',
  indicator: 'major' as const,
  description: 'Partial System Outage',
  updatedAt: at('2025-01-15T10:45:00Z'),
}

export const api = {
  id: 'cmp_api',
  name: 'API',
  description: 'Public REST API',
  status: 'partial_outage' as const,
  groupId: null,
  position: 1,
  createdAt: at('2024-06-01T08:00:00Z'),
  updatedAt: at('2025-01-15T10:45:00Z'),
}

export const website = {
  id: 'cmp_web',
  name: 'Website',
  description: null,
  status: 'degraded_performance' as const,
  groupId: 'grp_front',
  position: 2,
  createdAt: at('2024-06-01T08:00:00Z'),
  updatedAt: at('2025-01-15T10:02:00Z'),
}

export const investigating: ContentUpdate = {
  id: 'evt_1',
  status: 'investigating',
  body: 'We are investigating elevated error rates on the API.',
  at: at('2025-01-15T10:00:00Z'),
  postedAt: at('2025-01-15T10:02:00Z'),
  editedAt: null,
  affectedComponents: [
    { code: 'cmp_api', name: 'API', oldStatus: 'operational', newStatus: 'major_outage' },
    {
      code: 'cmp_web',
      name: 'Website',
      oldStatus: 'operational',
      newStatus: 'degraded_performance',
    },
  ],
}

export const identified: ContentUpdate = {
  id: 'evt_2',
  status: 'identified',
  body: 'A **database failover** caused the errors; traffic is recovering. See [notes](https://acme.example/notes?a=1&b=2).',
  at: at('2025-01-15T10:45:00Z'),
  postedAt: at('2025-01-15T10:46:00Z'),
  editedAt: at('2025-01-15T10:50:00Z'),
  affectedComponents: [
    { code: 'cmp_api', name: 'API', oldStatus: 'major_outage', newStatus: 'partial_outage' },
  ],
}

export function incident(overrides: Partial<ContentIncident> = {}): ContentIncident {
  return {
    id: 'inc_1',
    name: 'Elevated API errors',
    status: 'identified',
    impact: 'major',
    startedAt: at('2025-01-15T10:00:00Z'),
    resolvedAt: null,
    createdAt: at('2025-01-15T10:02:00Z'),
    updatedAt: at('2025-01-15T10:50:00Z'),
    url: 'https://status.acme.example/incidents/inc_1',
    updates: [identified, investigating],
    components: [api, website],
    ...overrides,
  }
}

export function incidentContent(overrides: Partial<BroadcastContent> = {}): BroadcastContent {
  return {
    broadcastId: 'brd_2',
    kind: 'incident_updated',
    createdAt: at('2025-01-15T10:46:00Z'),
    page,
    incident: incident(),
    update: identified,
    componentUpdate: null,
    component: null,
    ...overrides,
  }
}

export function openedContent(): BroadcastContent {
  const inc = incident({
    status: 'investigating',
    updatedAt: at('2025-01-15T10:02:00Z'),
    updates: [investigating],
  })
  return incidentContent({
    broadcastId: 'brd_1',
    kind: 'incident_opened',
    createdAt: at('2025-01-15T10:02:00Z'),
    incident: inc,
    update: investigating,
  })
}

export function componentContent(): BroadcastContent {
  return {
    broadcastId: 'brd_9',
    kind: 'component_updated',
    createdAt: at('2025-02-01T12:00:00Z'),
    page: { ...page, indicator: 'critical', description: 'Major System Outage' },
    incident: null,
    update: null,
    componentUpdate: {
      id: 'chg_7',
      componentId: 'cmp_api',
      oldStatus: 'operational',
      newStatus: 'major_outage',
      at: at('2025-02-01T12:00:00Z'),
    },
    component: { ...api, status: 'major_outage', updatedAt: at('2025-02-01T12:00:00Z') },
  }
}

export function recipient(overrides: Partial<Recipient> = {}): Recipient {
  return {
    subscriberId: 'sub_1',
    deliveryId: 'dlv_100',
    channel: 'email',
    target: 'ops@customer.example',
    manageUrl: 'https://status.acme.example/subscriptions/tok_manage_1',
    unsubscribeUrl: 'https://status.acme.example/subscriptions/tok_manage_1/unsubscribe',
    ...overrides,
  }
}

export const identity: MailIdentity = {
  from: 'Acme Status <status@acme.example>',
  replyTo: 'support@acme.example',
  host: 'status.acme.example',
}
