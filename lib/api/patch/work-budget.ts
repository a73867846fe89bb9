// The work one PATCH may make the server do. A patch of a few kilobytes can ask for far more work
// than its size suggests — JSON Patch copies that double an array per operation, strategic merges
// whose list merging is quadratic — so the patch algorithms count their steps as they go and stop
// with a 422 once a request has used its share, instead of blocking the event loop for everyone.
import { patchErrors } from './patch-errors.js';

/** Steps (element visits, comparisons, bytes copied) one patch may take: tens of milliseconds. */
export const PATCH_WORK_LIMIT = 20_000_000;

export class WorkBudget {
  private left: number;

  constructor(private readonly limit: number = PATCH_WORK_LIMIT) {
    this.left = limit;
  }

  /** Counts `steps`; throws a PatchError (422) once the budget is used up. */
  spend(steps: number): void {
    this.left -= steps;
    if (this.left < 0) {
      throw patchErrors.unprocessable(`the patch needs more work than the server allows for one request (${this.limit} steps); send smaller patches`);
    }
  }
}
