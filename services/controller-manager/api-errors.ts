// Answers from the apiserver a controller treats as "nothing to do".
import { StatusError } from '../../lib/api/status.js';

/** NamespaceLifecycle refuses new objects in a namespace being deleted: nothing to create or retry. */
export function isNamespaceTerminating(error: unknown): boolean {
  return error instanceof StatusError && error.status.code === 403 && /because it is being terminated/.test(error.status.message ?? '');
}
