// The native proxy state a proxy syncs from: after any sequence of Service and EndpointSlice
// changes, each sync prints what the TypeScript reference prints for the whole cluster with the
// services changed since the last sync (the state tracks them itself); the async and sync forms
// agree; bad settings and bad objects are refused with InvalidArgument, and refused changes stay
// pending rather than being lost.
import t from 'tap';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { Service } from 'kubernetes-types/core/v1.js';
import { syntheticCluster } from '../lib/launch/proxy-cluster.js';
import { nativeProxyRules } from '../lib/native/proxy.js';
import { compileReference } from '../lib/proxy/iptables.js';
import type { ProxyInput } from '../lib/proxy/model.js';

const native = nativeProxyRules();
const key = (o: { metadata?: { namespace?: string; name?: string } }) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

t.test('each sync of the state prints what the reference prints for the whole cluster', async (t) => {
  let cluster: ProxyInput = syntheticCluster(40, 3);
  const state = native.state(cluster.settings);
  for (const service of cluster.services) state.setService(key(service), service);
  for (const slice of cluster.endpointSlices) state.setSlice(key(slice), slice);
  const first = await state.sync({ full: true });
  t.equal(first.rules.toString(), compileReference(cluster, { full: true }).text, 'the first (full) sync');

  // 1. nothing changed: a partial sync writes no service chains
  t.equal(state.syncNow({ full: false }).rules.toString(), compileReference(cluster, { full: false }).text, 'an idle partial sync');

  // 2. one endpoint moves and one service goes away
  const slice: EndpointSlice = structuredClone(cluster.endpointSlices[3]!);
  slice.endpoints[0]!.addresses = ['10.250.0.1'];
  const gone: Service = cluster.services[7]!;
  cluster = { ...cluster, services: cluster.services.filter((s) => s !== gone), endpointSlices: cluster.endpointSlices.map((s) => (key(s) === key(slice) ? slice : s)) };
  state.setSlice(key(slice), slice);
  state.setService(key(gone), undefined);
  const before = state.activeNatChains();
  const partial = await state.sync({ full: false, existingNatChains: before });
  const expected = compileReference(cluster, { full: false, changedServices: [key(cluster.services[3]!), key(gone)], existingNatChains: before });
  t.equal(partial.rules.toString(), expected.text, 'a partial sync writes the changed services and deletes stale chains');
  t.equal(partial.deletedChains, expected.deletedChains);
  t.ok(partial.deletedChains >= 2, 'the moved endpoint and the removed service lose their chains');

  // 3. a full sync without the kernel's chains deletes nothing the last sync still used
  const full = state.syncNow({ full: true });
  t.equal(full.rules.toString(), compileReference(cluster, { full: true, existingNatChains: state.activeNatChains() }).text);
  t.equal(full.deletedChains, 0);
});

t.test('sync and async syncs agree', async (t) => {
  const cluster = syntheticCluster(20, 2);
  const [a, b] = [native.state(cluster.settings), native.state(cluster.settings)];
  for (const s of [a, b]) for (const service of cluster.services) s.setService(key(service), service);
  for (const s of [a, b]) for (const slice of cluster.endpointSlices) s.setSlice(key(slice), slice);
  const [now, later] = [a.syncNow({ full: true }), await b.sync({ full: true })];
  t.equal(now.rules.toString(), later.rules.toString());
  t.same({ ...now, rules: undefined }, { ...later, rules: undefined });
});

t.test('bad settings and bad objects are refused, and refused changes stay pending', async (t) => {
  t.throws(() => native.state({ masqueradeBit: 40 }), { code: 'InvalidArgument' });
  t.throws(() => native.state({ ipFamily: 'IPv5' as 'IPv4' }), { code: 'InvalidArgument' });

  const cluster = syntheticCluster(3, 1);
  const state = native.state(cluster.settings);
  for (const service of cluster.services) state.setService(key(service), service);
  state.setSlice('ns-0/bad', { addressType: 'IPv4', endpoints: 'not a list' } as unknown as EndpointSlice);
  await t.rejects(state.sync({ full: true }), { message: /invalid changes/ });
  t.throws(() => state.syncNow({ full: true }), { code: 'InvalidArgument' }, 'the refused changes are still pending');

  state.setSlice('ns-0/bad', undefined);
  for (const slice of cluster.endpointSlices) state.setSlice(key(slice), slice);
  t.equal((await state.sync({ full: true })).rules.toString(), compileReference(cluster, { full: true }).text, 'the services refused once are synced with the fix');
});
