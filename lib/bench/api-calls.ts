// The bench's own API calls, timed as clusterloader2's APIResponsiveness groups them: by verb
// (POST, GET, LIST, PUT, PATCH, DELETE, DELETECOLLECTION), resource and scope (a single object, a namespace, the
// cluster). A call's latency runs from the request to its answer, retries included, as a
// client sees it; a failed call counts too.
import { summarize, type LatencySummary } from '../observe/latency-summary.js';

export type Verb = 'POST' | 'GET' | 'LIST' | 'PUT' | 'PATCH' | 'DELETE' | 'DELETECOLLECTION';
export type Scope = 'resource' | 'namespace' | 'cluster';

export interface ApiCallSample {
  /** Milliseconds since the run started, when the call was made. */
  atMs: number;
  latencyMs: number;
}

export interface ApiCallGroup extends LatencySummary {
  verb: Verb;
  resource: string;
  scope: Scope;
  errors: number;
}

/** Single-object writes: the mutating calls Kubernetes' API call latency SLO covers (not collections). */
const MUTATING = new Set<Verb>(['POST', 'PUT', 'PATCH', 'DELETE']);
export const isMutating = (verb: Verb): boolean => MUTATING.has(verb);

export class ApiCallRecorder {
  private readonly groups = new Map<string, { verb: Verb; resource: string; scope: Scope; samples: ApiCallSample[]; errors: number }>();

  constructor(private readonly now: () => number) {}

  /** Runs `call`, recording its latency under verb, resource and scope; rethrows its error. */
  async timed<T>(verb: Verb, resource: string, scope: Scope, call: () => Promise<T>): Promise<T> {
    const key = `${verb} ${resource} ${scope}`;
    let group = this.groups.get(key);
    if (!group) this.groups.set(key, (group = { verb, resource, scope, samples: [], errors: 0 }));
    const start = this.now();
    try {
      return await call();
    } catch (error) {
      group.errors++;
      throw error;
    } finally {
      group.samples.push({ atMs: start, latencyMs: this.now() - start });
    }
  }

  summary(): ApiCallGroup[] {
    return [...this.groups.values()]
      .map((g) => ({ verb: g.verb, resource: g.resource, scope: g.scope, errors: g.errors, ...summarize(g.samples.map((s) => s.latencyMs)) }))
      .sort((a, b) => `${a.resource} ${a.verb} ${a.scope}`.localeCompare(`${b.resource} ${b.verb} ${b.scope}`));
  }

  /** Every latency of the calls, sorted, per verb (for distributions). */
  latenciesByVerb(): Map<Verb, number[]> {
    const out = new Map<Verb, number[]>();
    for (const g of this.groups.values()) out.set(g.verb, [...(out.get(g.verb) ?? []), ...g.samples.map((s) => s.latencyMs)]);
    for (const values of out.values()) values.sort((a, b) => a - b);
    return out;
  }
}
