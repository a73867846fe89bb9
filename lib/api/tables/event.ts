// Event rows (core/v1 Event): when it was last seen, its type, reason, object and message.
import type { Event } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../object.js';
import { column, nameColumn, wide } from './columns.js';
import { parseTimestamp, timestampSince } from './duration.js';
import type { Printer } from './types.js';
import { eventV1ToCore } from '../conversion/events.js';

function source(event: Event): string {
  const component = event.source?.component || event.reportingComponent || '';
  const instance = event.source?.host || event.reportingInstance || '';
  return instance === '' ? component : `${component}, ${instance}`;
}

function target(event: Event): string {
  const kind = (event.involvedObject?.kind ?? '').toLowerCase();
  return event.involvedObject?.name ? `${kind}/${event.involvedObject.name}` : kind;
}

export const eventPrinter: Printer = {
  columns: [
    column('Last Seen', 'string', 'When the event was last observed.'),
    column('Type', 'string', 'Normal or Warning.'),
    column('Reason', 'string', 'A short, machine-readable reason for the event.'),
    column('Object', 'string', 'The object the event is about, as kind/name.'),
    wide('Subobject', 'string', 'The part of the object the event is about, such as a container.'),
    wide('Source', 'string', 'The component (and host) that reported the event.'),
    column('Message', 'string', 'What happened, for people to read.'),
    wide('First Seen', 'string', 'When the event was first observed.'),
    wide('Count', 'string', 'How many times the event has been observed.'),
    { ...nameColumn, priority: 1 },
  ],
  cells(obj: KubeObject, now: Date): unknown[] {
    // Read defensively: a stored event may lack fields its type calls required.
    const event = obj as unknown as Event;
    // Events written through events.k8s.io carry eventTime and series instead of the timestamps.
    const firstSeen =
      parseTimestamp(event.firstTimestamp) !== undefined
        ? timestampSince(event.firstTimestamp, now)
        : timestampSince(event.eventTime, now);
    let lastSeen = parseTimestamp(event.lastTimestamp) !== undefined ? timestampSince(event.lastTimestamp, now) : firstSeen;
    let count = event.count ?? 0;
    if (event.series) {
      lastSeen = timestampSince(event.series.lastObservedTime, now);
      count = event.series.count ?? 0;
    } else if (count === 0) {
      count = 1;
    }
    return [
      lastSeen,
      event.type ?? '',
      event.reason ?? '',
      target(event),
      event.involvedObject?.fieldPath ?? '',
      source(event),
      (event.message ?? '').trim(),
      firstSeen,
      count,
      event.metadata?.name ?? '',
    ];
  },
};

/** events.k8s.io/v1 Events print as the core/v1 Events they are, as Kubernetes' printer sees both. */
export const eventV1Printer: Printer = {
  columns: eventPrinter.columns,
  cells: (obj, now) => eventPrinter.cells(eventV1ToCore(obj), now),
};
