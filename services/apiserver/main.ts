// rudder-apiserver: configuration and wiring only.
import { ensureKubeletClientCert } from '../../lib/pki/kubelet-client.js';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadOptions } from '../../lib/config/options.js';
import { Store } from '../../lib/native/store.js';
import { createLogger } from '../../lib/observe/logger.js';
import { createMetricsRegistry } from '../../lib/observe/metrics.js';
import { registerStoreMetrics } from './store-metrics.js';
import { logProcessFaults } from '../../lib/observe/process-faults.js';
import { defaultServingHosts, ensurePki } from '../../lib/pki/certs.js';
import { ensureRaftPeerCert } from '../../lib/pki/raft-peer.js';
import { ensureTokenFile, readTokenFile } from '../../lib/pki/tokens.js';
import { ensureServiceAccountKey } from '../../lib/pki/service-account-key.js';
import { bootstrapWhenWritable } from './bootstrap.js';
import { startCompactor } from './compactor.js';
import { apiserverOptions } from './options.js';
import { replicationOptions } from './replication.js';
import { servingLimits } from './http/serving-limits.js';
import { auditOptions } from './audit/audit-options.js';
import { loadAdmissionConfiguration } from './admission/admission-configuration.js';
import { podSecurityConfiguration, type PodSecurityConfiguration } from './admission/pod-security-configuration.js';
import { loadEncryptionConfig } from './encryption/encryption-config.js';
import { EncryptingTransformer } from './encryption/encrypting-transformer.js';
import { buildApiServer } from './server.js';
import { RedisPublisher } from './watch/redis-publisher.js';

const options = loadOptions('rudder-apiserver', apiserverOptions, { description: 'The Rudder API server: Kubernetes REST over a durable MVCC store.' });
const log = createLogger('apiserver', options.logLevel);
const dataDir = resolve(options.dataDir);
mkdirSync(dataDir, { recursive: true, mode: 0o700 });

const hosts = [...defaultServingHosts(), options.advertiseAddress];
if (options.bindAddress !== '0.0.0.0' && options.bindAddress !== '::') hosts.push(options.bindAddress);
const certDir = options.certDir ? resolve(options.certDir) : join(dataDir, 'pki');
const pki = await ensurePki(certDir, hosts);
const tokenFile = options.tokenAuthFile ? resolve(options.tokenAuthFile) : join(dataDir, 'tokens.csv');
ensureTokenFile(tokenFile);
const tokens = readTokenFile(tokenFile);
const serviceAccountKey = await ensureServiceAccountKey(certDir);

let replication;
let serving;
let audit: ReturnType<typeof auditOptions>;
let encryption;
let podSecurity: PodSecurityConfiguration;
try {
  replication = replicationOptions(options);
  serving = servingLimits(options);
  audit = auditOptions(options);
  try {
    podSecurity = podSecurityConfiguration(loadAdmissionConfiguration(options.admissionControlConfigFile).pluginConfiguration('PodSecurity'));
  } catch (error) {
    throw new Error(`--admission-control-config-file ${options.admissionControlConfigFile}: ${(error as Error).message}`);
  }
  encryption = options.encryptionProviderConfig ? new EncryptingTransformer(loadEncryptionConfig(options.encryptionProviderConfig)) : undefined;
} catch (error) {
  process.stderr.write(`rudder-apiserver: ${(error as Error).message}\n`);
  process.exit(2);
}
// Replicas talk mutual TLS: each proves its id with a peer certificate from the cluster CA.
const replicated = replication && { ...replication, tls: await ensureRaftPeerCert(certDir, replication.id) };
const store = Store.open({ dataDir: join(dataDir, 'store'), historyRevisions: options.historyRevisions, replication: replicated });
if (encryption) store.setTransformer(encryption);
let bootstrapped = false;
const metrics = createMetricsRegistry('apiserver');
const faults = logProcessFaults(log, metrics);
registerStoreMetrics(metrics, store);
const server = await buildApiServer({
  store,
  log,
  metrics,
  tokens: () => tokens,
  serviceCidr: options.serviceClusterIpRange,
  nodePortRange: options.serviceNodePortRange,
  bookmarkIntervalMs: options.watchBookmarkInterval,
  minRequestTimeoutSeconds: Math.round(options.minRequestTimeout / 1000),
  readyz: { bootstrap: () => bootstrapped },
  // Clients may present a certificate from the cluster CA (CN = user, O = groups).
  https: { key: readFileSync(pki.serverKey), cert: readFileSync(pki.serverCert), ca: readFileSync(pki.caCert) },
  serving,
  apiAudiences: options.apiAudiences,
  authorizationMode: options.authorizationMode,
  anonymousAuth: options.anonymousAuth,
  serviceAccountKey,
  serviceAccountIssuer: options.serviceAccountIssuer,
  kubeletTls: await ensureKubeletClientCert(certDir),
  audit,
  podSecurity: podSecurity!,
});
const stopCompactor = startCompactor(store, options.compactionInterval, log);
// Only the Raft leader publishes (a single replica has no Raft role: it always leads).
const publisher =
  options.bus === 'redis'
    ? new RedisPublisher({ store, url: options.redisUrl, log, isLeader: () => (store.replicaStatus()?.role ?? 'leader') === 'leader', maxLen: options.redisStreamMaxLen, metrics })
    : undefined;
await publisher?.start();

await server.app.listen({ host: options.bindAddress, port: options.securePort });
const address = server.app.server.address();
const port = typeof address === 'object' && address ? address.port : options.securePort;
await bootstrapWhenWritable(
  server.storage,
  { serviceIP: server.allocator.firstAddress(), serviceCIDRs: options.serviceClusterIpRange.split(','), advertiseAddress: options.advertiseAddress, port },
  log,
);
bootstrapped = true;
faults.serving();
log.info({ address: `https://${options.bindAddress}:${port}`, dataDir, replica: replication?.id, peerAddress: replication?.listen }, 'apiserver ready');

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'shutting down');
  stopCompactor();
  const force = setTimeout(() => process.exit(1), 10_000);
  force.unref();
  await server.app.close();
  await publisher?.close();
  await audit?.sink.close();
  await store.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
