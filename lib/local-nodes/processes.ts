// Finding and ending the processes a local node left: by pid and start time (never a pid that
// was reused), by a string on the command line (containerd's shims name their containerd's
// socket), and by cgroup (every container process of a node lives under its cgroup parent).
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** Fields 3 and on of /proc/<pid>/stat, or undefined when the process is gone. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** Field 22 of /proc/<pid>/stat (start time in clock ticks since boot), or undefined when gone. */
export function processStartTime(pid: number): string | undefined {
  return statFields(pid)?.[19];
}

/** Running (not a zombie waiting for its reaper) and, when `startTime` is given, the same process. */
function alive(pid: number, startTime: string): boolean {
  const fields = statFields(pid);
  return fields !== undefined && fields[0] !== 'Z' && (startTime === '' || fields[19] === startTime);
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

/** Signals `pid` only when it is still the process that started at `startTime`. */
export function signalIfSame(pid: number, startTime: string, name: NodeJS.Signals): void {
  if (pid > 0 && startTime !== '' && alive(pid, startTime)) signal(pid, name);
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
export async function endProcess(pid: number, startTime: string, graceMs = 5000): Promise<void> {
  if (!alive(pid, startTime)) return;
  signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (alive(pid, startTime) && Date.now() < deadline) await sleep(25);
  while (alive(pid, startTime)) {
    signal(pid, 'SIGKILL');
    await sleep(25);
  }
}

/** Pids whose command line holds `needle` as one of its arguments. */
export function processesWithArgument(needle: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (argv.includes(needle)) out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** SIGKILLs every pid in `pids` and waits (at most `timeoutMs`) until none is left. */
export async function killAll(pids: () => number[], timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = pids().filter((pid) => alive(pid, ''));
    if (left.length === 0) return;
    if (Date.now() > deadline) throw new Error(`processes ${left.join(', ')} did not end`);
    for (const pid of left) signal(pid, 'SIGKILL');
    await sleep(25);
  }
}
