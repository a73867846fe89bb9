// The compare-and-swap retry every read-then-write of the registry runs in, as Kubernetes'
// GuaranteedUpdate runs it: read, compute, write if nothing changed meanwhile, otherwise read
// again and recompute. Losing a race is not the client's fault, so a write whose client sent no
// resourceVersion keeps retrying rather than failing after a fixed number of tries: many writers
// of one object (fifty concurrent patches of a busy ConfigMap) all get through, each after the
// ones before it. What bounds the loop is time, and a short random pause after repeated losses
// keeps the contenders from retrying in lockstep.
import { setTimeout as sleep } from 'node:timers/promises';
import { randomInt } from 'node:crypto';
import { errors, type ResourceRef } from '../../../lib/api/status.js';

/** How long one request may keep losing races before it gives up with 409. */
export const CONFLICT_RETRY_WINDOW_MS = 30_000;

/**
 * Runs `attempt` until it returns a result; null means it lost a compare-and-swap race and must
 * run again on fresh data. Throws 409 Conflict once `windowMs` has passed.
 */
export async function retryOnConflict<T>(
  ref: ResourceRef,
  name: string,
  attempt: () => Promise<T | null>,
  windowMs: number = CONFLICT_RETRY_WINDOW_MS,
): Promise<T> {
  const deadline = performance.now() + windowMs;
  for (let losses = 0; ; losses++) {
    const result = await attempt();
    if (result !== null) return result;
    if (performance.now() >= deadline) throw errors.conflict(ref, name, 'the object is being modified too often, please retry');
    if (losses >= 2) await sleep(randomInt(1 + Math.min(50, 2 ** losses)));
  }
}
