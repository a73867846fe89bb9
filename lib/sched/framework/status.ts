// framework.Status: a code, the reasons (joined by ", " into the message) and the plugin
// that produced it. Codes and their names are kube-scheduler's.

export const Code = {
  Success: 0,
  Error: 1,
  Unschedulable: 2,
  UnschedulableAndUnresolvable: 3,
  Wait: 4,
  Skip: 5,
  Pending: 6,
} as const;
export type Code = (typeof Code)[keyof typeof Code];

const CODE_NAMES = ['Success', 'Error', 'Unschedulable', 'UnschedulableAndUnresolvable', 'Wait', 'Skip', 'Pending'] as const;
export type CodeName = (typeof CODE_NAMES)[number];

export function codeName(code: Code): CodeName {
  return CODE_NAMES[code];
}

/**
 * Immutable. Plugins may keep constant Statuses (created with their own plugin name) and
 * return them from hot loops; the framework stamps the plugin name with `withPlugin`, which
 * allocates only when the name differs.
 */
export class Status {
  readonly code: Code;
  readonly reasons: readonly string[];
  readonly plugin: string;
  readonly error: Error | undefined;

  constructor(code: Code, reasons: readonly string[] = [], plugin = '', error?: Error) {
    this.code = code;
    this.reasons = reasons;
    this.plugin = plugin;
    this.error = error;
  }

  static readonly SUCCESS = new Status(Code.Success);

  static success(): Status {
    return Status.SUCCESS;
  }
  static unschedulable(plugin: string, ...reasons: string[]): Status {
    return new Status(Code.Unschedulable, reasons, plugin);
  }
  static unresolvable(plugin: string, ...reasons: string[]): Status {
    return new Status(Code.UnschedulableAndUnresolvable, reasons, plugin);
  }
  static skip(plugin = ''): Status {
    return new Status(Code.Skip, [], plugin);
  }
  static wait(plugin = '', ...reasons: string[]): Status {
    return new Status(Code.Wait, reasons, plugin);
  }
  /** framework.AsStatus: an Error status carrying the error's message as its reason. */
  static fromError(error: unknown, plugin = ''): Status {
    const e = error instanceof Error ? error : new Error(String(error));
    return new Status(Code.Error, [e.message], plugin, e);
  }

  get codeName(): CodeName {
    return codeName(this.code);
  }
  isSuccess(): boolean {
    return this.code === Code.Success;
  }
  isWait(): boolean {
    return this.code === Code.Wait;
  }
  isSkip(): boolean {
    return this.code === Code.Skip;
  }
  /** Unschedulable, UnschedulableAndUnresolvable or Pending (IsRejected). */
  isRejected(): boolean {
    return this.code === Code.Unschedulable || this.code === Code.UnschedulableAndUnresolvable || this.code === Code.Pending;
  }
  isError(): boolean {
    return this.code === Code.Error;
  }
  /** The reasons joined with ", " (Status.Message). */
  message(): string {
    return this.reasons.join(', ');
  }
  withPlugin(plugin: string): Status {
    return this.plugin === plugin ? this : new Status(this.code, this.reasons, plugin, this.error);
  }
  toString(): string {
    return `${this.codeName}${this.plugin ? ` (${this.plugin})` : ''}: ${this.message()}`;
  }
}

/** null/undefined from a plugin means success, as a nil *Status does in Go. */
export type MaybeStatus = Status | null | undefined;

export function isSuccess(s: MaybeStatus): boolean {
  return s === null || s === undefined || s.code === Code.Success;
}
