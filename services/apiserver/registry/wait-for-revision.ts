// A read "not older than" a resourceVersion the server has not seen yet waits briefly for it,
// then answers 504 "Too large resource version" as Kubernetes does.
import { failure, type StatusError } from '../../../lib/api/status.js';
import type { Store } from '../../../lib/native/store.js';

const WAIT_MS = 3000;

/** The 504 for a resourceVersion the server has not reached; `requested` keeps the client's digits. */
export function tooLargeResourceVersion(requested: string | number, current?: number): StatusError {
  const now = current === undefined ? '' : `, current: ${current}`;
  return failure(504, 'Timeout', `Too large resource version: ${requested}${now}`, {
    causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
    retryAfterSeconds: 1,
  });
}

export async function waitForRevision(store: Store, revision: number, waitMs = WAIT_MS): Promise<void> {
  if (store.revision >= revision) return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(tooLargeResourceVersion(revision, store.revision));
    }, waitMs);
    const unsubscribe = store.onCommit(() => {
      if (store.revision >= revision) {
        clearTimeout(timer);
        unsubscribe();
        resolve();
      }
    });
  });
}
