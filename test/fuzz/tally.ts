// Answers counted by request class (a body format, a patch type): how many were sent, accepted
// (2xx) and refused with each code, so a fuzz run can show that it reached the storage and did
// not just collect 400s; and the commonest reasons for refusals, to see which layer refused.
export class Tally {
  private readonly rows = new Map<string, Map<number, number>>();
  private readonly reasons = new Map<string, number>();

  /** Counts an answer; `reason` (a Status message) is kept in a normalized form. */
  count(label: string, status: number, reason?: string): void {
    const codes = this.rows.get(label) ?? new Map<number, number>();
    codes.set(status, (codes.get(status) ?? 0) + 1);
    this.rows.set(label, codes);
    if (reason !== undefined) {
      const normalized = `${status} ${reason.replace(/"(?:[^"\\]|\\.)*"/g, '"…"').replace(/\d+/g, 'N').slice(0, 110)}`;
      this.reasons.set(normalized, (this.reasons.get(normalized) ?? 0) + 1);
    }
  }

  sent(label: string): number {
    return [...(this.rows.get(label)?.values() ?? [])].reduce((a, b) => a + b, 0);
  }

  accepted(label: string): number {
    return [...(this.rows.get(label)?.entries() ?? [])].filter(([code]) => code >= 200 && code < 300).reduce((a, [, n]) => a + n, 0);
  }

  /** One line per label: sent, accepted and its rate, then the count of each code. */
  lines(): string[] {
    return [...this.rows.keys()].sort().map((label) => {
      const sent = this.sent(label);
      const accepted = this.accepted(label);
      const codes = [...this.rows.get(label)!.entries()].sort(([a], [b]) => a - b).map(([code, n]) => `${code}×${n}`).join(' ');
      return `${label.padEnd(28)} sent ${String(sent).padStart(6)}  accepted ${String(accepted).padStart(6)} (${((100 * accepted) / Math.max(1, sent)).toFixed(1).padStart(5)}%)  ${codes}`;
    });
  }

  /** The `n` commonest refusal reasons, most frequent first. */
  topReasons(n: number): string[] {
    return [...this.reasons.entries()].sort(([, a], [, b]) => b - a).slice(0, n).map(([reason, count]) => `${String(count).padStart(6)}  ${reason}`);
  }
}
