// Rotation of container logs, as the kubelet's container log manager does it
// (containerLogMaxSize, containerLogMaxFiles): a running container's log past the size is renamed
// to <log>.<YYYYMMDD-hhmmss> and the runtime reopens the file (ReopenContainerLog); rotated files
// but the newest are gzipped, and the oldest go so that at most maxFiles files are kept, the live
// one included.
import { createReadStream, createWriteStream, existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { CriClient } from '../../../../lib/cri/client.js';

export interface LogRotationConfig {
  client: CriClient;
  /** containerLogMaxSize in bytes (Kubernetes' default 10Mi). */
  maxSizeBytes: number;
  /** containerLogMaxFiles, at least 2 (Kubernetes' default 5). */
  maxFiles: number;
  /** Now, in milliseconds (the rotated files' timestamps). */
  now?: () => number;
  warn?: (message: string, fields?: Record<string, unknown>) => void;
}

const COMPRESSED = '.gz';
const TMP = '.tmp';

/** Go's "20060102-150405", in UTC. */
function timestamp(ms: number): string {
  const d = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}-${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}`;
}

export class ContainerLogRotator {
  private readonly now: () => number;

  constructor(private readonly config: LogRotationConfig) {
    if (!Number.isInteger(config.maxFiles) || config.maxFiles < 2) throw new Error(`containerLogMaxFiles must be at least 2, got ${config.maxFiles}`);
    if (!(config.maxSizeBytes > 0)) throw new Error(`containerLogMaxSize must be positive, got ${config.maxSizeBytes}`);
    this.now = config.now ?? Date.now;
  }

  /** One pass over the running containers, rotating the logs past the size. */
  async rotateAll(): Promise<void> {
    const running = await this.config.client.listContainers({ state: { state: 'CONTAINER_RUNNING' } });
    for (const container of running) {
      try {
        const { status } = await this.config.client.containerStatus(container.id);
        if (!status.logPath || !existsSync(status.logPath)) continue;
        if (statSync(status.logPath).size < this.config.maxSizeBytes) continue;
        await this.rotate(container.id, status.logPath);
      } catch (error) {
        this.config.warn?.('could not rotate a container log', { container: container.id, reason: error instanceof Error ? error.message : String(error) });
      }
    }
  }

  /** Rotates one container's log now. */
  async rotate(containerId: string, log: string): Promise<void> {
    let rotated = this.rotatedLogs(log);
    // leftovers of an interrupted pass: partial archives, and files already archived
    for (const file of rotated.filter((f) => f.endsWith(TMP))) rmSync(file, { force: true });
    for (const file of rotated.filter((f) => !f.endsWith(COMPRESSED) && !f.endsWith(TMP))) if (existsSync(`${file}${COMPRESSED}`)) rmSync(file, { force: true });
    rotated = this.rotatedLogs(log).sort(byTimestamp);
    // room for the live log and the one about to be rotated
    const keep = this.config.maxFiles - 2;
    for (const file of rotated.slice(0, Math.max(0, rotated.length - keep))) rmSync(file, { force: true });
    rotated = rotated.slice(Math.max(0, rotated.length - keep));
    for (const file of rotated) if (!file.endsWith(COMPRESSED)) await compress(file);

    const target = `${log}.${timestamp(this.now())}`;
    renameSync(log, target);
    try {
      await this.config.client.reopenContainerLog(containerId);
    } catch (error) {
      // the runtime still writes the renamed file: give it its name back
      renameSync(target, log);
      throw error;
    }
  }

  private rotatedLogs(log: string): string[] {
    const prefix = `${basename(log)}.`;
    return readdirSync(dirname(log))
      .filter((name) => name.startsWith(prefix))
      .map((name) => join(dirname(log), name));
  }
}

function byTimestamp(a: string, b: string): number {
  const key = (file: string): string => file.replace(COMPRESSED, '');
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
}

async function compress(file: string): Promise<void> {
  const tmp = `${file}${COMPRESSED}${TMP}`;
  await pipeline(createReadStream(file), createGzip(), createWriteStream(tmp));
  renameSync(tmp, `${file}${COMPRESSED}`);
  rmSync(file, { force: true });
}
