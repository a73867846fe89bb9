// Starts the real scheduler (dist/services/scheduler/main.js) as a child process against an
// apiserver started by startApiserver, on a free loopback health port, and waits for /readyz.
import type { ApiserverProcess } from './apiserver-process.js';
import { startComponent, type ComponentProcess, type ComponentStartOptions } from './component-process.js';

export type SchedulerProcess = ComponentProcess;
export type SchedulerStartOptions = ComponentStartOptions;

export function startScheduler(apiserver: ApiserverProcess, extraArgs: string[] = [], options: SchedulerStartOptions = {}): Promise<SchedulerProcess> {
  return startComponent('scheduler', apiserver, extraArgs, options);
}
