// Starts the real kubelet (dist/services/kubelet/main.js) as a child process against an apiserver
// started by startApiserver, on a free loopback port, and waits for /readyz (every node registered).
import type { ApiserverProcess } from './apiserver-process.js';
import { startComponent, type ComponentProcess, type ComponentStartOptions } from './component-process.js';

export type KubeletProcess = ComponentProcess;
export type KubeletStartOptions = Omit<ComponentStartOptions, 'portFlag'>;

export function startKubelet(apiserver: ApiserverProcess, extraArgs: string[] = [], options: KubeletStartOptions = {}): Promise<KubeletProcess> {
  return startComponent('kubelet', apiserver, extraArgs, { ...options, portFlag: '--port' });
}
