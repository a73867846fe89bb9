// Defaults: the fields a real cluster adds, as `kubectl get -o yaml` shows them.
import t from 'tap';
import { applyDefaults } from '../lib/api/defaults/index.js';
import { type Obj, clone, deployment, get, info, pod, service, set } from './validation-fixtures.js';

function defaulted(obj: Obj, operation: 'create' | 'update' = 'create'): Obj {
  const o = clone(obj);
  applyDefaults(info(o), o, { operation });
  return o;
}

t.test('a minimal pod gets what kubectl shows on a real cluster', async (t) => {
  const p = defaulted({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' }, spec: { containers: [{ name: 'app', image: 'nginx' }] } });
  t.same(p, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      containers: [
        {
          name: 'app',
          image: 'nginx',
          imagePullPolicy: 'Always',
          resources: {},
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
        },
      ],
      dnsPolicy: 'ClusterFirst',
      enableServiceLinks: true,
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      securityContext: {},
      serviceAccount: 'default',
      serviceAccountName: 'default',
      terminationGracePeriodSeconds: 30,
    },
    status: { phase: 'Pending', qosClass: 'BestEffort' },
  });
});

t.test('image pull policy follows the tag', async (t) => {
  const policy = (image: string): unknown => get(defaulted(set(pod(), 'spec.containers[0].image', image)), 'spec.containers[0].imagePullPolicy');
  t.equal(policy('nginx'), 'Always');
  t.equal(policy('nginx:latest'), 'Always');
  t.equal(policy('nginx:1.25'), 'IfNotPresent');
  t.equal(policy('localhost:5000/web'), 'Always', 'a registry port is not a tag');
  t.equal(policy('registry.example.com:5000/team/web:v2'), 'IfNotPresent');
  t.equal(policy(`nginx@sha256:${'a'.repeat(64)}`), 'IfNotPresent');
  t.equal(policy('Nginx'), 'IfNotPresent', 'unparsable references are not pulled every time');
  t.equal(get(defaulted(set(set(pod(), 'spec.containers[0].imagePullPolicy', 'Never'), 'spec.containers[0].image', 'nginx')), 'spec.containers[0].imagePullPolicy'), 'Never');
});

t.test('container details: ports, probes, env, resources', async (t) => {
  const p = defaulted(
    set(pod(), 'spec.containers[0]', {
      name: 'app',
      image: 'nginx:1.25',
      ports: [{ containerPort: 80 }],
      env: [{ name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
      livenessProbe: { httpGet: { port: 80 } },
      readinessProbe: { grpc: { port: 9000 }, periodSeconds: 5 },
      resources: { limits: { cpu: '0.5', memory: '1024Mi' }, requests: { cpu: '100u' } },
    }),
  );
  const c = get(p, 'spec.containers[0]');
  t.same(get(c, 'ports'), [{ containerPort: 80, protocol: 'TCP' }]);
  t.same(get(c, 'env[0].valueFrom.fieldRef'), { apiVersion: 'v1', fieldPath: 'metadata.name' });
  t.same(get(c, 'livenessProbe'), { httpGet: { path: '/', port: 80, scheme: 'HTTP' }, failureThreshold: 3, periodSeconds: 10, successThreshold: 1, timeoutSeconds: 1 });
  t.same(get(c, 'readinessProbe'), { grpc: { port: 9000, service: '' }, failureThreshold: 3, periodSeconds: 5, successThreshold: 1, timeoutSeconds: 1 });
  // Quantities are stored canonically, rounded up to milli-units; missing requests copy limits.
  t.same(get(c, 'resources'), { limits: { cpu: '500m', memory: '1Gi' }, requests: { cpu: '1m', memory: '1Gi' } });
  t.equal(get(p, 'status.qosClass'), 'Burstable');
});

t.test('QoS class', async (t) => {
  const qos = (resources: unknown): unknown => get(defaulted(set(pod(), 'spec.containers[0].resources', resources)), 'status.qosClass');
  t.equal(qos({}), 'BestEffort');
  t.equal(qos({ limits: { cpu: '1', memory: '1Gi' } }), 'Guaranteed', 'requests default to limits');
  t.equal(qos({ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m' } }), 'Burstable');
  t.equal(qos({ requests: { memory: '64Mi' } }), 'Burstable');
});

t.test('volumes', async (t) => {
  const p = defaulted(
    set(pod(), 'spec.volumes', [
      { name: 'scratch' },
      { name: 'cfg', configMap: { name: 'settings' } },
      { name: 'creds', secret: { secretName: 'creds' } },
      { name: 'host', hostPath: { path: '/var/log' } },
      { name: 'cache', emptyDir: { sizeLimit: '1024Mi' } },
      { name: 'token', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } },
    ]),
  );
  t.same(get(p, 'spec.volumes'), [
    { name: 'scratch', emptyDir: {} },
    { name: 'cfg', configMap: { name: 'settings', defaultMode: 420 } },
    { name: 'creds', secret: { secretName: 'creds', defaultMode: 420 } },
    { name: 'host', hostPath: { path: '/var/log', type: '' } },
    { name: 'cache', emptyDir: { sizeLimit: '1Gi' } },
    { name: 'token', projected: { defaultMode: 420, sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3600 } }] } },
  ]);
});

t.test('what the apiserver adds to new pods only', async (t) => {
  const updated = defaulted(pod(), 'update');
  t.equal(get(updated, 'spec.serviceAccountName'), undefined);
  t.equal(get(updated, 'spec.tolerations'), undefined);
  t.equal(get(updated, 'status'), undefined);
  t.equal(get(updated, 'spec.dnsPolicy'), 'ClusterFirst', 'plain defaults still apply');

  // Priority and the not-ready/unreachable tolerations are admission's (test/admission-pods.test.ts).
  t.equal(get(defaulted(pod()), 'spec.priority'), undefined);
  t.equal(get(defaulted(pod()), 'spec.tolerations'), undefined);
  t.equal(get(defaulted(set(pod(), 'spec.serviceAccountName', 'builder')), 'spec.serviceAccount'), 'builder');
  t.equal(get(defaulted(set(pod(), 'spec.serviceAccount', 'legacy')), 'spec.serviceAccountName'), 'legacy');
});

t.test('host network pods publish container ports on the host', async (t) => {
  const p = defaulted(set(pod(), 'spec.hostNetwork', true));
  t.same(get(p, 'spec.containers[0].ports'), [{ containerPort: 80, name: 'http', protocol: 'TCP', hostPort: 80 }]);
});

t.test('a minimal Deployment', async (t) => {
  const d = defaulted(set(deployment(), 'spec.replicas', undefined));
  t.same(get(d, 'spec'), {
    progressDeadlineSeconds: 600,
    replicas: 1,
    revisionHistoryLimit: 10,
    selector: { matchLabels: { app: 'web' } },
    strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' }, type: 'RollingUpdate' },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [{ image: 'nginx:1.25', imagePullPolicy: 'IfNotPresent', name: 'app', resources: {}, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' }],
        dnsPolicy: 'ClusterFirst',
        restartPolicy: 'Always',
        schedulerName: 'default-scheduler',
        securityContext: {},
        terminationGracePeriodSeconds: 30,
      },
    },
  });
  t.same(get(defaulted(set(deployment(), 'spec.strategy', { type: 'Recreate' })), 'spec.strategy'), { type: 'Recreate' });
  t.equal(get(defaulted(set(deployment(), 'spec.replicas', 0)), 'spec.replicas'), 0, 'zero replicas is a choice, not a gap');
});

t.test('ReplicaSet and DaemonSet', async (t) => {
  const rs = defaulted({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'rs' }, spec: { template: { spec: { containers: [{ name: 'a', image: 'a' }] } } } });
  t.equal(get(rs, 'spec.replicas'), 1);
  t.equal(get(rs, 'spec.template.spec.restartPolicy'), 'Always');
  const ds = defaulted({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'ds' }, spec: {} });
  t.same(get(ds, 'spec'), { revisionHistoryLimit: 10, updateStrategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: 1 }, type: 'RollingUpdate' } });
});

t.test('Services', async (t) => {
  t.same(get(defaulted(service()), 'spec'), {
    internalTrafficPolicy: 'Cluster',
    ipFamilies: ['IPv4'],
    ipFamilyPolicy: 'SingleStack',
    ports: [{ port: 80, protocol: 'TCP', targetPort: 'http' }],
    selector: { app: 'web' },
    sessionAffinity: 'None',
    type: 'ClusterIP',
  });
  t.same(get(defaulted(service()), 'status'), { loadBalancer: {} });
  const nodePort = defaulted(set(set(service(), 'spec.type', 'NodePort'), 'spec.ports', [{ port: 80 }]));
  t.equal(get(nodePort, 'spec.externalTrafficPolicy'), 'Cluster');
  t.equal(get(nodePort, 'spec.ports[0].targetPort'), 80, 'targetPort defaults to port');
  const lb = defaulted(set(service(), 'spec.type', 'LoadBalancer'));
  t.equal(get(lb, 'spec.allocateLoadBalancerNodePorts'), true);
  const external = defaulted({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'db' }, spec: { type: 'ExternalName', externalName: 'db.example.com' } });
  t.same(get(external, 'spec'), { externalName: 'db.example.com', sessionAffinity: 'None', type: 'ExternalName' });
  const headless = defaulted({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'peers' }, spec: { clusterIP: 'None', ports: [{ port: 5432 }] } });
  t.same(get(headless, 'spec.clusterIPs'), ['None']);
  t.equal(get(headless, 'spec.ipFamilyPolicy'), 'RequireDualStack', 'headless without selector');
  const sticky = defaulted(set(service(), 'spec.sessionAffinity', 'ClientIP'));
  t.same(get(sticky, 'spec.sessionAffinityConfig'), { clientIP: { timeoutSeconds: 10800 } });
  const chosen = defaulted(set(service(), 'spec.clusterIPs', ['fd00::10']));
  t.equal(get(chosen, 'spec.clusterIP'), 'fd00::10');
  t.same(get(chosen, 'spec.ipFamilies'), ['IPv6']);
});

t.test('Namespaces, Secrets, Nodes, Endpoints, EndpointSlices, Events', async (t) => {
  t.same(defaulted({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dev' } }), {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'dev', labels: { 'kubernetes.io/metadata.name': 'dev' } },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  });
  t.same(defaulted({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { a: 'eA==' }, stringData: { b: 'hello' } }), {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 's' },
    type: 'Opaque',
    data: { a: 'eA==', b: 'aGVsbG8=' },
  });
  const n = defaulted({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' }, spec: { podCIDR: '10.244.0.0/24' }, status: { capacity: { cpu: '4', memory: '8192Mi' } } });
  t.same(get(n, 'spec'), { podCIDR: '10.244.0.0/24', podCIDRs: ['10.244.0.0/24'] });
  t.same(get(n, 'status'), { capacity: { cpu: '4', memory: '8Gi' }, allocatable: { cpu: '4', memory: '8Gi' } });
  t.same(get(defaulted({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'e' }, subsets: [{ ports: [{ port: 80 }] }] }), 'subsets[0].ports'), [{ port: 80, protocol: 'TCP' }]);
  t.same(get(defaulted({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'e' }, ports: [{ port: 80 }] }), 'ports'), [
    { port: 80, name: '', protocol: 'TCP' },
  ]);
  const ev = defaulted({ apiVersion: 'v1', kind: 'Event', metadata: { name: 'e' } });
  t.same([ev.eventTime, ev.reportingComponent, ev.reportingInstance], [null, '', '']);
});
