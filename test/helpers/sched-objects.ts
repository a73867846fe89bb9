// Small builders for scheduler tests: nodes and pods with just the fields a case needs.
import type { Container, Node, Pod, Taint, Toleration } from 'kubernetes-types/core/v1.js';

export interface NodeSpec {
  cpu?: string;
  memory?: string;
  pods?: string;
  labels?: Record<string, string>;
  taints?: Taint[];
  unschedulable?: boolean;
  images?: { names: string[]; sizeBytes: number }[];
  extra?: Record<string, string>;
}

export function makeNode(name: string, s: NodeSpec = {}): Node {
  const allocatable: Record<string, string> = { cpu: s.cpu ?? '4', memory: s.memory ?? '8Gi', pods: s.pods ?? '110', ...(s.extra ?? {}) };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(s.labels ?? {}) } },
    spec: { ...(s.taints ? { taints: s.taints } : {}), ...(s.unschedulable ? { unschedulable: true } : {}) },
    status: { allocatable, capacity: allocatable, ...(s.images ? { images: s.images } : {}) },
  };
}

export interface PodSpecInput {
  namespace?: string;
  containers?: { cpu?: string; memory?: string; image?: string; hostPort?: number; extra?: Record<string, string> }[];
  nodeName?: string;
  priority?: number;
  tolerations?: Toleration[];
  nodeSelector?: Record<string, string>;
  affinity?: NonNullable<Pod['spec']>['affinity'];
  labels?: Record<string, string>;
  uid?: string;
}

export function makePod(name: string, s: PodSpecInput = {}): Pod {
  const containers: Container[] = (s.containers ?? [{}]).map((c, i) => {
    const requests: Record<string, string> = { ...(c.extra ?? {}) };
    if (c.cpu) requests.cpu = c.cpu;
    if (c.memory) requests.memory = c.memory;
    return {
      name: `c${i}`,
      image: c.image ?? 'busybox',
      resources: Object.keys(requests).length > 0 ? { requests } : {},
      ...(c.hostPort ? { ports: [{ containerPort: c.hostPort, hostPort: c.hostPort }] } : {}),
    };
  });
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: s.namespace ?? 'default', uid: s.uid ?? `uid-${name}`, labels: s.labels ?? {} },
    spec: {
      containers,
      ...(s.nodeName ? { nodeName: s.nodeName } : {}),
      ...(s.priority !== undefined ? { priority: s.priority } : {}),
      ...(s.tolerations ? { tolerations: s.tolerations } : {}),
      ...(s.nodeSelector ? { nodeSelector: s.nodeSelector } : {}),
      ...(s.affinity ? { affinity: s.affinity } : {}),
    },
  };
}
