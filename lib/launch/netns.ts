// Scratch network namespaces for tests and benchmarks that change iptables or run servers on a node's
// addresses: made with `ip netns add`, processes started in them with nsenter (ip netns exec
// remounts /sys), removed with everything in them at teardown. No route leaves them.
import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Why namespace tests cannot run here, or undefined when they can. */
export function netnsUnavailable(tools: string[] = []): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (network namespaces and iptables)';
  for (const tool of ['ip', 'nsenter', ...tools]) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    } catch {
      return `${tool} is not installed`;
    }
  }
  return undefined;
}

export class NetNs {
  readonly path: string;
  private readonly children: ChildProcess[] = [];

  private constructor(readonly name: string) {
    this.path = `/var/run/netns/${name}`;
  }

  /** A new namespace with its loopback up. */
  static create(prefix: string): NetNs {
    const name = `${prefix}-${process.pid}-${Math.floor(Math.random() * 1e6)}`;
    execFileSync('ip', ['netns', 'add', name]);
    const ns = new NetNs(name);
    ns.run('ip', ['link', 'set', 'lo', 'up']);
    return ns;
  }

  /** Runs a command in the namespace and returns its stdout. */
  run(command: string, args: string[], input?: string | Buffer): string {
    return execFileSync('nsenter', [`--net=${this.path}`, command, ...args], { encoding: 'utf8', input, maxBuffer: 1 << 30, stdio: ['pipe', 'pipe', 'pipe'] });
  }

  /** Starts a long-running process in the namespace; it is killed at `remove`. */
  spawn(command: string, args: string[], options: SpawnOptions = {}): ChildProcess {
    const child = spawn('nsenter', [`--net=${this.path}`, command, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    this.children.push(child);
    return child;
  }

  async remove(): Promise<void> {
    await Promise.all(
      this.children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 5000).unref();
          }),
      ),
    );
    if (existsSync(this.path)) execFileSync('ip', ['netns', 'delete', this.name]);
  }
}
