// How the CRI runtime turns a pod into CRI requests, checked without a runtime: Kubernetes'
// $(VAR) expansion, cpu shares and quota, oom_score_adj by QoS class, the pod's cgroup, DNS from
// dnsPolicy and dnsConfig, labels that find the pod again, env from the downward API, specs it
// cannot run yet, and the default image pull policy.
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import t from 'tap';
import { containerConfig, containerEnv, type ContainerContext } from '../services/kubelet/runtime/cri/container-config.js';
import { expand } from '../services/kubelet/runtime/cri/env-expansion.js';
import { pullPolicy } from '../services/kubelet/runtime/cri/image-pull.js';
import { linuxResources, milliCpuToQuota, milliCpuToShares, oomScoreAdj, podCgroupParent } from '../services/kubelet/runtime/cri/resources.js';
import { parseResolvConf } from '../lib/host/resolv-conf.js';
import { dnsConfig, sandboxConfig, type SandboxSettings } from '../services/kubelet/runtime/cri/sandbox-config.js';

const settings: SandboxSettings = { nodeName: 'node-a', podLogDir: '/var/log/pods', cgroupRoot: '/kubepods', clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local' };
const context: ContainerContext = { nodeName: 'node-a', hostIP: '10.213.0.2', podIPs: ['10.244.0.7'], nodeMilliCpu: 4000, nodeMemoryBytes: 8 * 1024 ** 3 };

function pod(spec: Partial<NonNullable<Pod['spec']>> = {}, qosClass = 'BestEffort'): Pod {
  return {
    metadata: { name: 'web', namespace: 'shop', uid: 'u-1', labels: { app: 'web' }, annotations: { note: 'x' } },
    spec: { containers: [{ name: 'main', image: 'rudder.local/busybox:stable' }], ...spec },
    status: { qosClass },
  };
}

t.test('$(VAR) expansion as Kubernetes does it', async (t) => {
  const vars = new Map([['A', 'alpha'], ['EMPTY', '']]);
  const lookup = (name: string) => vars.get(name);
  t.equal(expand('$(A)-$(A)', lookup), 'alpha-alpha');
  t.equal(expand('$(MISSING)', lookup), '$(MISSING)', 'an undefined reference stays as written');
  t.equal(expand('$$(A)', lookup), '$(A)', '$$ escapes');
  t.equal(expand('$$$(A)', lookup), '$alpha');
  t.equal(expand('x$(EMPTY)y', lookup), 'xy');
  t.equal(expand('$(A', lookup), '$(A', 'an unterminated reference stays');
  t.equal(expand('$A $', lookup), '$A $', 'a $ not before ( or $ stays');
});

t.test('cpu and memory as the kubelet computes them', async (t) => {
  t.equal(milliCpuToShares(0), 2, 'no request: the minimum shares');
  t.equal(milliCpuToShares(1), 2);
  t.equal(milliCpuToShares(250), 256);
  t.equal(milliCpuToShares(1000), 1024);
  t.equal(milliCpuToShares(10_000_000), 262_144, 'capped');
  t.equal(milliCpuToQuota(500), 50_000);
  t.equal(milliCpuToQuota(5), 1000, 'at least 1 ms');
  t.equal(oomScoreAdj('Guaranteed', 0, 1000), -997);
  t.equal(oomScoreAdj('BestEffort', 0, 1000), 1000);
  t.equal(oomScoreAdj('Burstable', 500, 1000), 500);
  t.equal(oomScoreAdj('Burstable', 999, 1000), 2, 'at least 2');
  t.equal(oomScoreAdj('Burstable', 0, 1000), 999, 'at most 999');

  const limited: Container = { name: 'c', resources: { limits: { cpu: '1500m', memory: '128Mi' } } };
  t.same(linuxResources(pod({}, 'Guaranteed'), limited, 1024 ** 3), { cpuShares: 1536, oomScoreAdj: -997, cpuPeriod: 100_000, cpuQuota: 150_000, memoryLimitInBytes: 134_217_728 }, 'a limit without a request requests the limit');
  t.same(linuxResources(pod(), { name: 'c' }, 1024 ** 3), { cpuShares: 2, oomScoreAdj: 1000 }, 'no resources: BestEffort');
});

t.test('the pod cgroup sits under the node root by QoS class', async (t) => {
  t.equal(podCgroupParent('/kubepods', pod({}, 'Guaranteed')), '/kubepods/podu-1');
  t.equal(podCgroupParent('/kubepods/', pod({}, 'Burstable')), '/kubepods/burstable/podu-1');
  t.equal(podCgroupParent('/kubepods', pod()), '/kubepods/besteffort/podu-1');
});

t.test('DNS from dnsPolicy and dnsConfig', async (t) => {
  t.same(dnsConfig(pod(), settings), { servers: ['10.96.0.10'], searches: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local'], options: ['ndots:5'] }, 'ClusterFirst by default');
  t.equal(dnsConfig(pod({ dnsPolicy: 'Default' }), settings), undefined, 'Default: the node\'s resolver');
  t.equal(dnsConfig(pod({ hostNetwork: true }), settings), undefined, 'host-network pods with ClusterFirst resolve as the node does');
  t.same(dnsConfig(pod({ hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' }), settings)?.servers, ['10.96.0.10']);
  t.same(
    dnsConfig(pod({ dnsPolicy: 'None', dnsConfig: { nameservers: ['1.2.3.4'], searches: ['a.example'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] } }), settings),
    { servers: ['1.2.3.4'], searches: ['a.example'], options: ['ndots:2', 'edns0'] },
  );
  t.same(dnsConfig(pod({ dnsConfig: { options: [{ name: 'ndots', value: '1' }] } }), settings)?.options, ['ndots:1'], 'a pod option replaces the cluster\'s of the same name');
  t.same(dnsConfig(pod(), { ...settings, clusterDNS: [] }), undefined, 'no cluster DNS configured: the node\'s resolver');

  // with the node's resolv.conf known (--resolv-conf), as the kubelet's GetPodDNS
  const node = { ...settings, hostDNS: parseResolvConf('nameserver 192.0.2.53\nsearch corp.example\noptions timeout:2\n') };
  t.same(dnsConfig(pod(), node)?.searches, ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'corp.example'], 'ClusterFirst searches the node\'s domains after the cluster\'s');
  t.same(dnsConfig(pod(), node)?.options, ['ndots:5'], 'but not its options');
  t.equal(dnsConfig(pod({ dnsPolicy: 'Default' }), node), undefined, 'Default without dnsConfig: the node\'s resolv.conf as it is');
  t.same(
    dnsConfig(pod({ dnsPolicy: 'Default', dnsConfig: { nameservers: ['1.2.3.4'], options: [{ name: 'timeout', value: '5' }] } }), node),
    { servers: ['192.0.2.53', '1.2.3.4'], searches: ['corp.example'], options: ['timeout:5'] },
    'Default with dnsConfig: the node\'s resolver with the pod\'s additions',
  );
});

t.test('the sandbox config', async (t) => {
  const config = sandboxConfig(pod({ hostname: 'www', terminationGracePeriodSeconds: 12, containers: [{ name: 'main', ports: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 81 }] }] }), 2, settings);
  t.same(config.metadata, { name: 'web', namespace: 'shop', uid: 'u-1', attempt: 2 });
  t.equal(config.hostname, 'www');
  t.equal(config.logDirectory, '/var/log/pods/shop_web_u-1');
  t.same(config.labels, { app: 'web', 'io.kubernetes.pod.name': 'web', 'io.kubernetes.pod.namespace': 'shop', 'io.kubernetes.pod.uid': 'u-1' });
  t.equal(config.annotations?.['io.kubernetes.pod.terminationGracePeriod'], '12');
  t.same(config.portMappings, [{ protocol: 'TCP', containerPort: 80, hostPort: 8080, hostIp: '' }], 'only host ports are mapped');
  t.equal(config.linux?.cgroupParent, '/kubepods/besteffort/podu-1');
  t.same(config.linux?.securityContext?.namespaceOptions, { network: 'POD', pid: 'CONTAINER', ipc: 'POD' });
  const host = sandboxConfig(pod({ hostNetwork: true, shareProcessNamespace: true }), 0, settings);
  t.equal(host.hostname, 'node-a', 'host-network pods have the node\'s hostname');
  t.same(host.linux?.securityContext?.namespaceOptions, { network: 'NODE', pid: 'POD', ipc: 'POD' });
});

t.test('the container config', async (t) => {
  const spec: Container = {
    name: 'main',
    image: 'rudder.local/busybox:stable',
    command: ['sh', '-c'],
    args: ['echo $(MSG)'],
    workingDir: '/tmp',
    env: [
      { name: 'MSG', value: 'on $(NODE)' },
      { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
      { name: 'LABEL', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
      { name: 'HOST', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
      { name: 'CPUS', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
      { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'requests.memory', divisor: '1Mi' } } },
    ],
    resources: { requests: { memory: '10Mi' } },
    securityContext: { runAsUser: 1000, allowPrivilegeEscalation: false, capabilities: { add: ['NET_ADMIN'] } },
    tty: true,
  };
  const config = containerConfig(pod({ containers: [spec] }), spec, { image: spec.image!, attempt: 3, context, memoryCapacity: 1024 ** 3, terminationMessageFile: '/pods/u-1/containers/main/3' });
  const env = Object.fromEntries((config.envs ?? []).map((kv) => [kv.key, Buffer.from(kv.value).toString()]));
  t.same(env, { MSG: 'on $(NODE)', NODE: 'node-a', LABEL: 'web', HOST: '10.213.0.2', CPUS: '4', MEM: '10' }, 'a reference to a later variable is not expanded; unset cpu limits are the node\'s');
  t.same(config.args, ['echo on $(NODE)']);
  t.same(config.metadata, { name: 'main', attempt: 3 });
  t.equal(config.logPath, 'main/3.log');
  t.equal(config.workingDir, '/tmp');
  t.equal(config.tty, true);
  t.same(config.mounts, [{ containerPath: '/dev/termination-log', hostPath: '/pods/u-1/containers/main/3' }]);
  t.equal(config.labels?.['io.kubernetes.container.name'], 'main');
  t.equal(config.annotations?.['io.kubernetes.container.restartCount'], '3');
  t.same(config.linux?.securityContext?.runAsUser, { value: 1000 });
  t.equal(config.linux?.securityContext?.noNewPrivs, true);
  t.same(config.linux?.securityContext?.capabilities, { addCapabilities: ['NET_ADMIN'], dropCapabilities: [] });

  // ConfigMap and Secret references: envFrom (with a prefix) first, then env overriding it
  const sources = {
    configMaps: new Map([['settings', new Map([['MODE', 'fast'], ['LEVEL', '3']])], ['gone', undefined]]),
    secrets: new Map([['creds', new Map([['password', 's3cret']])]]),
  };
  const refs = containerEnv(pod(), {
    name: 'c',
    envFrom: [{ configMapRef: { name: 'settings' }, prefix: 'APP_' }, { secretRef: { name: 'missing', optional: true } }],
    env: [
      { name: 'APP_LEVEL', value: 'override $(APP_MODE)' },
      { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } },
      { name: 'OPTIONAL', valueFrom: { configMapKeyRef: { name: 'gone', key: 'k', optional: true } } },
      { name: 'NO_KEY', valueFrom: { configMapKeyRef: { name: 'settings', key: 'nope', optional: true } } },
    ],
  }, context, sources);
  t.same(Object.fromEntries(refs), { APP_MODE: 'fast', APP_LEVEL: 'override fast', PASSWORD: 's3cret' }, 'optional refs to what is missing are left out');
  t.throws(() => containerEnv(pod(), { name: 'c', env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'gone', key: 'k' } } }] }, context, sources), { name: 'ContainerConfigError', message: 'configmap "gone" not found' });
  t.throws(() => containerEnv(pod(), { name: 'c', env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'creds', key: 'user' } } }] }, context, sources), { name: 'ContainerConfigError', message: /couldn't find key user in Secret/ });
  t.throws(() => containerEnv(pod(), { name: 'c', envFrom: [{ secretRef: { name: 's' } }] }, context), { name: 'ContainerConfigError', message: 'secret "s" not found' });
});

t.test('the default pull policy', async (t) => {
  t.equal(pullPolicy({ name: 'c', image: 'busybox' }), 'Always', 'untagged');
  t.equal(pullPolicy({ name: 'c', image: 'busybox:latest' }), 'Always');
  t.equal(pullPolicy({ name: 'c', image: 'rudder.local/busybox:stable' }), 'IfNotPresent');
  t.equal(pullPolicy({ name: 'c', image: 'localhost:5000/busybox' }), 'Always', 'a registry port is not a tag');
  t.equal(pullPolicy({ name: 'c', image: 'busybox@sha256:abc' }), 'IfNotPresent');
  t.equal(pullPolicy({ name: 'c', image: 'busybox', imagePullPolicy: 'Never' }), 'Never');
});
