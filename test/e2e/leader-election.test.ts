// Leader election between candidate processes on a real apiserver: one leads; killing it hands
// the lease to the other within the lease duration plus a retry period; a cleanly stopped leader
// releases the lease so the other takes over at once; and the recorded timeline never shows
// two leaders at the same moment.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import t from 'tap';
import { LeaderElector } from '../../lib/client/leader-election.js';
import { RestClient } from '../../lib/client/rest-client.js';
import { startApiserver, type ApiserverProcess } from '../../lib/launch/apiserver-process.js';
import { DIST } from '../helpers/paths.js';
import { until } from '../helpers/until.js';

const LEASE_MS = 3000;
const RENEW_MS = 2000;
const RETRY_MS = 500;

interface Transition {
  event: 'started' | 'leading' | 'stopped' | 'exited' | 'killed';
  identity: string;
  t: number;
}

let server: ApiserverProcess;
t.before(async () => {
  server = await startApiserver();
});
t.teardown(() => server.stop());

const timeline: Transition[] = [];

function candidate(identity: string): { child: ChildProcess; exited: Promise<void> } {
  const child = spawn(process.execPath, [join(DIST, 'test', 'helpers', 'lease-candidate.js'), server.kubeconfig, identity, String(LEASE_MS), String(RENEW_MS), String(RETRY_MS)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let buffer = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    buffer += chunk;
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      timeline.push(JSON.parse(buffer.slice(0, nl)) as Transition);
      buffer = buffer.slice(nl + 1);
    }
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, exited };
}

const leadingSince = (identity: string, after: number): Transition | undefined => timeline.find((e) => e.identity === identity && e.event === 'leading' && e.t > after);

/** Leadership intervals per candidate from the timeline (a kill ends one, as seen by the test). */
function intervals(): { identity: string; from: number; to: number }[] {
  const open = new Map<string, number>();
  const out: { identity: string; from: number; to: number }[] = [];
  for (const e of [...timeline].sort((a, b) => a.t - b.t)) {
    if (e.event === 'leading') open.set(e.identity, e.t);
    else if ((e.event === 'stopped' || e.event === 'killed') && open.has(e.identity)) {
      out.push({ identity: e.identity, from: open.get(e.identity)!, to: e.t });
      open.delete(e.identity);
    }
  }
  for (const [identity, from] of open) out.push({ identity, from, to: Infinity });
  return out;
}

t.test('two candidates: kill the holder, the other leads in time; never two leaders', async (t) => {
  // 1. start two candidates together: exactly one leads
  const a = candidate('a');
  const b = candidate('b');
  t.teardown(() => {
    for (const c of [a, b]) c.child.kill('SIGKILL');
  });
  t.ok(await until(() => timeline.some((e) => e.event === 'leading'), 10_000), 'someone leads');
  await new Promise((resolve) => setTimeout(resolve, LEASE_MS));
  const leaders = timeline.filter((e) => e.event === 'leading');
  t.equal(leaders.length, 1, 'only one of them');
  const first = leaders[0]!.identity;
  const [holder, other] = first === 'a' ? [a, b] : [b, a];
  const otherId = first === 'a' ? 'b' : 'a';

  // 2. kill the holder without a chance to release
  holder.child.kill('SIGKILL');
  await holder.exited;
  const killedAt = performance.timeOrigin + performance.now();
  timeline.push({ event: 'killed', identity: first, t: killedAt });

  // 3. the other takes over within lease duration + retry period, not before the lease ran out
  t.ok(await until(() => leadingSince(otherId, killedAt) !== undefined, LEASE_MS + 3 * RETRY_MS + 2000), 'the other candidate leads');
  const takeover = leadingSince(otherId, killedAt)!.t - killedAt;
  t.ok(takeover <= LEASE_MS + RETRY_MS, `took over ${Math.round(takeover)} ms after the kill (≤ ${LEASE_MS + RETRY_MS})`);
  // The holder renewed at most a retry period (plus a request) before it died.
  t.ok(takeover >= LEASE_MS - 2 * RETRY_MS, `and not before the holder's last renewal could have expired (${Math.round(takeover)} ms)`);

  // 4. the killed candidate comes back: it follows; then the leader stops cleanly and releases
  const again = candidate(first);
  t.teardown(() => again.child.kill('SIGKILL'));
  await new Promise((resolve) => setTimeout(resolve, 2 * RETRY_MS));
  t.notOk(leadingSince(first, killedAt), 'the restarted candidate does not take a held lease');
  other.child.kill('SIGTERM');
  await other.exited;
  const releasedAt = performance.timeOrigin + performance.now();
  t.ok(await until(() => leadingSince(first, releasedAt - 1000) !== undefined, 3000), 'the released lease is taken');
  const handover = leadingSince(first, releasedAt - 1000)!.t - releasedAt;
  t.ok(handover <= 2 * RETRY_MS, `within ${Math.round(handover)} ms of the release (no waiting out the lease)`);

  // 5. the timeline never has two leaders at once
  const spans = intervals();
  for (let i = 0; i < spans.length; i++) {
    for (let j = i + 1; j < spans.length; j++) {
      const [x, y] = [spans[i]!, spans[j]!];
      t.ok(x.to <= y.from || y.to <= x.from, `${x.identity} [${x.from}, ${x.to}] and ${y.identity} [${y.from}, ${y.to}] do not overlap`);
    }
  }
  t.ok(spans.length >= 3, `${spans.length} leadership spans recorded`);
});

t.test('a lease held by a live leader is never taken; config is checked', async (t) => {
  const client = RestClient.fromKubeconfig(server.kubeconfig);
  t.teardown(() => client.close());
  const events: string[] = [];
  const make = (identity: string) =>
    new LeaderElector({
      client,
      namespace: 'default',
      name: 'steady',
      identity,
      leaseDurationMs: 1500,
      renewDeadlineMs: 1000,
      retryPeriodMs: 200,
      callbacks: { onStartedLeading: () => events.push(`${identity} leads`), onStoppedLeading: () => events.push(`${identity} stops`) },
    });
  const [x, y] = [make('x'), make('y')];
  const stopX = new AbortController();
  const stopY = new AbortController();
  const runX = x.run(stopX.signal);
  await until(() => x.isLeader(), 5000);
  const runY = y.run(stopY.signal);
  await new Promise((resolve) => setTimeout(resolve, 3000));
  t.same(events, ['x leads'], 'y waited the whole time');
  t.equal(y.getLeader(), 'x');
  stopX.abort();
  await runX;
  await until(() => y.isLeader(), 2000);
  stopY.abort();
  await runY;
  t.same(events, ['x leads', 'x stops', 'y leads', 'y stops']);

  t.throws(() => make('').isLeader(), /non-empty identity/);
  t.throws(
    () => new LeaderElector({ client, namespace: 'default', name: 'n', identity: 'i', leaseDurationMs: 1000, renewDeadlineMs: 2000, callbacks: { onStartedLeading: () => undefined, onStoppedLeading: () => undefined } }),
    /leaseDuration .* must be greater than renewDeadline/,
  );
});
