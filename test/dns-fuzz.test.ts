// Whatever bytes arrive on the DNS port, the server goes on serving: random datagrams and damaged
// real queries never throw out of the handler, and every reply it sends carries the query's ID and
// the response bit (FORMERR, NOTIMP or an answer), so a client can match it.
import dnsPacket from 'dns-packet';
import fc from 'fast-check';
import { Registry } from 'prom-client';
import t from 'tap';
import { AnswerCache } from '../services/dns/answer-cache.js';
import { ClusterAnswers } from '../services/dns/cluster-answers.js';
import { ClusterRecords } from '../services/dns/cluster-records.js';
import { Forwarder } from '../services/dns/forwarder.js';
import { DnsMetrics } from '../services/dns/metrics.js';
import { QueryHandler } from '../services/dns/query-handler.js';
import { service, slice } from './helpers/dns-fixtures.js';

function handler(): QueryHandler {
  const records = new ClusterRecords();
  records.setService('default/web', service('default', 'web', { clusterIP: '10.96.12.34', clusterIPs: ['10.96.12.34'], ports: [{ name: 'http', port: 80 }] }));
  records.setService('default/db', service('default', 'db', { clusterIP: 'None', ports: [{ name: 'pg', port: 5432 }] }));
  records.setSlice('default/db-abcde', slice('default', 'db', [{ ip: '10.244.1.5', hostname: 'db-0' }], [{ name: 'pg', port: 5432 }]));
  const cache = new AnswerCache(100);
  // no upstream: a forwarded question gets SERVFAIL at once
  return new QueryHandler({ records, answers: new ClusterAnswers(records, { zone: 'cluster.local', ttl: 5 }), forwarder: new Forwarder([]), cache, metrics: new DnsMetrics(new Registry(), 'dns://:53', () => cache.size), ttl: 5, server: 'dns://:53', now: () => 0 });
}

async function reply(h: QueryHandler, query: Buffer, tcp: boolean): Promise<Buffer | undefined> {
  return await h.handle(query, { tcp, family: 'IPv4' });
}

function checkReply(query: Buffer, response: Buffer | undefined): boolean {
  if (!response) return query.length < 12 || (query[2]! & 0x80) !== 0;
  return response.length >= 12 && response.readUInt16BE(0) === query.readUInt16BE(0) && (response[2]! & 0x80) !== 0;
}

const NAMES = ['web.default.svc.cluster.local', '_pg._tcp.db.default.svc.cluster.local', 'db-0.db.default.svc.cluster.local', '10-1-2-3.default.pod.cluster.local', '34.12.96.10.in-addr.arpa', 'cluster.local', 'example.com'];
const TYPES = ['A', 'AAAA', 'SRV', 'PTR', 'TXT', 'SOA', 'NS', 'CNAME'] as const;

t.test('random datagrams', async (t) => {
  const h = handler();
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 600 }), fc.boolean(), async (bytes, tcp) => {
      const query = Buffer.from(bytes);
      return checkReply(query, await reply(h, query, tcp));
    }),
    { numRuns: 3000 },
  );
  t.pass('3,000 random datagrams answered or dropped as they should be');
});

t.test('real queries with damaged bytes', async (t) => {
  const h = handler();
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...NAMES),
      fc.constantFrom(...TYPES),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
      fc.nat({ max: 40 }),
      async (name, type, damage, cut) => {
        const query = dnsPacket.encode({ id: 4242, type: 'query', flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type, class: 'IN' }] });
        for (const [at, value] of damage) query[12 + (at % Math.max(1, query.length - 12))] = value;
        const damaged = cut > 0 && cut < query.length - 12 ? query.subarray(0, query.length - cut) : query;
        return checkReply(damaged, await reply(h, Buffer.from(damaged), false));
      },
    ),
    { numRuns: 3000 },
  );
  t.pass('3,000 damaged queries answered with their ID');
});
