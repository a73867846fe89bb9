// The two DNS servers the dns benchmark loads, each run as its own process (one core each):
//   cluster  — Rudder's DNS server over SERVICES Services in namespace "bench" (svc-0 … svc-N)
//   baseline — a trivial responder made with the same wire-format library: every A question
//              decoded and answered with one fixed address, no lookup, no cache
// Usage: node dns-servers.js cluster|baseline PORT. Prints "ready" once it listens.
import { createSocket } from 'node:dgram';
import dnsPacket from 'dns-packet';
import { Registry } from 'prom-client';
import { createLogger } from '../../lib/observe/logger.js';
import { ClusterRecords } from '../../services/dns/cluster-records.js';
import { startDnsServer } from '../../services/dns/dns-server.js';

export const BENCH_SERVICES = 1000;

/** svc-i's ClusterIP. */
export function benchClusterIP(i: number): string {
  return `10.96.${Math.floor(i / 250) + 1}.${(i % 250) + 1}`;
}

async function cluster(port: number): Promise<void> {
  const records = new ClusterRecords();
  for (let i = 0; i < BENCH_SERVICES; i++) {
    const ip = benchClusterIP(i);
    records.setService(`bench/svc-${i}`, { metadata: { namespace: 'bench', name: `svc-${i}` }, spec: { clusterIP: ip, clusterIPs: [ip], ports: [{ name: 'http', port: 80 }] } });
  }
  await startDnsServer({ records, host: '127.0.0.1', port, zone: 'cluster.local', ttl: 5, upstreams: [], cacheSize: 10_000, registry: new Registry(), log: createLogger('dns', 'silent'), now: () => Date.now() });
}

async function baseline(port: number): Promise<void> {
  const socket = createSocket('udp4');
  socket.on('message', (message, peer) => {
    const query = dnsPacket.decode(message);
    const question = query.questions![0]!;
    const response = dnsPacket.encode({ id: query.id ?? 0, type: 'response', flags: dnsPacket.AUTHORITATIVE_ANSWER | dnsPacket.RECURSION_AVAILABLE, questions: [question], answers: [{ name: question.name, type: 'A', ttl: 5, data: '10.96.0.1' }] });
    socket.send(response, peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(port, '127.0.0.1', resolve));
}

if (process.argv[1]?.endsWith('dns-servers.js')) {
  const [kind, portText] = process.argv.slice(2);
  if (kind === 'cluster') await cluster(Number(portText));
  else if (kind === 'baseline') await baseline(Number(portText));
  else {
    process.stderr.write('usage: dns-servers.js cluster|baseline PORT\n');
    process.exit(2);
  }
  process.stdout.write('ready\n');
  process.on('SIGTERM', () => process.exit(0));
}
