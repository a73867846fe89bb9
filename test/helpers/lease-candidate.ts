// A leader-election candidate as its own process, for tests that kill it: campaigns for a Lease
// and prints one JSON line per transition ({"event":"leading"|"stopped","t":epoch ms}).
// Usage: node lease-candidate.js KUBECONFIG IDENTITY LEASE_MS RENEW_MS RETRY_MS
import { LeaderElector } from '../../lib/client/leader-election.js';
import { RestClient } from '../../lib/client/rest-client.js';

const [kubeconfig, identity, lease, renew, retry] = process.argv.slice(2);
if (!kubeconfig || !identity) {
  process.stderr.write('usage: lease-candidate.js KUBECONFIG IDENTITY LEASE_MS RENEW_MS RETRY_MS\n');
  process.exit(2);
}
const say = (event: string): void => void process.stdout.write(`${JSON.stringify({ event, identity, t: performance.timeOrigin + performance.now() })}\n`);
const client = RestClient.fromKubeconfig(kubeconfig, { encoding: 'msgpack', maxRetries: 0, timeoutMs: 2000 });
const elector = new LeaderElector({
  client,
  namespace: 'kube-system',
  name: 'test-controller',
  identity,
  leaseDurationMs: Number(lease),
  renewDeadlineMs: Number(renew),
  retryPeriodMs: Number(retry),
  callbacks: { onStartedLeading: () => say('leading'), onStoppedLeading: () => say('stopped') },
});
const controller = new AbortController();
process.on('SIGTERM', () => controller.abort());
say('started');
await elector.run(controller.signal);
await client.close();
say('exited');
