// What the soak's clients were told about their writes, object by object, and what must therefore
// be stored at the end. Each object has one writer, so its story is a sequence: an acknowledged
// write (2xx) fixes the state the object must have — unless a later write's outcome is unknown (no
// answer, a 5xx while a replica died): then its state may be the acknowledged one or any of those.
// A linearizable read (a quorum GET) shows a committed state, which later writes build on.
//
// States name the content by a token the writer put in it (a ConfigMap's data, a pod's
// annotation) and the resourceVersion the write was acknowledged with; a state without a token is
// any content at a resourceVersion at least the acknowledged one (hostile patches).

export interface ObjectState {
  present: boolean;
  resourceVersion?: string;
  token?: string;
}

interface Expectation {
  acknowledged?: ObjectState;
  /** States of writes whose outcome is unknown, since the acknowledged one. */
  possible: ObjectState[];
}

export interface LedgerCheck {
  path: string;
  problem: string;
}

function describe(state: ObjectState | undefined): string {
  if (state === undefined) return 'never acknowledged';
  if (!state.present) return 'absent';
  return `present${state.resourceVersion === undefined ? '' : ` at ${state.resourceVersion}`}${state.token === undefined ? '' : ` with ${state.token}`}`;
}

export class Ledger {
  private readonly expectations = new Map<string, Expectation>();
  /** The highest resourceVersion any write was acknowledged with. */
  highestAcknowledged = 0;

  private of(path: string): Expectation {
    let found = this.expectations.get(path);
    if (!found) {
      found = { possible: [] };
      this.expectations.set(path, found);
    }
    return found;
  }

  /** A write was acknowledged: this is the state, whatever happened before. */
  acknowledged(path: string, state: ObjectState): void {
    this.expectations.set(path, { acknowledged: state, possible: [] });
    if (state.resourceVersion !== undefined) this.highestAcknowledged = Math.max(this.highestAcknowledged, Number(state.resourceVersion));
  }

  /** A write whose outcome is unknown: its state is possible too. */
  uncertain(path: string, state: ObjectState): void {
    this.of(path).possible.push(state);
  }

  /** A linearizable read saw this committed state. */
  observed(path: string, state: ObjectState): void {
    this.expectations.set(path, { acknowledged: state, possible: [] });
  }

  get size(): number {
    return this.expectations.size;
  }

  paths(): string[] {
    return [...this.expectations.keys()];
  }

  /** Why `actual` cannot be the object's state, or undefined when it can. */
  check(path: string, actual: ObjectState): string | undefined {
    const expectation = this.expectations.get(path);
    if (!expectation) return undefined;
    const { acknowledged, possible } = expectation;
    const floor = Number(acknowledged?.resourceVersion ?? 0);
    const matches = (state: ObjectState, exact: boolean): boolean => {
      if (state.present !== actual.present) return false;
      if (!state.present) return true;
      if (state.token !== undefined && state.token !== actual.token) return false;
      if (exact && state.resourceVersion !== undefined) return state.resourceVersion === actual.resourceVersion;
      return Number(actual.resourceVersion ?? 0) >= floor;
    };
    // Before any acknowledged write the object did not exist.
    if (acknowledged === undefined ? !actual.present : matches(acknowledged, true)) return undefined;
    if (possible.some((state) => matches(state, false))) return undefined;
    return `acknowledged ${describe(acknowledged)}${possible.length > 0 ? ` (or one of ${possible.length} unconfirmed writes: ${possible.map(describe).join('; ')})` : ''}, found ${describe(actual)}`;
  }
}
