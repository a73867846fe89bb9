// One process of the watch benchmark's simulated kubelets: a watch per node, each selecting that
// node's pods (spec.nodeName), on the bus under test. For every update it receives it records when
// it had it, beside the send time the writer stamped into the pod. Driven over IPC by bench/watch.ts.
import { pino } from 'pino';
import type { KubeObject } from '../../lib/api/object.js';
import { findResource } from '../../lib/api/resources.js';
import type { BusWatch, WatchBus } from '../../lib/bus/bus.js';
import { HttpBus } from '../../lib/bus/http-bus.js';
import { RedisBus } from '../../lib/bus/redis-bus.js';
import { RestClient } from '../../lib/client/rest-client.js';

export interface WorkerConfig {
  bus: 'http' | 'redis';
  server: string;
  caPem: string;
  token: string;
  redisUrl: string;
  namespace: string;
  nodes: string[];
  resourceVersion: string;
}

export type ToWorker = { type: 'start'; config: WorkerConfig } | { type: 'mark' } | { type: 'report' } | { type: 'stop' };
export type FromWorker =
  | { type: 'opened' }
  | { type: 'marked' }
  /** deliveries: [the writer's send stamp, when this process had the event], epoch ms. */
  | { type: 'report'; deliveries: [number, number][]; events: number; failures: number; firstFailure?: string; cpuSeconds: number };

const PODS = findResource('', 'v1', 'pods')!;
const now = (): number => performance.timeOrigin + performance.now();

let bus: WatchBus | undefined;
let client: RestClient | undefined;
const watches: BusWatch[] = [];
const deliveries: [number, number][] = [];
let events = 0;
let failures = 0;
let firstFailure: string | undefined;
let cpuMark = process.cpuUsage();

function send(message: FromWorker): void {
  process.send?.(message);
}

async function follow(watch: BusWatch): Promise<void> {
  try {
    for await (const event of watch) {
      if (event.type !== 'MODIFIED') continue;
      const received = now();
      const annotations = (event.object as KubeObject).metadata?.annotations ?? {};
      events++;
      if (annotations['bench/phase'] === 'measure') deliveries.push([Number(annotations['bench/sent']), received]);
    }
  } catch (error) {
    failures++;
    firstFailure ??= (error as Error).message;
  }
}

function start(config: WorkerConfig): void {
  if (config.bus === 'http') {
    client = new RestClient({ server: config.server, caPem: config.caPem, token: config.token, encoding: 'msgpack', qps: 0 });
    bus = new HttpBus(client, { timeoutSeconds: () => 3600 });
  } else {
    bus = new RedisBus({ url: config.redisUrl, log: pino({ level: 'warn' }) });
  }
  for (const node of config.nodes) {
    const watch = bus.watch({ resource: PODS, namespace: config.namespace, fieldSelector: `spec.nodeName=${node}`, resourceVersion: config.resourceVersion });
    watches.push(watch);
    void follow(watch);
  }
  send({ type: 'opened' });
}

process.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'start':
      start(message.config);
      break;
    case 'mark':
      cpuMark = process.cpuUsage();
      send({ type: 'marked' });
      break;
    case 'report': {
      const cpu = process.cpuUsage(cpuMark);
      send({ type: 'report', deliveries, events, failures, firstFailure, cpuSeconds: (cpu.user + cpu.system) / 1e6 });
      break;
    }
    case 'stop':
      for (const watch of watches) watch.close();
      void Promise.all([bus?.close(), client?.close()]).finally(() => process.exit(0));
      break;
  }
});
