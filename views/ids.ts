// DOM ids that htmx targets and out-of-band swaps use: defined once, never typed twice.
export const DOM = {
  flash: 'flash',
  statusBanner: 'status-banner',
  componentList: 'component-list',
  incidentHeader: 'incident-header',
  incidentComponents: 'incident-components',
  timeline: 'timeline',
  composer: 'composer',
  openIncidents: 'open-incidents',
  componentsAdmin: 'components-admin',
  maintenanceInProgress: 'maintenance-in-progress',
  upcomingMaintenance: 'upcoming-maintenance',
  postmortemPreview: 'postmortem-preview',
  postmortemTodos: 'postmortem-todos',
} as const

export const eventDomId = (id: string) => `event-${id}`
