// A process (started in a scratch network namespace) running the real apiserver on the
// namespace's loopback, holding a node and the Services (with status) and EndpointSlices of a
// fixture file; prints {"kubeconfig","objects"} as one line once they are stored (objects: a
// JSON file of the Services and EndpointSlices the apiserver holds, its own included) and runs
// until killed.
// Used to run a real kube-proxy (or Rudder's proxy) against a known cluster.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findResource } from '../../lib/api/resources.js';
import { loadKubeconfig } from '../../lib/client/kubeconfig.js';
import { RestClient } from '../../lib/client/rest-client.js';
import { startApiserver } from '../../lib/launch/apiserver-process.js';
import { readProxyObjects } from '../../lib/proxy/objects.js';

const [fixture, nodeName, nodeIP] = process.argv.slice(2);
if (!fixture || !nodeName || !nodeIP) throw new Error('usage: proxy-apiserver FIXTURE NODE NODE_IP');

const server = await startApiserver();
const client = new RestClient(loadKubeconfig(server.kubeconfig));
const objects = readProxyObjects(readFileSync(fixture, 'utf8'));
const namespaces = new Set([...objects.services, ...objects.endpointSlices].map((o) => o.metadata?.namespace ?? 'default'));
for (const namespace of namespaces) {
  if (namespace !== 'default') await client.create(findResource('', 'v1', 'namespaces')!, { metadata: { name: namespace } });
}
await client.create(findResource('', 'v1', 'nodes')!, {
  metadata: { name: nodeName, labels: { 'kubernetes.io/hostname': nodeName } },
  status: { addresses: [{ type: 'InternalIP', address: nodeIP }, { type: 'Hostname', address: nodeName }] },
});
const SERVICES = findResource('', 'v1', 'services')!;
for (const service of objects.services) {
  const { status, ...rest } = service;
  const created = await client.create<typeof service>(SERVICES, rest);
  if (status?.loadBalancer?.ingress?.length) await client.update(SERVICES, { ...created, status }, 'status');
}
for (const slice of objects.endpointSlices) await client.create(findResource('discovery.k8s.io', 'v1', 'endpointslices')!, slice);
const stored = {
  services: (await client.list(SERVICES)).items,
  endpointSlices: (await client.list(findResource('discovery.k8s.io', 'v1', 'endpointslices')!)).items,
};
const objectsFile = join(server.dataDir, 'proxy-objects.json');
writeFileSync(objectsFile, JSON.stringify(stored));
process.stdout.write(`${JSON.stringify({ kubeconfig: server.kubeconfig, objects: objectsFile })}\n`);
const stop = async () => {
  await client.close();
  await server.stop();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
