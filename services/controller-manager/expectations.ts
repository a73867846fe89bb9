// client-go's ControllerExpectations: a controller that created or deleted pods waits for its
// informer to see those changes before it counts pods again, so a cache that lags behind its own
// writes never makes it create (or delete) twice. Expectations expire after five minutes, in case
// a watch event was lost.
import type { Clock } from '../../lib/client/clock.js';

export const EXPECTATIONS_TIMEOUT_MS = 5 * 60 * 1000;

interface Expectation {
  adds: number;
  /** Keys ("namespace/name") of pods whose deletion is awaited. */
  deletes: Set<string>;
  setAt: number;
}

export class Expectations {
  private readonly byController = new Map<string, Expectation>();

  constructor(private readonly clock: Clock) {}

  /** True when the controller may count its pods again: nothing awaited, or the wait expired. */
  satisfied(controllerKey: string): boolean {
    const e = this.byController.get(controllerKey);
    if (!e) return true;
    if (e.adds <= 0 && e.deletes.size === 0) return true;
    return this.clock.now() - e.setAt > EXPECTATIONS_TIMEOUT_MS;
  }

  expectCreations(controllerKey: string, adds: number): void {
    this.expect(controllerKey, adds, []);
  }

  expectDeletions(controllerKey: string, podKeys: readonly string[]): void {
    this.expect(controllerKey, 0, podKeys);
  }

  /** Creations and deletions awaited together (a DaemonSet's sync does both). */
  expect(controllerKey: string, adds: number, podKeys: readonly string[]): void {
    this.byController.set(controllerKey, { adds, deletes: new Set(podKeys), setAt: this.clock.now() });
  }

  /** The informer saw a pod created (or a creation was given up). */
  creationObserved(controllerKey: string): void {
    const e = this.byController.get(controllerKey);
    if (e) e.adds--;
  }

  /** The informer saw the pod deleted or marked for deletion (or the deletion was given up). */
  deletionObserved(controllerKey: string, podKey: string): void {
    this.byController.get(controllerKey)?.deletes.delete(podKey);
  }

  delete(controllerKey: string): void {
    this.byController.delete(controllerKey);
  }
}
