// Real local nodes for a test: namespaces on a bridge, each with its containerd, on subnets picked
// at random so concurrent runs do not collide; removed at teardown. `leftovers` counts what a set
// of nodes could leave on the host, to compare with zero after its cleanup.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomInt } from 'node:crypto';
import { rudderCacheDir } from '../../lib/host/cache-dir.js';
import { startContainerd } from '../../lib/local-nodes/containerd-process.js';
import { startLocalNodes, type LocalNode, type LocalNodes } from '../../lib/local-nodes/local-nodes.js';
import { MadeRecord, recordPath } from '../../lib/local-nodes/record.js';
import { mountTable } from '../../lib/host/mounts.js';
import { localNodesUnavailable } from '../../lib/local-nodes/prerequisites.js';
import { criSchemaUpToDate } from '../../build-tools/cri/fetch.js';

function unavailable(): string | undefined {
  return localNodesUnavailable() ?? (criSchemaUpToDate() ? undefined : 'the CRI schema is not built (npm run build)');
}

/**
 * Why real nodes cannot run here (root, containerd, runc, CNI plugins, busybox, the CRI schema),
 * as a test's skip reason; under CI (RUDDER_CI) nothing is skipped: startTestNodes fails instead.
 */
export function localNodesSkip(): string | undefined {
  return process.env.RUDDER_CI ? undefined : unavailable();
}

export interface TestNodes extends LocalNodes {
  dataDir: string;
  /** Starts a node's containerd again after the test ended it (recorded, so stop() ends it too); resolves to its pid once CRI answers. */
  startContainerd(node: LocalNode): Promise<number>;
}

export async function startTestNodes(names: string[]): Promise<TestNodes> {
  const why = unavailable();
  if (why) throw new Error(`${why} (CI installs containerd, runc, busybox-static and containernetworking-plugins)`);
  const dataDir = mkdtempSync(join(tmpdir(), 'rudder-nodes-'));
  const octet = randomInt(1, 250);
  const nodes = await startLocalNodes({
    dataDir,
    cacheDir: rudderCacheDir(),
    names,
    nodeSubnet: `10.213.${octet}.0/24`,
    podSubnet: `10.${100 + randomInt(0, 100)}.0.0/16`,
  });
  return {
    ...nodes,
    dataDir,
    startContainerd: async (node) => (await startContainerd(node, node.containerdConfig, new MadeRecord(recordPath(dataDir)))).pid,
    async stop() {
      await nodes.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** The command lines of the host's running processes (zombies left out). */
export function processArgvs(): string[][] {
  const out: string[][] = [];
  for (const pid of list('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      out.push(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0'));
    } catch {
      // gone
    }
  }
  return out;
}

export interface Leftovers {
  namespaces: number;
  links: number;
  mounts: number;
  containerdProcesses: number;
  cgroups: number;
}

/** What of the nodes with this plan id and data dir exists on the host now. */
export function leftovers(id: string, dataDir: string): Leftovers {
  const stateRoot = `/run/rudder/${id}`;
  const mine = (path: string): boolean => path.startsWith(dataDir) || path.startsWith(stateRoot) || path.includes(`/netns/rudder-${id}-`);
  return {
    namespaces: list('/var/run/netns').filter((name) => name.startsWith(`rudder-${id}-`)).length,
    links: list('/sys/class/net').filter((name) => name.startsWith(`rd${id}-`)).length,
    mounts: mountTable().filter((m) => mine(m.mountPoint)).length,
    containerdProcesses: processArgvs().filter((argv) => argv.some((arg) => arg.startsWith(stateRoot) || arg.startsWith(dataDir))).length,
    cgroups: list('/sys/fs/cgroup').filter((hierarchy) => list(join('/sys/fs/cgroup', hierarchy)).includes(`rudder-${id}`)).length,
  };
}
