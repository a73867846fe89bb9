// CPU seconds (user + system) a process has used so far, from /proc/PID/stat (Linux), so a
// benchmark can say which of its processes spent the machine's cores in the measured window.
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

/** The CPU seconds in a /proc stat file (a process's or a thread's), and the command it names. */
function readStat(path: string): { name: string; seconds: number } | undefined {
  try {
    const stat = readFileSync(path, 'utf8');
    // Fields after the command (which may hold spaces) start after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), seconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND };
  } catch {
    return undefined;
  }
}

/** undefined when the process is gone or /proc is not there. */
export function processCpuSeconds(pid: number | undefined): number | undefined {
  return pid === undefined ? undefined : readStat(`/proc/${pid}/stat`)?.seconds;
}

/**
 * CPU seconds per thread of a process so far (from /proc/PID/task), summed by thread name, with
 * the main thread (Node's JavaScript thread) apart as "main"; empty when /proc is not there.
 */
export function threadCpuSeconds(pid: number): Record<string, number> {
  const threads: Record<string, number> = {};
  let tids: string[] = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return threads;
  }
  for (const tid of tids) {
    const stat = readStat(`/proc/${pid}/task/${tid}/stat`);
    if (!stat) continue;
    const name = tid === String(pid) ? 'main' : stat.name;
    threads[name] = (threads[name] ?? 0) + stat.seconds;
  }
  return threads;
}
