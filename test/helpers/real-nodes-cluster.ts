// `rudder up --nodes 2` for a whole-cluster story: why it cannot run here (a skip reason), the
// cluster on a node network of its own (tests run side by side) removed at teardown, and the
// Deployment of small HTTP servers (each answers with its pod's name) the stories put on it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomInt } from 'node:crypto';
import type { Test } from 'tap';
import { NODE_IMAGE } from '../../lib/images/local-images.js';
import { freePort } from '../../lib/process/ports.js';
import { localNodesSkip } from './local-nodes.js';
import { rudder, type RudderRun } from './rudder-cli.js';

/** Why the story cannot run here (localNodesSkip: root, containerd, runc, iptables-restore, the CNI plugins, ...). */
export function realNodesClusterSkip(): string | undefined {
  return localNodesSkip();
}

/**
 * Starts the cluster (detached) in a new data dir with free ports and `extraArgs` (e.g. --apiservers 3);
 * `rudder down` and the data dir's removal at teardown. `upAgain` runs the same `rudder up` once more.
 */
export async function upWithRealNodes(t: Test, env: NodeJS.ProcessEnv = process.env, extraArgs: string[] = []): Promise<{ up: RudderRun; dataDir: string; kubeconfig: string; upAgain: () => RudderRun }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'rudder-nodes-'));
  t.teardown(() => {
    rudder(['down', '--data-dir', dataDir]);
    rmSync(dataDir, { recursive: true, force: true });
  });
  const args = [
    'up', '--detach', '--data-dir', dataDir, '--port', String(await freePort()),
    '--scheduler-port', String(await freePort()), '--controller-manager-port', String(await freePort()), '--kubelet-port', String(await freePort()),
    '--nodes', '2', '--node-subnet', `10.213.${randomInt(1, 250)}.0/24`, ...extraArgs,
  ];
  const upAgain = (): RudderRun => rudder(args, { env, timeoutMs: 150_000 });
  return { up: upAgain(), dataDir, kubeconfig: join(dataDir, 'kubeconfig'), upAgain };
}

/** The host's KUBE-* chains (the nodes' are in their namespaces and must never appear here). */
export function hostKubeChains(): string[] {
  const saved = spawnSync('iptables-save', [], { encoding: 'utf8' }).stdout ?? '';
  return saved.split('\n').filter((line) => /^:KUBE-/.test(line)).map((line) => line.split(' ')[0]!).sort();
}

/** An HTTP server on 8080 answering every request with the pod's name. */
const WEB_SERVER = "require('http').createServer((q, s) => s.end(require('os').hostname())).listen(8080)";

/** Deployment `web` (label app=web) of two such servers, ready once they listen; `podSpec` adds to each pod's spec. */
export function webDeployment(podSpec: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [{ name: 'web', image: NODE_IMAGE, command: ['node', '-e', WEB_SERVER], ports: [{ name: 'http', containerPort: 8080 }], readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 } }],
          ...podSpec,
        },
      },
    },
  };
}
