// Preflight checks, kubeadm's model: every check runs before anything is started or made; each
// failure is one line naming the check, what is wrong and what to do; a failure is fatal unless
// --ignore-preflight-errors names its check (case-insensitive) or says `all`, which makes it a
// warning.

export interface PreflightFailure {
  /** The check's name, as --ignore-preflight-errors takes it (e.g. Port-6443, FileExisting-runc). */
  check: string;
  /** One sentence: what is wrong and how to fix it. */
  message: string;
}

/** --ignore-preflight-errors' value: comma-separated check names, or `all`. */
export function parseIgnored(value: string): Set<string> {
  return new Set(value.split(',').map((name) => name.trim().toLowerCase()).filter(Boolean));
}

export interface PreflightOutcome {
  errors: PreflightFailure[];
  warnings: PreflightFailure[];
}

export function sortFailures(failures: readonly PreflightFailure[], ignored: ReadonlySet<string>): PreflightOutcome {
  const isIgnored = (f: PreflightFailure): boolean => ignored.has('all') || ignored.has(f.check.toLowerCase());
  return { errors: failures.filter((f) => !isIgnored(f)), warnings: failures.filter(isIgnored) };
}

/** The lines to print: warnings, then errors, then how to go on anyway; empty when all passed. */
export function formatOutcome(outcome: PreflightOutcome): string[] {
  const lines = [
    ...outcome.warnings.map((f) => `rudder: [preflight] warning ${f.check} (ignored): ${f.message}`),
    ...outcome.errors.map((f) => `rudder: [preflight] ${f.check}: ${f.message}`),
  ];
  if (outcome.errors.length > 0) lines.push(`rudder: [preflight] nothing was started. To go on anyway: --ignore-preflight-errors=${outcome.errors.map((f) => f.check).join(',')}`);
  return lines;
}
