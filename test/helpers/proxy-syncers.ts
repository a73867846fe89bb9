// A process (started in a scratch network namespace) running the proxy's syncers as
// services/proxy wires them, one per IP family this namespace's iptables-legacy supports, over
// the Services and EndpointSlices of a fixture file and a node with the given addresses; applies
// one full sync per family with iptables-legacy-restore / ip6tables-legacy-restore, prints
// {"families"} as one line and exits.
import { readFileSync } from 'node:fs';
import { realClock } from '../../lib/client/clock.js';
import { nativeProxyRules } from '../../lib/native/proxy.js';
import { createLogger } from '../../lib/observe/logger.js';
import { createMetricsRegistry } from '../../lib/observe/metrics.js';
import { readProxyObjects } from '../../lib/proxy/objects.js';
import { Iptables, proxyFamilies } from '../../services/proxy/iptables.js';
import { ProxyMetrics } from '../../services/proxy/metrics.js';
import { Syncer } from '../../services/proxy/syncer.js';

const [fixture, nodeName, ...nodeIPs] = process.argv.slice(2);
if (!fixture || !nodeName || nodeIPs.length === 0) throw new Error('usage: proxy-syncers FIXTURE NODE NODE_IP...');

const objects = readProxyObjects(readFileSync(fixture, 'utf8'));
const native = nativeProxyRules();
const metrics = new ProxyMetrics(createMetricsRegistry('proxy'));
const log = createLogger('proxy', 'warn');
const families = await proxyFamilies('legacy');
const key = (o: { metadata?: { namespace?: string; name?: string } }) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

for (const family of families) {
  const settings = { nodeName, ipFamily: family, localDetect: { mode: 'None' as const } };
  const syncer = new Syncer({
    family,
    settings,
    state: native.state(settings),
    iptables: new Iptables('legacy', family),
    syncPeriodMs: 30_000,
    minSyncPeriodMs: 0,
    metrics,
    clock: realClock,
    log,
  });
  syncer.setNode({ metadata: { name: nodeName }, status: { addresses: nodeIPs.map((address) => ({ type: 'InternalIP', address })) } });
  for (const service of objects.services) syncer.setService(service, key(service));
  for (const slice of objects.endpointSlices) syncer.setSlice(slice, key(slice));
  syncer.markSynced('services');
  syncer.markSynced('slices');
  await syncer.idle();
  if (syncer.sinceLastSuccess() === Infinity) throw new Error(`the ${family} sync failed`);
  await syncer.stop();
}
process.stdout.write(`${JSON.stringify({ families })}\n`);
