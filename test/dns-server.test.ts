// The cluster DNS server on loopback, asked by a real resolver (Node's c-ares Resolver) and by raw
// queries: Service, headless, SRV, pod, PTR and ExternalName records as CoreDNS's kubernetes plugin
// gives them, NXDOMAIN versus NODATA, forwarding of other names to an upstream on loopback, a
// truncated UDP answer (TC) that the resolver completes over TCP, the cache, and the metrics.
import { createSocket } from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import dnsPacket from 'dns-packet';
import { Registry } from 'prom-client';
import t from 'tap';
import { createLogger } from '../lib/observe/logger.js';
import { ClusterRecords } from '../services/dns/cluster-records.js';
import { startDnsServer } from '../services/dns/dns-server.js';
import { fixedAnswerServer, service, slice } from './helpers/dns-fixtures.js';

async function rawQuery(port: number, name: string, type: 'A' | 'SRV'): Promise<dnsPacket.DecodedPacket> {
  const socket = createSocket('udp4');
  try {
    const answer = new Promise<Buffer>((resolve) => socket.once('message', resolve));
    socket.send(dnsPacket.encode({ id: 7, type: 'query', flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type, class: 'IN' }] }), port, '127.0.0.1');
    return dnsPacket.decode(await answer);
  } finally {
    socket.close();
  }
}

t.test('the cluster DNS server answers for Services and pods and forwards the rest', async (t) => {
  const upstream = await fixedAnswerServer('192.0.2.44');
  t.teardown(() => upstream.close());
  const records = new ClusterRecords();
  records.setService('default/web', service('default', 'web', { clusterIP: '10.96.12.34', clusterIPs: ['10.96.12.34'], ports: [{ name: 'http', port: 80, protocol: 'TCP' }, { port: 9000 }] }));
  records.setService('default/db', service('default', 'db', { clusterIP: 'None', ports: [{ name: 'pg', port: 5432 }] }));
  records.setSlice('default/db-abcde', slice('default', 'db', [{ ip: '10.244.1.5', hostname: 'db-0' }, { ip: '10.244.2.6', hostname: 'db-1' }, { ip: '10.244.2.7', ready: false }], [{ name: 'pg', port: 5432 }]));
  records.setService('default/search', service('default', 'search', { type: 'ExternalName', externalName: 'search.example.org' }));
  const many = Array.from({ length: 120 }, (_, i) => ({ ip: `10.244.3.${i + 1}` }));
  records.setService('default/big', service('default', 'big', { clusterIP: 'None' }));
  records.setSlice('default/big-abcde', slice('default', 'big', many, []));
  const registry = new Registry();
  const dns = await startDnsServer({ records, host: '127.0.0.1', port: 0, zone: 'cluster.local', ttl: 5, upstreams: [{ host: '127.0.0.1', port: upstream.port }], cacheSize: 1000, registry, log: createLogger('dns', 'silent'), now: () => Date.now() });
  t.teardown(() => dns.close());
  const resolver = new Resolver({ timeout: 2000, tries: 1 });
  resolver.setServers([`127.0.0.1:${dns.port}`]);

  // a Service by its full name: its ClusterIP; no AAAA for an IPv4 Service (NODATA, not NXDOMAIN)
  t.same(await resolver.resolve4('web.default.svc.cluster.local'), ['10.96.12.34']);
  await t.rejects(resolver.resolve6('web.default.svc.cluster.local'), { code: 'ENODATA' });
  await t.rejects(resolver.resolve4('nothere.default.svc.cluster.local'), { code: 'ENOTFOUND' }, 'an unknown Service is NXDOMAIN');
  await t.rejects(resolver.resolve4('web.other.svc.cluster.local'), { code: 'ENOTFOUND' });
  await t.rejects(resolver.resolve4('default.svc.cluster.local'), { code: 'ENODATA' }, 'a namespace with Services is a name without records');
  // names are case-insensitive
  t.same(await resolver.resolve4('WEB.Default.svc.cluster.local'), ['10.96.12.34']);

  // a headless Service: its ready endpoints; each endpoint by hostname
  t.same((await resolver.resolve4('db.default.svc.cluster.local')).sort(), ['10.244.1.5', '10.244.2.6']);
  t.same(await resolver.resolve4('db-1.db.default.svc.cluster.local'), ['10.244.2.6']);
  await t.rejects(resolver.resolve4('db-9.db.default.svc.cluster.local'), { code: 'ENOTFOUND' });

  // SRV for named ports: the Service's name for a ClusterIP Service, each endpoint for a headless one
  t.same(await resolver.resolveSrv('_http._tcp.web.default.svc.cluster.local'), [{ name: 'web.default.svc.cluster.local', port: 80, priority: 0, weight: 100 }]);
  await t.rejects(resolver.resolveSrv('_nope._tcp.web.default.svc.cluster.local'), { code: 'ENOTFOUND' });
  const pg = await resolver.resolveSrv('_pg._tcp.db.default.svc.cluster.local');
  t.same(pg.map((r) => `${r.name}:${r.port}`).sort(), ['db-0.db.default.svc.cluster.local:5432', 'db-1.db.default.svc.cluster.local:5432']);
  const raw = await rawQuery(dns.port, '_pg._tcp.db.default.svc.cluster.local', 'SRV');
  t.same(raw.additionals?.map((a) => 'data' in a && a.data).sort(), ['10.244.1.5', '10.244.2.6'], 'the targets\' addresses come along');
  t.ok(raw.flag_aa, 'cluster answers are authoritative');

  // pods by dashed address; PTR of a ClusterIP and of a headless endpoint
  t.same(await resolver.resolve4('10-244-1-5.default.pod.cluster.local'), ['10.244.1.5']);
  t.same(await resolver.reverse('10.96.12.34'), ['web.default.svc.cluster.local']);
  t.same(await resolver.reverse('10.244.1.5'), ['db-0.db.default.svc.cluster.local']);

  // a dual-stack Service: AAAA and its ip6.arpa PTR
  records.setService('default/both', service('default', 'both', { clusterIP: '10.96.12.40', clusterIPs: ['10.96.12.40', 'fd00:10:96::28'], ipFamilies: ['IPv4', 'IPv6'], ports: [] }));
  t.same(await resolver.resolve6('both.default.svc.cluster.local'), ['fd00:10:96::28']);
  t.same(await resolver.reverse('fd00:10:96::28'), ['both.default.svc.cluster.local']);

  // an ExternalName Service: a CNAME, and its target resolved upstream
  t.same(await resolver.resolveCname('search.default.svc.cluster.local'), ['search.example.org']);
  t.same(await resolver.resolve4('search.default.svc.cluster.local'), ['192.0.2.44']);

  // a name outside the cluster goes upstream, once: the second answer comes from the cache
  const before = upstream.questions.length;
  t.same(await resolver.resolve4('www.example.com'), ['192.0.2.44']);
  t.same(await resolver.resolve4('www.example.com'), ['192.0.2.44']);
  t.equal(upstream.questions.filter((q) => q === 'www.example.com').length, 1, 'asked upstream once');
  t.ok(upstream.questions.length > before);

  // 120 endpoints do not fit in 512 bytes: UDP says TC, and the resolver gets them all over TCP
  const truncated = await rawQuery(dns.port, 'big.default.svc.cluster.local', 'A');
  t.ok(truncated.flag_tc, 'the UDP answer is truncated');
  t.equal(truncated.answers?.length, 0);
  t.equal((await resolver.resolve4('big.default.svc.cluster.local')).length, 120, 'all 120 over TCP');

  // a change to the records is seen at once, cached answers notwithstanding
  records.setService('default/web', service('default', 'web', { clusterIP: '10.96.12.35', clusterIPs: ['10.96.12.35'], ports: [] }));
  t.same(await resolver.resolve4('web.default.svc.cluster.local'), ['10.96.12.35']);
  records.setService('default/web', undefined);
  await t.rejects(resolver.resolve4('web.default.svc.cluster.local'), { code: 'ENOTFOUND' });

  // CoreDNS's metric names
  const text = await registry.metrics();
  for (const name of ['coredns_dns_requests_total', 'coredns_dns_responses_total', 'coredns_dns_request_duration_seconds_bucket', 'coredns_cache_hits_total', 'coredns_cache_misses_total', 'coredns_forward_requests_total']) t.match(text, name);
  t.match(text, /coredns_dns_responses_total\{[^}]*rcode="NXDOMAIN"[^}]*\} [1-9]/);
  t.match(text, /coredns_dns_requests_total\{[^}]*proto="tcp"[^}]*\} [1-9]/);
});

t.test('an upstream that does not answer gives SERVFAIL', async (t) => {
  const records = new ClusterRecords();
  const silent = createSocket('udp4');
  await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
  t.teardown(() => silent.close());
  const dns = await startDnsServer({ records, host: '127.0.0.1', port: 0, zone: 'cluster.local', ttl: 5, upstreams: [{ host: '127.0.0.1', port: silent.address().port }], cacheSize: 10, registry: new Registry(), log: createLogger('dns', 'silent'), now: () => Date.now(), forwardTimeoutMs: 300 });
  t.teardown(() => dns.close());
  const answer = await rawQuery(dns.port, 'www.example.com', 'A');
  t.equal((answer.flags ?? 0) & 0xf, 2, 'SERVFAIL');
  t.equal(answer.id, 7);
});
