// File-system path rules for volume sub-paths and projected files.
import type { FieldPath } from '../field-errors.js';
import type { Errs } from './json.js';

export function validatePathNoBacksteps(errs: Errs, target: string, path: FieldPath): void {
  if (target.replaceAll('\\', '/').split('/').includes('..')) errs.invalid(path, target, ["must not contain '..'"]);
}

/** A path that stays below its base: relative and without '..'. */
export function validateLocalDescendingPath(errs: Errs, target: string, path: FieldPath): void {
  if (target.startsWith('/')) errs.invalid(path, target, ['must be a relative path']);
  validatePathNoBacksteps(errs, target, path);
}

export function validateLocalNonReservedPath(errs: Errs, target: string, path: FieldPath): void {
  validateLocalDescendingPath(errs, target, path);
  if (target.startsWith('..') && !target.startsWith('../')) errs.invalid(path, target, ["must not start with '..'"]);
}
