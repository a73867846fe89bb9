// Every cluster IP a Service holds is also an IPAddress object naming the Service, written and
// removed in the Service's own transaction, as kube-apiserver 1.36's allocator keeps them; the
// "kubernetes" ServiceCIDR holds the service range from the first start.
import t from 'tap';
import { type Body, injectEach } from './helpers/inject-each.js';

const { send } = injectEach(t);

const address = (ip: string) => send('GET', `/apis/networking.k8s.io/v1/ipaddresses/${ip}`);

t.test('the kubernetes Service address and ServiceCIDR exist from the start', async (t) => {
  const first = await address('10.96.0.1');
  t.equal(first.statusCode, 200);
  t.same((first.body.spec as Body).parentRef, { resource: 'services', namespace: 'default', name: 'kubernetes' });
  t.same((first.body.metadata as { labels: Body }).labels, { 'ipaddress.kubernetes.io/ip-family': 'IPv4', 'ipaddress.kubernetes.io/managed-by': 'ipallocator.k8s.io' });
  const cidr = await send('GET', '/apis/networking.k8s.io/v1/servicecidrs/kubernetes');
  t.same((cidr.body.spec as Body).cidrs, ['10.96.0.0/12']);
  const ready = (cidr.body.status as { conditions: Body[] }).conditions[0]!;
  t.same([ready.type, ready.status, ready.message], ['Ready', 'True', 'Kubernetes default Service CIDR is ready']);
});

t.test("a Service's cluster IP comes and goes with its IPAddress", async (t) => {
  const created = await send('POST', '/api/v1/namespaces/default/services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { ports: [{ port: 80 }] } });
  t.equal(created.statusCode, 201);
  const ip = (created.body.spec as { clusterIP: string }).clusterIP;
  const held = await address(ip);
  t.equal(held.statusCode, 200);
  t.same((held.body.spec as Body).parentRef, { resource: 'services', namespace: 'default', name: 'web' }, 'the empty core group is omitted, as Go omits it');
  t.equal((await send('DELETE', '/api/v1/namespaces/default/services/web')).statusCode, 200);
  t.equal((await address(ip)).statusCode, 404, 'freed with the Service');
});

t.test('an address held by an IPAddress object is not handed out', async (t) => {
  const taken = await send('POST', '/apis/networking.k8s.io/v1/ipaddresses', {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IPAddress',
    metadata: { name: '10.96.0.50' },
    spec: { parentRef: { group: 'example.com', resource: 'gateways', namespace: 'default', name: 'gw' } },
  });
  t.equal(taken.statusCode, 201);
  const asked = await send('POST', '/api/v1/namespaces/default/services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'fixed' }, spec: { clusterIP: '10.96.0.50', ports: [{ port: 80 }] } });
  t.equal(asked.statusCode, 422);
  t.match(asked.body.message, /failed to allocate IP 10\.96\.0\.50: provided IP is already allocated/);
});
