// The real kube-scheduler as the bench's peer: a KubeSchedulerConfiguration whose client
// connection allows 5,000 requests per second with bursts of 10,000 (so the comparison is of
// schedulers, not of client rate limiters), leader election off, against the bench's apiserver.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { componentHandle, type ComponentProcess } from '../harness/component-process.js';
import { captureOutput } from '../process/child.js';

export const PEER_QPS = 5000;
export const PEER_BURST = 10_000;

export function kubeSchedulerConfiguration(kubeconfig: string): string {
  return `apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
clientConnection:
  kubeconfig: ${JSON.stringify(kubeconfig)}
  qps: ${PEER_QPS}
  burst: ${PEER_BURST}
leaderElection:
  leaderElect: false
`;
}

/** Starts kube-scheduler from `binary` and waits until its informers have synced. */
export async function startKubeScheduler(binary: string, kubeconfig: string, dir: string, readyTimeoutMs = 120_000): Promise<ComponentProcess> {
  const config = join(dir, 'kube-scheduler.yaml');
  writeFileSync(config, kubeSchedulerConfiguration(kubeconfig));
  let output = '';
  const child = spawn(binary, ['--config', config, '--secure-port=0', '-v=1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  captureOutput(child, (text) => (output += text));
  const deadline = Date.now() + readyTimeoutMs;
  while (!/Caches are synced|caches populated/i.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`kube-scheduler did not start:\n${output.slice(-4000)}`);
    }
    await sleep(100);
  }
  return componentHandle(child, '', 0, () => output);
}
