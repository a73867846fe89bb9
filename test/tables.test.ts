import t from 'tap';
import { RESOURCES, findResource, type ResourceInfo } from '../lib/api/resources.js';
import type { KubeObject } from '../lib/api/object.js';
import { isStatusError } from '../lib/api/status.js';
import { negotiate } from '../lib/api/negotiate.js';
import {
  buildTable,
  hasPrinter,
  humanDuration,
  parseIncludeObject,
  tableColumns,
  tableRow,
  type TableColumn,
} from '../lib/api/tables/index.js';

const NOW = new Date('2024-05-01T12:00:00Z');
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The timestamp `ms` before NOW, as the apiserver writes it. */
function ago(ms: number): string {
  return new Date(NOW.getTime() - ms).toISOString().replace('.000Z', 'Z');
}

function info(group: string, resource: string): ResourceInfo {
  const found = findResource(group, 'v1', resource);
  if (!found) throw new Error(`no resource ${group}/${resource}`);
  return found;
}

const pods = info('', 'pods');

function cells(resource: ResourceInfo, obj: KubeObject): unknown[] {
  return tableRow(resource, obj, NOW).cells;
}

function header(columns: TableColumn[], wideToo: boolean): string[] {
  return columns.filter((c) => wideToo || c.priority === 0).map((c) => c.name);
}

t.test('ages follow HumanDuration: seconds up to 2m, then m+s, m, h+m, h, d+h, d, y+d', async (t) => {
  const cases: [number, string][] = [
    [0, '0s'],
    [-1 * SECOND, '0s'],
    [-2 * SECOND, '<invalid>'],
    [999, '0s'],
    [59 * SECOND, '59s'],
    [119 * SECOND, '119s'],
    [2 * MINUTE, '2m'],
    [200 * SECOND, '3m20s'],
    [9 * MINUTE + 59 * SECOND, '9m59s'],
    [10 * MINUTE + 30 * SECOND, '10m'],
    [179 * MINUTE, '179m'],
    [3 * HOUR, '3h'],
    [3 * HOUR + 5 * MINUTE, '3h5m'],
    [7 * HOUR + 59 * MINUTE, '7h59m'],
    [8 * HOUR + 30 * MINUTE, '8h'],
    [47 * HOUR, '47h'],
    [48 * HOUR, '2d'],
    [50 * HOUR, '2d2h'],
    [7 * DAY + 23 * HOUR, '7d23h'],
    [8 * DAY + 5 * HOUR, '8d'],
    [729 * DAY, '729d'],
    [730 * DAY, '2y'],
    [731 * DAY, '2y1d'],
    [8 * 365 * DAY + 40 * DAY, '8y'],
  ];
  for (const [ms, text] of cases) t.equal(humanDuration(ms), text, `${ms}ms`);
});

t.test('pod columns: five shown, four more with -o wide', async (t) => {
  const columns = tableColumns(pods);
  t.same(header(columns, false), ['Name', 'Ready', 'Status', 'Restarts', 'Age']);
  t.same(header(columns, true), ['Name', 'Ready', 'Status', 'Restarts', 'Age', 'IP', 'Node', 'Nominated Node', 'Readiness Gates']);
  t.equal(columns[0]!.format, 'name');
  t.equal(columns[3]!.type, 'string');
});

t.test('running pod with one of two containers not ready and a restart 5m ago', async (t) => {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-7d4b9c-x2x9k', namespace: 'default', creationTimestamp: ago(2 * DAY + 3 * HOUR) },
    spec: { nodeName: 'node-1', containers: [{ name: 'app', image: 'nginx:1.25' }, { name: 'proxy', image: 'envoy:1.29' }] },
    status: {
      phase: 'Running',
      podIP: '10.244.1.7',
      podIPs: [{ ip: '10.244.1.7' }],
      conditions: [{ type: 'Ready', status: 'False' }],
      containerStatuses: [
        { name: 'app', ready: true, restartCount: 0, image: 'nginx:1.25', imageID: '', state: { running: { startedAt: ago(2 * DAY) } } },
        {
          name: 'proxy',
          ready: false,
          restartCount: 3,
          image: 'envoy:1.29',
          imageID: '',
          state: { running: { startedAt: ago(5 * MINUTE) } },
          lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(5 * MINUTE) } },
        },
      ],
    },
  };
  t.same(cells(pods, pod), ['web-7d4b9c-x2x9k', '1/2', 'Running', '3 (5m ago)', '2d3h', '10.244.1.7', 'node-1', '<none>', '<none>']);
  t.equal(tableRow(pods, pod, NOW).conditions, undefined, 'running pods carry no row conditions');
});

t.test('pod status reasons kubectl users know', async (t) => {
  const base = (status: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    metadata: { name: 'p', creationTimestamp: ago(30 * SECOND), ...extra },
    spec: { containers: [{ name: 'app', image: 'busybox' }] },
    status,
  });

  t.test('ContainerCreating while the image is pulled', async (t) => {
    const pod = base({ phase: 'Pending', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }] });
    t.same(cells(pods, pod).slice(0, 5), ['p', '0/1', 'ContainerCreating', '0', '30s']);
  });

  t.test('Pending before the scheduler placed it', async (t) => {
    const pod = base({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }] });
    t.same(cells(pods, pod).slice(1, 4), ['0/1', 'Pending', '0']);
    t.same(cells(pods, pod).slice(5), ['<none>', '<none>', '<none>', '<none>']);
  });

  t.test('SchedulingGated while scheduling gates remain', async (t) => {
    const pod = base({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] });
    t.equal(cells(pods, pod)[2], 'SchedulingGated');
  });

  t.test('Completed, with a Completed row condition', async (t) => {
    const pod = base({
      phase: 'Succeeded',
      containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
    });
    t.same(cells(pods, pod).slice(1, 4), ['0/1', 'Completed', '0']);
    t.same(tableRow(pods, pod, NOW).conditions, [
      { type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' },
    ]);
  });

  t.test('CrashLoopBackOff with restarts and when the last one was', async (t) => {
    const pod = base({
      phase: 'Running',
      containerStatuses: [
        {
          name: 'app',
          ready: false,
          restartCount: 5,
          state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 2m40s restarting failed container' } },
          lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(42 * SECOND) } },
        },
      ],
    });
    t.same(cells(pods, pod).slice(1, 4), ['0/1', 'CrashLoopBackOff', '5 (42s ago)']);
  });

  t.test('restarts without a recorded termination time carry no "ago"', async (t) => {
    const pod = base({ phase: 'Running', containerStatuses: [{ name: 'app', ready: true, restartCount: 2, state: { running: {} } }] });
    t.same(cells(pods, pod).slice(1, 4), ['1/1', 'Running', '2']);
  });

  t.test('ExitCode and Signal when a container ended without a reason', async (t) => {
    const exit = base({ phase: 'Failed', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { terminated: { exitCode: 137 } } }] });
    t.equal(cells(pods, exit)[2], 'ExitCode:137');
    t.equal(tableRow(pods, exit, NOW).conditions?.[0]?.reason, 'Failed');
    const signal = base({ phase: 'Failed', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, signal: 9 } } }] });
    t.equal(cells(pods, signal)[2], 'Signal:9');
  });

  t.test('Evicted pods show the pod reason', async (t) => {
    const pod = base({ phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' });
    t.equal(cells(pods, pod)[2], 'Evicted');
  });

  t.test('Terminating once deletion started, whatever the containers say', async (t) => {
    const pod = base(
      { phase: 'Running', containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: { running: {} } }] },
      { deletionTimestamp: ago(3 * SECOND), deletionGracePeriodSeconds: 30 },
    );
    t.same(cells(pods, pod).slice(1, 3), ['1/1', 'Terminating']);
  });

  t.test('a finished pod being deleted keeps its phase', async (t) => {
    const pod = base(
      { phase: 'Succeeded', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }] },
      { deletionTimestamp: ago(3 * SECOND) },
    );
    t.equal(cells(pods, pod)[2], 'Completed');
  });

  t.test('Unknown for a pod being deleted on a lost node', async (t) => {
    const pod = base({ phase: 'Running', reason: 'NodeLost' }, { deletionTimestamp: ago(SECOND) });
    t.equal(cells(pods, pod)[2], 'Unknown');
  });

  t.test('one container Completed while another still runs', async (t) => {
    const status = (ready: 'True' | 'False') => ({
      phase: 'Running',
      conditions: [{ type: 'Ready', status: ready }],
      containerStatuses: [
        { name: 'app', ready: true, restartCount: 0, state: { running: {} } },
        { name: 'job', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } },
      ],
    });
    const twoContainers = { containers: [{ name: 'app' }, { name: 'job' }] };
    t.same(cells(pods, { ...base(status('True')), spec: twoContainers }).slice(1, 3), ['1/2', 'Running']);
    t.same(cells(pods, { ...base(status('False')), spec: twoContainers }).slice(1, 3), ['1/2', 'NotReady']);
  });

  t.test('readiness gates count the True conditions', async (t) => {
    const pod = {
      ...base({
        phase: 'Running',
        podIPs: [{ ip: 'fd00::7' }],
        nominatedNodeName: 'node-3',
        conditions: [
          { type: 'example.com/lb-ready', status: 'True' },
          { type: 'example.com/dns-ready', status: 'False' },
        ],
      }),
      spec: {
        nodeName: 'node-2',
        containers: [{ name: 'app' }],
        readinessGates: [{ conditionType: 'example.com/lb-ready' }, { conditionType: 'example.com/dns-ready' }],
      },
    };
    t.same(cells(pods, pod).slice(5), ['fd00::7', 'node-2', 'node-3', '1/2']);
  });

  t.test('a pod without a creation time has an unknown age', async (t) => {
    t.equal(cells(pods, { metadata: { name: 'p' }, spec: { containers: [] } })[4], '<unknown>');
  });
});

t.test('init containers', async (t) => {
  const spec = {
    initContainers: [{ name: 'migrate', image: 'migrate:1' }, { name: 'warm', image: 'warm:1' }],
    containers: [{ name: 'app', image: 'app:1' }],
  };
  const pod = (initContainerStatuses: unknown[], extra: Record<string, unknown> = {}) => ({
    metadata: { name: 'p', creationTimestamp: ago(MINUTE) },
    spec,
    status: {
      phase: 'Pending',
      initContainerStatuses,
      containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } }],
      ...extra,
    },
  });

  t.test('Init:0/2 while the first one runs', async (t) => {
    const p = pod([
      { name: 'migrate', ready: false, restartCount: 0, state: { running: {} } },
      { name: 'warm', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } },
    ]);
    t.same(cells(pods, p).slice(1, 4), ['0/1', 'Init:0/2', '0']);
  });

  t.test('Init:1/2 once the first one succeeded', async (t) => {
    const p = pod([
      { name: 'migrate', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } },
      { name: 'warm', ready: false, restartCount: 0, state: { running: {} } },
    ]);
    t.equal(cells(pods, p)[2], 'Init:1/2');
  });

  t.test('Init:CrashLoopBackOff and Init:Error count init restarts', async (t) => {
    const crash = pod([
      {
        name: 'migrate',
        ready: false,
        restartCount: 4,
        state: { waiting: { reason: 'CrashLoopBackOff' } },
        lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(3 * MINUTE + 20 * SECOND) } },
      },
      { name: 'warm', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } },
    ]);
    t.same(cells(pods, crash).slice(1, 4), ['0/1', 'Init:CrashLoopBackOff', '4 (3m20s ago)']);
    const error = pod([{ name: 'migrate', ready: false, restartCount: 0, state: { terminated: { exitCode: 2, reason: 'Error' } } }]);
    t.equal(cells(pods, error)[2], 'Init:Error');
    const exit = pod([{ name: 'migrate', ready: false, restartCount: 0, state: { terminated: { exitCode: 3 } } }]);
    t.equal(cells(pods, exit)[2], 'Init:ExitCode:3');
  });

  t.test('a started sidecar counts toward READY and does not hold the pod in Init', async (t) => {
    const p = {
      metadata: { name: 'p', creationTimestamp: ago(MINUTE) },
      spec: { initContainers: [{ name: 'mesh', image: 'mesh:1', restartPolicy: 'Always' }], containers: [{ name: 'app', image: 'app:1' }] },
      status: {
        phase: 'Running',
        conditions: [
          { type: 'Initialized', status: 'True' },
          { type: 'Ready', status: 'True' },
        ],
        initContainerStatuses: [
          {
            name: 'mesh',
            ready: true,
            started: true,
            restartCount: 1,
            state: { running: {} },
            lastState: { terminated: { exitCode: 1, finishedAt: ago(9 * MINUTE) } },
          },
        ],
        containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: { running: {} } }],
      },
    };
    t.same(cells(pods, p).slice(1, 4), ['2/2', 'Running', '1 (9m ago)']);
  });
});

t.test('services', async (t) => {
  const services = info('', 'services');
  t.same(header(tableColumns(services), true), ['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age', 'Selector']);
  const svc = (name: string, spec: Record<string, unknown>, status: Record<string, unknown> = {}) => ({
    metadata: { name, creationTimestamp: ago(45 * DAY) },
    spec,
    status,
  });

  t.same(
    cells(services, svc('kubernetes', { type: 'ClusterIP', clusterIP: '10.96.0.1', clusterIPs: ['10.96.0.1'], ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }] })),
    ['kubernetes', 'ClusterIP', '10.96.0.1', '<none>', '443/TCP', '45d', '<none>'],
  );
  t.same(
    cells(
      services,
      svc('web', {
        type: 'NodePort',
        clusterIPs: ['10.96.12.7'],
        selector: { tier: 'front', app: 'web' },
        ports: [
          { name: 'http', port: 80, nodePort: 30080, protocol: 'TCP' },
          { name: 'dns', port: 53, nodePort: 30053, protocol: 'UDP' },
        ],
      }),
    ),
    ['web', 'NodePort', '10.96.12.7', '<none>', '80:30080/TCP,53:30053/UDP', '45d', 'app=web,tier=front'],
  );
  t.same(
    cells(
      services,
      svc(
        'shop',
        { type: 'LoadBalancer', clusterIP: '10.96.3.3', ports: [{ port: 443, nodePort: 31443, protocol: 'TCP' }], selector: { app: 'shop' } },
        { loadBalancer: { ingress: [{ ip: '203.0.113.10' }, { ip: '198.51.100.4' }, { ip: '203.0.113.10' }] } },
      ),
    ).slice(1, 5),
    ['LoadBalancer', '10.96.3.3', '198.51.100.4,203.0.113.10', '443:31443/TCP'],
  );
  t.equal(
    cells(services, svc('lb', { type: 'LoadBalancer', clusterIP: '10.96.3.4', ports: [{ port: 80, nodePort: 30001 }] }))[3],
    '<pending>',
    'no ingress yet',
  );
  t.equal(
    cells(
      services,
      svc(
        'lb2',
        { type: 'LoadBalancer', clusterIP: '10.96.3.5', externalIPs: ['192.0.2.9'], ports: [{ port: 80 }] },
        { loadBalancer: { ingress: [{ hostname: 'a1b2c3-very-long-name.elb.example.com' }] } },
      ),
    )[3],
    'a1b2c3-very-long-name.elb.example.com,192.0.2.9',
    'hostnames when there is no IP, never clipped by the server',
  );
  t.same(cells(services, svc('db', { type: 'ExternalName', externalName: 'db.example.com' })).slice(1, 5), ['ExternalName', '<none>', 'db.example.com', '<none>']);
  t.same(
    cells(services, svc('pg', { clusterIP: 'None', ports: [{ port: 5432, protocol: 'TCP' }], externalIPs: ['192.0.2.1', '192.0.2.2'] })).slice(1, 5),
    ['ClusterIP', 'None', '192.0.2.1,192.0.2.2', '5432/TCP'],
    'headless, with the defaulted type',
  );
});

t.test('deployment mid-rollout', async (t) => {
  const deployments = info('apps', 'deployments');
  t.same(header(tableColumns(deployments), false), ['Name', 'Ready', 'Up-to-date', 'Available', 'Age']);
  t.same(header(tableColumns(deployments), true).slice(5), ['Containers', 'Images', 'Selector']);
  const deployment = {
    metadata: { name: 'web', creationTimestamp: ago(6 * HOUR + 10 * MINUTE) },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'track', operator: 'In', values: ['stable', 'canary'] }] },
      template: { spec: { containers: [{ name: 'app', image: 'nginx:1.26' }, { name: 'proxy', image: 'envoy:1.29' }] } },
    },
    status: { replicas: 4, updatedReplicas: 1, readyReplicas: 2, availableReplicas: 2, unavailableReplicas: 2 },
  };
  t.same(cells(deployments, deployment), ['web', '2/3', 1, 2, '6h10m', 'app,proxy', 'nginx:1.26,envoy:1.29', 'app=web,track in (canary,stable)']);
  const fresh = { metadata: { name: 'new' }, spec: { selector: {}, template: { spec: { containers: [] } } } };
  t.same(cells(deployments, fresh), ['new', '0/1', 0, 0, '<unknown>', '', '', ''], 'defaults: one replica, empty selector prints empty');
});

t.test('replica sets and daemon sets', async (t) => {
  const replicaSets = info('apps', 'replicasets');
  t.same(header(tableColumns(replicaSets), true), ['Name', 'Desired', 'Current', 'Ready', 'Age', 'Containers', 'Images', 'Selector']);
  const rs = {
    metadata: { name: 'web-7d4b9c', creationTimestamp: ago(90 * SECOND) },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web', 'pod-template-hash': '7d4b9c' }, matchExpressions: [{ key: 'legacy', operator: 'DoesNotExist' }] },
      template: { spec: { containers: [{ name: 'app', image: 'nginx:1.26' }] } },
    },
    status: { replicas: 3, readyReplicas: 1 },
  };
  t.same(cells(replicaSets, rs), ['web-7d4b9c', 3, 3, 1, '90s', 'app', 'nginx:1.26', 'app=web,!legacy,pod-template-hash=7d4b9c']);
  t.equal(cells(replicaSets, { ...rs, spec: { ...rs.spec, selector: { matchExpressions: [{ key: 'a', operator: 'Near' }] } } })[7], '<error>');

  const daemonSets = info('apps', 'daemonsets');
  t.same(header(tableColumns(daemonSets), false), ['Name', 'Desired', 'Current', 'Ready', 'Up-to-date', 'Available', 'Node Selector', 'Age']);
  const ds = {
    metadata: { name: 'kube-proxy', creationTimestamp: ago(12 * DAY) },
    spec: {
      selector: { matchLabels: { 'k8s-app': 'kube-proxy' } },
      template: { spec: { nodeSelector: { 'kubernetes.io/os': 'linux' }, containers: [{ name: 'kube-proxy', image: 'registry.k8s.io/kube-proxy:v1.30.0' }] } },
    },
    status: { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2 },
  };
  t.same(cells(daemonSets, ds), [
    'kube-proxy', 3, 3, 2, 3, 2, 'kubernetes.io/os=linux', '12d', 'kube-proxy', 'registry.k8s.io/kube-proxy:v1.30.0', 'k8s-app=kube-proxy',
  ]);
  const bare = { metadata: { name: 'agent' }, spec: { template: { spec: { containers: [] } } } };
  t.same(cells(daemonSets, bare).slice(1, 7), [0, 0, 0, 0, 0, '<none>']);
  t.equal(cells(daemonSets, bare)[10], '<none>');
});

t.test('nodes: status from the Ready condition, cordons, roles from labels', async (t) => {
  const nodes = info('', 'nodes');
  t.same(header(tableColumns(nodes), true), [
    'Name', 'Status', 'Roles', 'Age', 'Version', 'Internal-IP', 'External-IP', 'OS-Image', 'Kernel-Version', 'Container-Runtime',
  ]);
  const node = (name: string, labels: Record<string, string>, ready: string | undefined, unschedulable = false) => ({
    metadata: { name, labels, creationTimestamp: ago(20 * DAY) },
    spec: unschedulable ? { unschedulable: true } : {},
    status: {
      conditions: [
        { type: 'MemoryPressure', status: 'False' },
        ...(ready === undefined ? [] : [{ type: 'Ready', status: ready }]),
      ],
      addresses: [
        { type: 'Hostname', address: name },
        { type: 'InternalIP', address: '172.18.0.2' },
        { type: 'InternalIP', address: '172.18.0.99' },
      ],
      nodeInfo: {
        kubeletVersion: 'v1.30.2',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        kernelVersion: '6.1.0-18-amd64',
        containerRuntimeVersion: 'containerd://1.7.13',
        architecture: 'amd64',
        bootID: '',
        kubeProxyVersion: '',
        machineID: '',
        operatingSystem: 'linux',
        systemUUID: '',
      },
    },
  });
  t.same(cells(nodes, node('cp-1', { 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/hostname': 'cp-1' }, 'True')), [
    'cp-1', 'Ready', 'control-plane', '20d', 'v1.30.2', '172.18.0.2', '<none>', 'Debian GNU/Linux 12 (bookworm)', '6.1.0-18-amd64', 'containerd://1.7.13',
  ]);
  t.same(cells(nodes, node('w-1', { 'kubernetes.io/role': 'worker', 'node-role.kubernetes.io/gpu': '', 'node-role.kubernetes.io/': '' }, 'False')).slice(1, 3), [
    'NotReady',
    'gpu,worker',
  ]);
  t.same(cells(nodes, node('w-2', {}, 'Unknown', true)).slice(1, 3), ['NotReady,SchedulingDisabled', '<none>']);
  t.same(cells(nodes, node('w-3', {}, 'True', true))[1], 'Ready,SchedulingDisabled');
  t.same(cells(nodes, node('w-4', {}, undefined))[1], 'Unknown');
  t.same(cells(nodes, { metadata: { name: 'bare' } }).slice(4), ['', '<none>', '<none>', '<unknown>', '<unknown>', '<unknown>']);
});

t.test('namespaces, config maps, secrets, service accounts, leases', async (t) => {
  t.same(cells(info('', 'namespaces'), { metadata: { name: 'kube-system', creationTimestamp: ago(400 * DAY) }, status: { phase: 'Active' } }), [
    'kube-system', 'Active', '400d',
  ]);
  t.same(
    cells(info('', 'namespaces'), { metadata: { name: 'old', creationTimestamp: ago(3 * 365 * DAY), deletionTimestamp: ago(SECOND) }, status: { phase: 'Terminating' } }),
    ['old', 'Terminating', '3y'],
  );
  t.same(cells(info('', 'configmaps'), { metadata: { name: 'kube-root-ca.crt', creationTimestamp: ago(5 * SECOND) }, data: { 'ca.crt': 'x' }, binaryData: { logo: 'AA==' } }), [
    'kube-root-ca.crt', 2, '5s',
  ]);
  t.same(cells(info('', 'configmaps'), { metadata: { name: 'empty', creationTimestamp: ago(5 * SECOND) } })[1], 0);
  const secrets = info('', 'secrets');
  t.same(header(tableColumns(secrets), true), ['Name', 'Type', 'Data', 'Age']);
  t.same(cells(secrets, { metadata: { name: 'tls', creationTimestamp: ago(DAY) }, type: 'kubernetes.io/tls', data: { 'tls.crt': 'x', 'tls.key': 'y' } }), ['tls', 'kubernetes.io/tls', 2, '24h']);
  t.same(cells(secrets, { metadata: { name: 'plain', creationTimestamp: ago(DAY) } }), ['plain', 'Opaque', 0, '24h']);
  t.same(cells(info('', 'serviceaccounts'), { metadata: { name: 'default', creationTimestamp: ago(2 * MINUTE) }, secrets: [{ name: 'default-token' }] }), ['default', 1, '2m']);
  t.same(cells(info('', 'serviceaccounts'), { metadata: { name: 'builder', creationTimestamp: ago(2 * MINUTE) } })[1], 0);
  const leases = info('coordination.k8s.io', 'leases');
  t.same(header(tableColumns(leases), true), ['Name', 'Holder', 'Age']);
  t.same(cells(leases, { metadata: { name: 'kube-scheduler', creationTimestamp: ago(3 * HOUR) }, spec: { holderIdentity: 'cp-1_4b1e', leaseDurationSeconds: 15 } }), [
    'kube-scheduler', 'cp-1_4b1e', '3h',
  ]);
  t.same(cells(leases, { metadata: { name: 'free', creationTimestamp: ago(3 * HOUR) }, spec: {} })[1], '');
});

t.test('endpoints and endpoint slices list three addresses, then how many more', async (t) => {
  const endpoints = info('', 'endpoints');
  const addresses = (...ips: string[]) => ips.map((ip) => ({ ip }));
  t.same(
    cells(endpoints, {
      metadata: { name: 'web', creationTimestamp: ago(MINUTE) },
      subsets: [
        {
          addresses: addresses('10.244.1.2', '10.244.2.3'),
          notReadyAddresses: addresses('10.244.3.4'),
          ports: [
            { name: 'http', port: 8080, protocol: 'TCP' },
            { name: 'metrics', port: 9090, protocol: 'TCP' },
          ],
        },
      ],
    }),
    ['web', '10.244.1.2:8080,10.244.2.3:8080,10.244.1.2:9090 + 1 more...', '60s'],
  );
  t.equal(cells(endpoints, { metadata: { name: 'headless' }, subsets: [{ addresses: addresses('10.0.0.1', 'fd00::1') }] })[1], '10.0.0.1,fd00::1');
  t.equal(cells(endpoints, { metadata: { name: 'v6' }, subsets: [{ addresses: addresses('fd00::1'), ports: [{ port: 53 }] }] })[1], '[fd00::1]:53');
  t.equal(cells(endpoints, { metadata: { name: 'none' } })[1], '<none>');
  t.equal(cells(endpoints, { metadata: { name: 'unready' }, subsets: [{ notReadyAddresses: addresses('10.0.0.1'), ports: [{ port: 80 }] }] })[1], '');

  const slices = info('discovery.k8s.io', 'endpointslices');
  t.same(header(tableColumns(slices), true), ['Name', 'AddressType', 'Ports', 'Endpoints', 'Age']);
  t.same(
    cells(slices, {
      metadata: { name: 'web-abc12', creationTimestamp: ago(MINUTE) },
      addressType: 'IPv4',
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }, { name: 'grpc' }, {}, { port: 9090 }],
      endpoints: [{ addresses: ['10.244.1.2'] }, { addresses: ['10.244.2.3', '10.244.2.4'] }, { addresses: ['10.244.3.5'] }, { addresses: ['10.244.3.6'] }],
    }),
    ['web-abc12', 'IPv4', '8080,grpc,* + 1 more...', '10.244.1.2,10.244.2.3,10.244.2.4 + 2 more...', '60s'],
  );
  t.same(cells(slices, { metadata: { name: 'empty' }, addressType: 'IPv6', endpoints: [] }).slice(1, 4), ['IPv6', '<unset>', '<unset>']);
});

t.test('events: last seen, type, reason, object, message; the rest with -o wide', async (t) => {
  const events = info('', 'events');
  t.same(header(tableColumns(events), false), ['Last Seen', 'Type', 'Reason', 'Object', 'Message']);
  t.same(header(tableColumns(events), true), ['Last Seen', 'Type', 'Reason', 'Object', 'Subobject', 'Source', 'Message', 'First Seen', 'Count', 'Name']);
  t.equal(tableColumns(events)[9]!.format, 'name');
  t.same(
    cells(events, {
      metadata: { name: 'web-1.17c1', creationTimestamp: ago(10 * MINUTE) },
      involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'default', fieldPath: 'spec.containers{app}' },
      reason: 'BackOff',
      message: 'Back-off restarting failed container app in pod web-1\n',
      source: { component: 'kubelet', host: 'node-1' },
      firstTimestamp: ago(10 * MINUTE),
      lastTimestamp: ago(20 * SECOND),
      count: 7,
      type: 'Warning',
    }),
    ['20s', 'Warning', 'BackOff', 'pod/web-1', 'spec.containers{app}', 'kubelet, node-1', 'Back-off restarting failed container app in pod web-1', '10m', 7, 'web-1.17c1'],
  );
  t.same(
    cells(events, {
      metadata: { name: 'sched.1' },
      involvedObject: { kind: 'Pod', name: 'web-2' },
      reason: 'Scheduled',
      message: 'Successfully assigned default/web-2 to node-2',
      eventTime: '2024-05-01T11:59:15.123456Z',
      reportingComponent: 'default-scheduler',
      reportingInstance: 'default-scheduler-cp-1',
      type: 'Normal',
    }),
    ['44s', 'Normal', 'Scheduled', 'pod/web-2', '', 'default-scheduler, default-scheduler-cp-1', 'Successfully assigned default/web-2 to node-2', '44s', 1, 'sched.1'],
    'events.k8s.io events: eventTime for both times, a count of one',
  );
  t.same(
    cells(events, {
      metadata: { name: 'series.1' },
      involvedObject: { kind: 'Node' },
      eventTime: ago(HOUR),
      series: { count: 12, lastObservedTime: ago(2 * MINUTE) },
      source: { component: 'kubelet' },
    }).slice(0, 9),
    ['2m', '', '', 'node', '', 'kubelet', '', '60m', 12],
  );
});

t.test('kinds without a printer get Name and Created At', async (t) => {
  const widgets: ResourceInfo = { ...info('', 'configmaps'), group: 'example.com', resource: 'widgets', kind: 'Widget', listKind: 'WidgetList' };
  t.notOk(hasPrinter(widgets));
  t.same(tableColumns(widgets).map((c) => [c.name, c.type, c.format]), [
    ['Name', 'string', 'name'],
    ['Created At', 'date', ''],
  ]);
  t.same(cells(widgets, { metadata: { name: 'w', creationTimestamp: '2024-04-30T10:00:00Z' } }), ['w', '2024-04-30T10:00:00Z']);
  t.same(cells(widgets, { metadata: { name: 'w' } }), ['w', '0001-01-01T00:00:00Z']);
});

// Where Kubernetes' own printers break these rules, Rudder's break them the same way: LimitRanges
// have no printer (Name and Created At), VolumeAttachment's Attacher column is a second name
// column, and IPAddress rows carry an age cell that no column declares.
const NO_PRINTER = new Set(['LimitRange']);
const NAME_COLUMNS: Readonly<Record<string, number>> = { VolumeAttachment: 2 };
const UNDECLARED_CELLS: Readonly<Record<string, number>> = { IPAddress: 1 };

t.test('every served kind has a printer whose rows fill its columns', async (t) => {
  for (const resource of RESOURCES) {
    t.equal(hasPrinter(resource), !NO_PRINTER.has(resource.kind), resource.kind);
    const columns = tableColumns(resource);
    t.equal(columns.filter((c) => c.format === 'name').length, NAME_COLUMNS[resource.kind] ?? 1, `${resource.kind} has its name columns`);
    t.equal(cells(resource, { metadata: { name: 'x' } }).length, columns.length + (UNDECLARED_CELLS[resource.kind] ?? 0), `${resource.kind} cells match its columns`);
    t.ok(columns.every((c) => c.description.length > 0), `${resource.kind} columns are described`);
  }
});

t.test('buildTable', async (t) => {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'a', namespace: 'default', uid: 'u1', resourceVersion: '41', labels: { app: 'a' }, creationTimestamp: ago(MINUTE) },
    spec: { containers: [{ name: 'c' }] },
    status: { phase: 'Pending' },
  };

  t.test('rows carry PartialObjectMetadata by default, for -L and --show-labels', async (t) => {
    const table = buildTable(pods, [pod], { now: NOW, includeObject: 'Metadata', listMeta: { resourceVersion: '42', continue: 'tok', remainingItemCount: 3 } });
    t.equal(table.kind, 'Table');
    t.equal(table.apiVersion, 'meta.k8s.io/v1');
    t.same(table.metadata, { resourceVersion: '42', continue: 'tok', remainingItemCount: 3 });
    t.same(table.columnDefinitions, tableColumns(pods));
    t.same(table.rows, [
      {
        cells: ['a', '0/1', 'Pending', '0', '60s', '<none>', '<none>', '<none>', '<none>'],
        object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: pod.metadata },
      },
    ]);
  });

  t.test('includeObject=Object embeds the whole object; None embeds nothing', async (t) => {
    const withObject = buildTable(pods, [{ ...pod, apiVersion: undefined, kind: undefined }], { now: NOW, includeObject: 'Object' });
    t.same(withObject.rows[0]!.object, pod, 'apiVersion and kind are filled in');
    t.same(withObject.metadata, {});
    const bare = buildTable(pods, [pod], { now: NOW, includeObject: 'None' });
    t.notOk('object' in bare.rows[0]!);
  });

  t.test('watch events after the first leave the columns out', async (t) => {
    const table = buildTable(pods, [pod], { now: NOW, includeObject: 'Metadata', omitColumns: true });
    t.same(table.columnDefinitions, []);
    t.equal(table.rows[0]!.cells[0], 'a');
  });

  t.test('an empty list is a table with columns and no rows', async (t) => {
    const table = buildTable(pods, [], { now: NOW, includeObject: 'Metadata', listMeta: { resourceVersion: '7' } });
    t.same(table.rows, []);
    t.equal(table.columnDefinitions.length, 9);
  });
});

t.test('reading the request', async (t) => {
  const acceptsTable = (accept: string | undefined): boolean => negotiate(accept, true).kind === 'table';
  const kubectl = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
  t.ok(acceptsTable(kubectl), 'what kubectl get sends');
  t.ok(acceptsTable('application/json;as=Table;v=v1beta1;g=meta.k8s.io'));
  t.notOk(acceptsTable('application/json'));
  t.notOk(acceptsTable(undefined));
  t.notOk(acceptsTable('application/json, application/json;as=Table;v=v1;g=meta.k8s.io'), 'plain JSON preferred by order');
  t.ok(acceptsTable('application/json;q=0.5, application/json;as=Table;v=v1;g=meta.k8s.io'), 'Table preferred by quality');
  t.notOk(acceptsTable('application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io'));
  t.ok(acceptsTable('application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io, application/json;as=Table;v=v1;g=meta.k8s.io'));

  t.equal(parseIncludeObject(undefined), 'Metadata');
  t.equal(parseIncludeObject('Object'), 'Object');
  t.equal(parseIncludeObject('None'), 'None');
  try {
    parseIncludeObject('Everything');
    t.fail('should throw');
  } catch (error) {
    t.ok(isStatusError(error));
    if (isStatusError(error)) {
      t.equal(error.status.code, 400);
      t.equal(error.status.message, 'unrecognized includeObject value: "Everything"');
    }
  }
});
