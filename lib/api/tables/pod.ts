// Pod rows: the READY / STATUS / RESTARTS summary kubectl users read to see how a pod is doing.
import type { Container, ContainerStatus, Pod, PodCondition } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../object.js';
import { ageColumn, column, nameColumn, wide } from './columns.js';
import { parseTimestamp, timestampSince } from './duration.js';
import type { Printer, TableRowCondition } from './types.js';

/** The reason the node lifecycle controller gives pods on a node that stopped reporting. */
const NODE_UNREACHABLE_REASON = 'NodeLost';

const succeeded: TableRowCondition[] = [
  { type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' },
];
const failed: TableRowCondition[] = [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];

/** Sidecars: init containers that keep running beside the app containers. */
function isRestartable(container: Container | undefined): boolean {
  return container?.restartPolicy === 'Always';
}

/** Keeps the latest "finished at" among containers' previous terminations. */
class LastRestart {
  at: number | undefined;
  observe(status: ContainerStatus): void {
    const finished = parseTimestamp(status.lastState?.terminated?.finishedAt);
    if (finished !== undefined && (this.at === undefined || finished > this.at)) this.at = finished;
  }
}

function conditionTrue(conditions: readonly PodCondition[] | undefined, type: string): boolean {
  const condition = conditions?.find((c) => c.type === type);
  return condition?.status === 'True';
}

interface Summary {
  ready: number;
  total: number;
  status: string;
  restarts: number;
  lastRestart: number | undefined;
}

function summarize(pod: Pod): Summary {
  const spec = pod.spec;
  const status = pod.status ?? {};
  const initContainers = spec?.initContainers ?? [];
  const initByName = new Map(initContainers.map((c) => [c.name, c] as const));

  let total = (spec?.containers ?? []).length + initContainers.filter(isRestartable).length;
  let ready = 0;
  let restarts = 0;
  let sidecarRestarts = 0;
  const lastRestart = new LastRestart();
  const lastSidecarRestart = new LastRestart();

  const phase = status.phase ?? '';
  let reason = status.reason || phase;
  if ((status.conditions ?? []).some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) {
    reason = 'SchedulingGated';
  }

  // Init containers run in order; the first one not done explains the pod.
  let initializing = false;
  const initStatuses = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const container = initStatuses[i]!;
    const sidecar = isRestartable(initByName.get(container.name));
    restarts += container.restartCount ?? 0;
    lastRestart.observe(container);
    if (sidecar) {
      sidecarRestarts += container.restartCount ?? 0;
      lastSidecarRestart.observe(container);
    }
    const terminated = container.state?.terminated;
    const waiting = container.state?.waiting;
    if (terminated && (terminated.exitCode ?? 0) === 0) continue;
    if (sidecar && container.started === true) {
      if (container.ready) ready++;
      continue;
    }
    if (terminated) {
      if (terminated.reason) reason = `Init:${terminated.reason}`;
      else if (terminated.signal) reason = `Init:Signal:${terminated.signal}`;
      else reason = `Init:ExitCode:${terminated.exitCode ?? 0}`;
    } else if (waiting?.reason && waiting.reason !== 'PodInitializing') {
      reason = `Init:${waiting.reason}`;
    } else {
      reason = `Init:${i}/${initContainers.length}`;
    }
    initializing = true;
    break;
  }

  let lastRestartAt = lastRestart.at;
  if (!initializing || conditionTrue(status.conditions, 'Initialized')) {
    // Once initialized, only sidecars' restarts still count among the init containers; the
    // app containers' restarts and last termination times are added to theirs.
    restarts = sidecarRestarts;
    let hasRunning = false;
    const statuses = status.containerStatuses ?? [];
    // Walked backwards so the first container's state has the last word.
    for (let i = statuses.length - 1; i >= 0; i--) {
      const container = statuses[i]!;
      restarts += container.restartCount ?? 0;
      lastSidecarRestart.observe(container);
      const waiting = container.state?.waiting;
      const terminated = container.state?.terminated;
      if (waiting?.reason) {
        reason = waiting.reason;
      } else if (terminated?.reason) {
        reason = terminated.reason;
      } else if (terminated) {
        reason = terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${terminated.exitCode ?? 0}`;
      } else if (container.ready && container.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    lastRestartAt = lastSidecarRestart.at;
    // One container finished while another still serves: the pod is not "Completed".
    if (reason === 'Completed' && hasRunning) {
      reason = conditionTrue(status.conditions, 'Ready') ? 'Running' : 'NotReady';
    }
  }

  if (pod.metadata?.deletionTimestamp && status.reason === NODE_UNREACHABLE_REASON) {
    reason = 'Unknown';
  } else if (pod.metadata?.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed') {
    reason = 'Terminating';
  }

  return { ready, total, status: reason, restarts, lastRestart: lastRestartAt };
}

function readinessGates(pod: Pod): string {
  const gates = pod.spec?.readinessGates ?? [];
  if (gates.length === 0) return '<none>';
  const conditions = pod.status?.conditions ?? [];
  const passing = gates.filter((gate) => conditions.find((c) => c.type === gate.conditionType)?.status === 'True').length;
  return `${passing}/${gates.length}`;
}

/** podIP wins over podIPs, as in the v1 to internal conversion that Kubernetes prints from. */
function podIP(pod: Pod): string {
  return pod.status?.podIP || pod.status?.podIPs?.[0]?.ip || '<none>';
}

export const podPrinter: Printer = {
  columns: [
    nameColumn,
    column('Ready', 'string', 'Ready containers out of all containers (sidecars included).'),
    column('Status', 'string', 'The aggregate status of the containers in this pod.'),
    column('Restarts', 'string', 'Container restarts, with how long ago the last one was.'),
    ageColumn,
    wide('IP', 'string', 'The first IP address allocated to the pod.'),
    wide('Node', 'string', 'The node the pod is bound to.'),
    wide('Nominated Node', 'string', 'The node the scheduler nominated after preempting pods for this one.'),
    wide('Readiness Gates', 'string', 'Readiness gates whose condition is True, out of all gates.'),
  ],
  cells(obj: KubeObject, now: Date): unknown[] {
    const pod = obj as Pod;
    const summary = summarize(pod);
    let restarts = String(summary.restarts);
    if (summary.restarts !== 0 && summary.lastRestart !== undefined) {
      restarts = `${summary.restarts} (${timestampSince(new Date(summary.lastRestart), now)} ago)`;
    }
    return [
      pod.metadata?.name ?? '',
      `${summary.ready}/${summary.total}`,
      summary.status,
      restarts,
      timestampSince(pod.metadata?.creationTimestamp, now),
      podIP(pod),
      pod.spec?.nodeName || '<none>',
      pod.status?.nominatedNodeName || '<none>',
      readinessGates(pod),
    ];
  },
  conditions(obj: KubeObject): TableRowCondition[] | undefined {
    const phase = (obj as Pod).status?.phase;
    if (phase === 'Succeeded') return succeeded;
    if (phase === 'Failed') return failed;
    return undefined;
  },
};
