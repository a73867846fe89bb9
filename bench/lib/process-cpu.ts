// CPU seconds (user + system) a process has used so far, from /proc/PID/stat (Linux), so a
// benchmark can say which of its processes spent the machine's cores in the measured window.
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

/** undefined when the process is gone or /proc is not there. */
export function processCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command (which may hold spaces) start after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}
