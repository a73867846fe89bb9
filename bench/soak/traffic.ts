// Requests counted by class (valid writes, hostile bodies, bad tokens, ...) and by answer: the
// status code, or the error of a request that got no answer. 5xx answers are sorted as a client
// must read them: 503 (no leader or no quorum: expected while a replica is down and an election
// runs), 504 (a write or quorum read that timed out: likewise) and any other 5xx, which is a
// server fault; a few of those are kept with what was sent.
import type { Outcome } from './http.js';

export interface FiveHundreds {
  unavailable503: number;
  timeout504: number;
  other: number;
  /** The first unexpected 5xx answers, with their class and message. */
  samples: string[];
}

export class Traffic {
  private readonly counts = new Map<string, Map<string, number>>();
  readonly fiveHundreds: FiveHundreds = { unavailable503: 0, timeout504: 0, other: 0, samples: [] };

  record(klass: string, outcome: Outcome, what = ''): void {
    const code = outcome.kind === 'answer' ? String(outcome.status) : `error:${outcome.error}`;
    const byCode = this.counts.get(klass) ?? new Map<string, number>();
    byCode.set(code, (byCode.get(code) ?? 0) + 1);
    this.counts.set(klass, byCode);
    if (outcome.kind !== 'answer' || outcome.status < 500) return;
    if (outcome.status === 503) this.fiveHundreds.unavailable503++;
    else if (outcome.status === 504) this.fiveHundreds.timeout504++;
    else {
      this.fiveHundreds.other++;
      if (this.fiveHundreds.samples.length < 20) this.fiveHundreds.samples.push(`${klass} ${what}: ${outcome.status} ${outcome.body.toString('utf8').slice(0, 400)}`);
    }
  }

  total(klass?: string): number {
    const rows = klass === undefined ? [...this.counts.values()] : [this.counts.get(klass) ?? new Map<string, number>()];
    return rows.reduce((sum, byCode) => sum + [...byCode.values()].reduce((a, b) => a + b, 0), 0);
  }

  /** { class: { code: count } }, codes sorted. */
  toJSON(): Record<string, Record<string, number>> {
    const out: Record<string, Record<string, number>> = {};
    for (const [klass, byCode] of [...this.counts.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      out[klass] = Object.fromEntries([...byCode.entries()].sort(([a], [b]) => a.localeCompare(b)));
    }
    return out;
  }
}
