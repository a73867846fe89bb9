// Starts the real controller-manager (dist/services/controller-manager/main.js) as a child process
// against an apiserver started by startApiserver, on a free loopback health port, and waits for
// /readyz.
import type { ApiserverProcess } from './apiserver-process.js';
import { startComponent, type ComponentProcess, type ComponentStartOptions } from './component-process.js';

export type ControllerManagerProcess = ComponentProcess;

export function startControllerManager(apiserver: ApiserverProcess, extraArgs: string[] = [], options: ComponentStartOptions = {}): Promise<ControllerManagerProcess> {
  return startComponent('controller-manager', apiserver, extraArgs, options);
}
