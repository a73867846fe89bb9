// events.k8s.io/v1 Events: the legacy core/v1 event rules (on the same object in its stored
// shape), then what the new API adds (Kubernetes' ValidateEventCreate for requests of
// events.k8s.io/v1): an eventTime, a Normal or Warning type, a series of at least two, and none
// of the deprecated fields, which only the legacy API writes.
import { FieldPath, fieldErrors } from '../field-errors.js';
import { eventV1ToCore } from '../conversion/events.js';
import { hasTime, validateEvent } from './core-kinds.js';
import { Errs, type Rec, asRec } from './json.js';

const ROOT = FieldPath.root();

export function validateEventV1(errs: Errs, event: Rec): void {
  validateEvent(errs, eventV1ToCore(event) as Rec);
  const series = asRec(event.series);
  if (series) {
    if (typeof series.count !== 'number' || series.count < 2) errs.add(fieldErrors.invalid('series.count', '', 'should be at least 2'));
    if (!hasTime(series.lastObservedTime)) errs.add(fieldErrors.required('series.lastObservedTime', ''));
  }
  if (!hasTime(event.eventTime)) errs.add(fieldErrors.required('eventTime', ''));
  if (event.type !== 'Normal' && event.type !== 'Warning') errs.add(fieldErrors.invalid('type', '', `has invalid value: ${typeof event.type === 'string' ? event.type : ''}`));
  if (hasTime(event.deprecatedFirstTimestamp)) errs.invalid(ROOT.child('deprecatedFirstTimestamp'), '', ['needs to be unset']);
  if (hasTime(event.deprecatedLastTimestamp)) errs.invalid(ROOT.child('deprecatedLastTimestamp'), '', ['needs to be unset']);
  if (typeof event.deprecatedCount === 'number' && event.deprecatedCount !== 0) errs.invalid(ROOT.child('deprecatedCount'), '', ['needs to be unset']);
  const source = asRec(event.deprecatedSource);
  if (source && ((typeof source.component === 'string' && source.component !== '') || (typeof source.host === 'string' && source.host !== ''))) {
    errs.invalid(ROOT.child('deprecatedSource'), '', ['needs to be unset']);
  }
}
