// The real kube-scheduler as the bench's peer: a KubeSchedulerConfiguration whose client
// connection allows 5,000 requests per second with bursts of 10,000 (so the comparison is of
// schedulers, not of client rate limiters), leader election off, against the bench's apiserver.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { componentHandle, type ComponentProcess } from '../launch/component-process.js';
import { captureOutput } from '../process/child.js';
import { freePort } from '../process/ports.js';
import { probe } from '../process/probe.js';

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

/**
 * Starts kube-scheduler from `binary` on a free loopback port, serving with the self-signed
 * certificate it writes to `dir`, and waits until its /readyz (informers synced) answers 200.
 */
export async function startKubeScheduler(binary: string, kubeconfig: string, dir: string, readyTimeoutMs = 120_000): Promise<ComponentProcess> {
  const config = join(dir, 'kube-scheduler.yaml');
  writeFileSync(config, kubeSchedulerConfiguration(kubeconfig));
  const port = await freePort();
  let output = '';
  const child = spawn(binary, ['--config', config, '--bind-address', '127.0.0.1', '--secure-port', String(port), '--cert-dir', dir, '-v=1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  captureOutput(child, (text) => (output += text));
  const url = `https://127.0.0.1:${port}`;
  const certificate = join(dir, 'kube-scheduler.crt');
  const deadline = Date.now() + readyTimeoutMs;
  while (!(existsSync(certificate) && (await probe(`${url}/readyz`, readFileSync(certificate, 'utf8'))))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`kube-scheduler did not become ready:\n${output.slice(-4000)}`);
    }
    await sleep(200);
  }
  return componentHandle(child, url, port, () => output);
}
