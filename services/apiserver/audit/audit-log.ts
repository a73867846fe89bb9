// Where audit events go: one JSON line each, to a file rotated by size (kube-apiserver's
// --audit-log-path, --audit-log-maxsize in megabytes, --audit-log-maxbackup files), through
// rotating-file-stream, or to standard output for the path "-".
import { basename, dirname } from 'node:path';
import { mkdirSync } from 'node:fs';
import { createStream, type RotatingFileStream } from 'rotating-file-stream';

export interface AuditLogOptions {
  path: string;
  /** Megabytes a file grows to before it is rotated (0: never). */
  maxSizeMegabytes: number;
  /** Rotated files kept (0: no limit). */
  maxBackups: number;
}

export interface AuditSink {
  write(event: object): void;
  close(): Promise<void>;
}

/** rotating-file-stream's names for rotated files: audit.log.1, audit.log.2, ... (the live file keeps its name). */
function rotatedName(file: string) {
  return (time: number | Date | null, index?: number): string => (time === null ? file : `${file}.${index ?? 1}`);
}

export function openAuditLog(options: AuditLogOptions): AuditSink {
  if (options.path === '-') {
    return {
      write: (event) => void process.stdout.write(`${JSON.stringify(event)}\n`),
      close: async () => {},
    };
  }
  mkdirSync(dirname(options.path), { recursive: true });
  const stream: RotatingFileStream = createStream(rotatedName(basename(options.path)), {
    path: dirname(options.path),
    ...(options.maxSizeMegabytes > 0 ? { size: `${options.maxSizeMegabytes}M` } : {}),
    ...(options.maxBackups > 0 ? { maxFiles: options.maxBackups } : {}),
  });
  return {
    write: (event) => void stream.write(`${JSON.stringify(event)}\n`),
    close: () => new Promise<void>((resolve) => stream.end(() => resolve())),
  };
}
