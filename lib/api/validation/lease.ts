// coordination.k8s.io/v1 Leases.
import { FieldPath, fieldErrors } from '../field-errors.js';
import { type Errs, type Rec, optInt, optStr, rec } from './json.js';
import { isQualifiedName } from '../names.js';

const SPEC = FieldPath.root('spec');
const STRATEGIES = ['OldestEmulationVersion'];

export function validateLeaseSpec(errs: Errs, obj: Rec): void {
  const spec = rec(errs, obj, 'spec', FieldPath.root());
  const duration = optInt(errs, spec, 'leaseDurationSeconds', SPEC);
  if (duration !== undefined && duration <= 0) errs.invalid(SPEC.child('leaseDurationSeconds'), duration, ['must be greater than 0']);
  const transitions = optInt(errs, spec, 'leaseTransitions', SPEC);
  if (transitions !== undefined && transitions < 0) errs.invalid(SPEC.child('leaseTransitions'), transitions, ['must be greater than or equal to 0']);
  const strategy = optStr(errs, spec, 'strategy', SPEC);
  if (strategy !== undefined) {
    // Kubernetes repeats "strategy" in this path.
    const path = SPEC.child('strategy').child('strategy');
    if (!strategy.includes('/')) {
      if (!STRATEGIES.includes(strategy)) errs.add(fieldErrors.notSupported(path.toString(), strategy, STRATEGIES));
    } else {
      errs.invalid(path, strategy, isQualifiedName(strategy));
    }
  }
  const preferred = optStr(errs, spec, 'preferredHolder', SPEC);
  if (preferred && !strategy) errs.add(fieldErrors.forbidden(SPEC.child('preferredHolder').toString(), 'may only be specified if `strategy` is defined'));
}
