// A Service's EndpointSlices follow its pods: a pod turning Ready shows as ready within a second,
// a terminating pod as terminating and no longer ready; slices carry Kubernetes' labels and the
// Service as owner; more than 100 endpoints make more slices. kubectl reads them back.
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import t from 'tap';
import { findResource } from '../../lib/api/resources.js';
import { startControllerCluster } from '../helpers/controller-cluster.js';
import { until } from '../helpers/until.js';

const PODS = findResource('', 'v1', 'pods')!;
const SERVICES = findResource('', 'v1', 'services')!;
const SLICES = findResource('discovery.k8s.io', 'v1', 'endpointslices')!;

t.test("a Service's EndpointSlices follow pod readiness and termination", async (t) => {
  // The stand-in leaves pods Pending (the test makes them Ready) and keeps terminating pods.
  const cluster = await startControllerCluster(t, { kubelet: { holdBack: () => true, keepTerminating: true } });
  const { client } = cluster;
  const slices = async (): Promise<EndpointSlice[]> => (await client.list<EndpointSlice>(SLICES, { namespace: 'default', labelSelector: 'kubernetes.io/service-name=web' })).items;
  const endpoints = async (): Promise<EndpointSlice['endpoints']> => (await slices()).flatMap((s) => s.endpoints ?? []);

  const svc = await client.create<{ metadata: { uid: string } }>(SERVICES, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } });
  const pod = (name: string): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels: { app: 'web' } }, spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'nginx', ports: [{ name: 'http', containerPort: 8080 }] }] } });
  await client.create(PODS, pod('web-1'));

  // 1. a pod with an IP but not ready: listed, not ready
  await client.patch(PODS, { namespace: 'default', name: 'web-1', subresource: 'status' }, { status: { phase: 'Running', podIP: '10.244.1.5', conditions: [{ type: 'Ready', status: 'False' }] } }, 'strategic');
  t.ok(await until(async () => (await endpoints())?.length === 1, 5000));
  const [slice] = await slices();
  t.match(slice, {
    addressType: 'IPv4',
    metadata: { labels: { 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' }, ownerReferences: [{ kind: 'Service', name: 'web', uid: svc.metadata.uid, controller: true }] },
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    endpoints: [{ addresses: ['10.244.1.5'], conditions: { ready: false, serving: false, terminating: false }, targetRef: { kind: 'Pod', name: 'web-1' } }],
  });

  // 2. ready within a second of the pod turning Ready
  const started = Date.now();
  await client.patch(PODS, { namespace: 'default', name: 'web-1', subresource: 'status' }, { status: { conditions: [{ type: 'Ready', status: 'True' }] } }, 'strategic');
  t.ok(await until(async () => (await endpoints())?.[0]?.conditions?.ready === true, 1000, 10), `ready in the slice within a second (${Date.now() - started} ms)`);

  // 3. terminating (a bound pod waits out its grace period): still serving, no longer ready
  await client.delete(PODS, { namespace: 'default', name: 'web-1' });
  t.ok(await until(async () => (await endpoints())?.[0]?.conditions?.terminating === true, 2000), 'terminating');
  t.same((await endpoints())?.[0]?.conditions, { ready: false, serving: true, terminating: true });
  await client.delete(PODS, { namespace: 'default', name: 'web-1' }, { gracePeriodSeconds: 0 });
  t.ok(await until(async () => (await endpoints())?.length === 0, 2000), 'gone with the pod');

  // 4. 150 ready pods: two slices of at most 100, listed by kubectl
  await Promise.all(Array.from({ length: 150 }, (_, i) => client.create(PODS, pod(`many-${i}`))));
  await Promise.all(Array.from({ length: 150 }, (_, i) => client.patch(PODS, { namespace: 'default', name: `many-${i}`, subresource: 'status' }, { status: { phase: 'Running', podIP: `10.244.${2 + Math.floor(i / 200)}.${i % 200}`, conditions: [{ type: 'Ready', status: 'True' }] } }, 'strategic')));
  t.ok(await until(async () => (await endpoints())?.filter((e) => e.conditions?.ready).length === 150, 10_000), '150 ready endpoints');
  t.same((await slices()).map((s) => s.endpoints?.length ?? 0).sort((a, b) => b - a), [100, 50]);
  const listed = await cluster.kubectl('1.33', ['get', 'endpointslices', '-l', 'kubernetes.io/service-name=web']);
  t.equal(listed.code, 0, listed.stderr);
  t.match(listed.stdout, /web-\w+\s+IPv4\s+8080\s+10\.244\./);
});
