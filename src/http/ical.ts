import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator'
import type { MaintenanceCalendar } from '../app/get-feed.ts'
import { markdownToText } from '../../views/markdown.ts'

// The maintenance calendar (RFC 5545) through `ical-generator`, which is plain JS with no imports,
// so it bundles for Workers unchanged. It escapes TEXT values (\, ; , and newlines) itself; what
// it leaves to us:
// - every instant is a Date in UTC (DTSTART/DTEND end in Z), so no VTIMEZONE is needed;
// - DTSTAMP defaults to "now", which would change the ETag on every render: it is the last change;
// - RFC 5545 forbids control characters other than tab in a content line, so they are dropped.

export const ICAL_CONTENT_TYPE = 'text/calendar; charset=utf-8'

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g
const text = (value: string) => value.replace(CONTROL, '')

/**
 * One VEVENT per maintenance window. UIDs are `<id>@<host>` and stay put across reschedules, so a
 * calendar that subscribed updates the event in place (SEQUENCE tells it which copy is newer);
 * a cancelled window stays in the feed with STATUS:CANCELLED so calendars remove it.
 */
export function renderMaintenanceCalendar(calendar: MaintenanceCalendar, base: string): string {
  const host = new URL(base).host
  const cal = ical({
    name: text(`${calendar.page.name} maintenance`),
    prodId: { company: 'Herald', product: 'Maintenance', language: 'EN' },
    method: ICalCalendarMethod.PUBLISH,
    url: `${base}/maintenance.ics`,
    // Calendar apps poll a subscription; suggest an hour between polls.
    ttl: 60 * 60,
  })
  for (const event of calendar.events) {
    const url = `${base}/maintenance/${encodeURIComponent(event.id)}`
    cal.createEvent({
      id: `${event.id}@${host}`,
      sequence: event.sequence,
      start: new Date(event.start),
      end: new Date(event.end),
      stamp: new Date(event.updatedAt),
      created: new Date(event.createdAt),
      lastModified: new Date(event.updatedAt),
      summary: text(event.name),
      description: text(markdownToText(event.description)),
      url,
      status: event.cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    })
  }
  return cal.toString()
}
