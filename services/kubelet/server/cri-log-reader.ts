// Reads a container's log file in the CRI format the runtime writes
// ("<RFC 3339 time> <stdout|stderr> <P|F> <text>" per line, P for a partial line) back into the
// container's output, as the kubelet's ReadLogs does: the last tailLines lines, only those since a
// time, each with its timestamp if asked, at most limitBytes; with follow, new lines as they are
// written until the container has exited, reopening the file when rotation renamed it.
import { open, stat, type FileHandle } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LogOptions } from '../../../lib/api/pod-log-options.js';

interface LogLine {
  time: string;
  text: string;
  /** The runtime wrote the rest of the line in a later record. */
  partial: boolean;
}

const FOLLOW_POLL_MS = 200;

export function parseCriLine(line: string): LogLine | undefined {
  const first = line.indexOf(' ');
  const second = line.indexOf(' ', first + 1);
  const third = line.indexOf(' ', second + 1);
  if (first < 0 || second < 0) return undefined;
  const tag = third < 0 ? line.slice(second + 1) : line.slice(second + 1, third);
  return { time: line.slice(0, first), partial: tag.split(':')[0] === 'P', text: third < 0 ? '' : line.slice(third + 1) };
}

function render(line: LogLine, options: LogOptions): string {
  return `${options.timestamps ? `${line.time} ` : ''}${line.text}${line.partial ? '' : '\n'}`;
}

function wanted(line: LogLine, options: LogOptions): boolean {
  return options.sinceMs === undefined || Date.parse(line.time) >= options.sinceMs;
}

/** The lines of a complete read, tailLines counting whole lines (a partial record joins the next). */
function selectTail(lines: LogLine[], tailLines: number | undefined): LogLine[] {
  if (tailLines === undefined) return lines;
  if (tailLines === 0) return [];
  let whole = 0;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (!lines[i]!.partial) whole++;
    if (whole > tailLines) return lines.slice(i + 1);
  }
  return lines;
}

export interface FollowTarget {
  /** Whether the container still runs (a follow ends once it does not and the file is read). */
  running(): Promise<boolean>;
  signal: AbortSignal;
}

async function inode(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).ino;
  } catch {
    return undefined;
  }
}

/** The container's output from the CRI log at `path`, as chunks of text. */
export async function* readCriLog(path: string, options: LogOptions, follow?: FollowTarget): AsyncGenerator<string> {
  let budget = options.limitBytes ?? Number.POSITIVE_INFINITY;
  const emit = (text: string): string => {
    const bytes = Buffer.byteLength(text);
    if (bytes <= budget) {
      budget -= bytes;
      return text;
    }
    const cut = Buffer.from(text).subarray(0, budget).toString();
    budget = 0;
    return cut;
  };
  let file: FileHandle = await open(path, 'r');
  let fileInode = (await file.stat()).ino;
  let pending = '';
  try {
    const first = (await file.readFile()).toString('utf8');
    let position = Buffer.byteLength(first);
    const end = first.lastIndexOf('\n') + 1;
    pending = first.slice(end);
    const lines = first.slice(0, end).split('\n').slice(0, -1).map(parseCriLine).filter((l): l is LogLine => l !== undefined);
    const out = selectTail(lines, options.tailLines).filter((l) => wanted(l, options)).map((l) => render(l, options)).join('');
    if (out) yield emit(out);
    if (!follow || !options.follow) return;
    let lastCheck = 0;
    while (budget > 0 && !follow.signal.aborted) {
      const buffer = Buffer.alloc(64 * 1024);
      const { bytesRead } = await file.read(buffer, 0, buffer.length, position);
      if (bytesRead > 0) {
        position += bytesRead;
        pending += buffer.subarray(0, bytesRead).toString('utf8');
        const cut = pending.lastIndexOf('\n') + 1;
        const text = pending.slice(0, cut).split('\n').slice(0, -1).map(parseCriLine).filter((l): l is LogLine => l !== undefined && wanted(l, options)).map((l) => render(l, options)).join('');
        pending = pending.slice(cut);
        if (text) yield emit(text);
        continue;
      }
      // Rotated: the runtime writes a new file under the same name once it reopened it.
      const current = await inode(path);
      if (current !== undefined && current !== fileInode) {
        await file.close();
        file = await open(path, 'r');
        fileInode = (await file.stat()).ino;
        position = 0;
        continue;
      }
      if (Date.now() - lastCheck > 1000) {
        lastCheck = Date.now();
        if (!(await follow.running())) {
          // one more read for what the container wrote just before it exited
          const { bytesRead: late } = await file.read(buffer, 0, buffer.length, position);
          if (late === 0) return;
          continue;
        }
      }
      await sleep(FOLLOW_POLL_MS, undefined, { signal: follow.signal }).catch(() => undefined);
    }
  } finally {
    await file.close();
  }
}
