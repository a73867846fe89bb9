// The simulated runtime on a FakeClock: stages move containers on time (start, ready, exit), init
// containers run to completion, a kill honours the grace period, addresses come from the node's
// pod CIDR and go back, and a runtime built on the same checkpoint (a restarted kubelet) finds the
// same containers with their pending stages.
import type { Pod } from 'kubernetes-types/core/v1.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { FakeClock } from '../lib/client/clock.js';
import { SimCheckpoint } from '../services/kubelet/runtime/sim/checkpoint.js';
import { SimRuntime } from '../services/kubelet/runtime/sim/sim-runtime.js';
import { DEFAULT_STAGES, parseStages } from '../services/kubelet/runtime/sim/stages.js';

function pod(uid: string, extra: Partial<Pod['spec']> = {}, labels: Record<string, string> = {}): Pod {
  return { metadata: { uid, name: `pod-${uid}`, namespace: 'default', labels }, spec: { containers: [{ name: 'app', image: 'busybox' }], ...extra } };
}

const stages = parseStages({
  stages: [
    { step: 'start', delay: '1s' },
    { step: 'ready', delay: '2s' },
    { step: 'exit', selector: { labels: { run: 'once' } }, delay: '5s', exitCode: 3 },
    { step: 'stop', selector: { labels: { stop: 'slow' } }, delay: '20s' },
  ],
});

t.test('stages move containers on the injected clock', async (t) => {
  const clock = new FakeClock();
  const runtime = new SimRuntime({ nodeName: 'n', clock, stages, checkpoint: new SimCheckpoint({ path: '', clock }) });
  await runtime.setPodCIDRs(['10.244.3.0/24']);
  const changed: string[] = [];
  runtime.onChange((uid) => changed.push(uid));

  const result = await runtime.syncPod(pod('a', {}, { run: 'once' }), { ensureSandbox: true, kill: [], start: ['app'] });
  t.same(result.failures, []);
  t.same(result.observed.sandbox?.ips, ['10.244.3.2'], 'the first pod address of the CIDR');
  t.equal(result.observed.containers[0]?.state, 'created');
  await clock.advance(1000);
  t.match((await runtime.podStatus('a'))?.containers[0], { state: 'running', ready: false, startedAt: clock.now() });
  await clock.advance(2000);
  t.equal((await runtime.podStatus('a'))?.containers[0]?.ready, true, 'ready 2 s after start');
  await clock.advance(5000);
  t.match((await runtime.podStatus('a'))?.containers[0], { state: 'exited', exitCode: 3, reason: 'Error', ready: false });
  t.same(changed, ['a', 'a', 'a'], 'each step notified');

  // a restart is a new instance with attempt + 1
  const again = await runtime.syncPod(pod('a', {}, { run: 'once' }), { ensureSandbox: false, kill: [], start: ['app'] });
  t.equal(again.observed.containers[0]?.attempt, 1);
  t.not(again.observed.containers[0]?.id, result.observed.containers[0]?.id);
});

t.test('init containers complete before the containers; unknown containers fail', async (t) => {
  const clock = new FakeClock();
  const runtime = new SimRuntime({ nodeName: 'n', clock, stages: DEFAULT_STAGES, checkpoint: new SimCheckpoint({ path: '', clock }) });
  await runtime.setPodCIDRs(['10.244.0.0/24']);
  const withInit = pod('b', { initContainers: [{ name: 'setup', image: 'busybox' }] });
  const first = await runtime.syncPod(withInit, { ensureSandbox: true, kill: [], start: ['setup'] });
  t.match(first.observed.containers[0], { name: 'setup', state: 'exited', exitCode: 0, reason: 'Completed' });
  const missing = await runtime.syncPod(withInit, { ensureSandbox: false, kill: [], start: ['nope'] });
  t.match(missing.failures, [{ container: 'nope', reason: 'CreateContainerError' }]);
});

t.test('a kill waits for the stop stage but never beyond the grace period; addresses return', async (t) => {
  const clock = new FakeClock();
  const runtime = new SimRuntime({ nodeName: 'n', clock, stages, checkpoint: new SimCheckpoint({ path: '', clock }) });
  await runtime.setPodCIDRs(['10.244.0.0/30']);
  const slow = pod('c', {}, { stop: 'slow' });
  await runtime.syncPod(slow, { ensureSandbox: true, kill: [], start: ['app'] });
  const full = await runtime.syncPod(pod('d'), { ensureSandbox: true, kill: [], start: ['app'] });
  t.match(full.failures, [{ reason: 'FailedCreatePodSandBox' }], 'a /30 has one pod address');
  await clock.advance(1000);
  let done = false;
  const killing = runtime.killPod({ uid: 'c', name: 'pod-c', namespace: 'default', pod: slow }, 5).then(() => (done = true));
  await clock.advance(4000);
  t.notOk(done, 'still within the grace period');
  await clock.advance(1000);
  await killing;
  t.match((await runtime.podStatus('c'))?.containers[0], { state: 'exited', exitCode: 137 }, 'killed at the end of the grace period');
  t.equal((await runtime.podStatus('c'))?.sandbox?.ready, false);
  const retried = await runtime.syncPod(pod('d'), { ensureSandbox: true, kill: [], start: ['app'] });
  t.same(retried.observed.sandbox?.ips, ['10.244.0.2'], 'the address went back to the pool');
});

t.test('a runtime on the same checkpoint adopts the containers and their pending stages', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rudder-sim-checkpoint-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'sim.json');
  const clock = new FakeClock();
  const before = new SimRuntime({ nodeName: 'n', clock, stages, checkpoint: new SimCheckpoint({ path, clock }) });
  await before.setPodCIDRs(['10.244.0.0/24']);
  const first = await before.syncPod(pod('e', {}, { run: 'once' }), { ensureSandbox: true, kill: [], start: ['app'] });
  await clock.advance(1500); // past the checkpoint's 1 s flush interval
  await before.close();
  const after = new SimRuntime({ nodeName: 'n', clock, stages, checkpoint: new SimCheckpoint({ path, clock }) });
  const adopted = await after.relist();
  t.match(adopted, [{ uid: 'e', containers: [{ id: first.observed.containers[0]!.id, state: 'running', startedAt: first.observed.containers[0]!.createdAt + 1000 }] }]);
  await clock.advance(1500);
  t.equal((await after.podStatus('e'))?.containers[0]?.ready, true, 'the ready stage still falls due');
  await clock.advance(5000);
  t.equal((await after.podStatus('e'))?.containers[0]?.state, 'exited', 'and so does the exit');
});

t.test('stage files are checked', async (t) => {
  t.throws(() => parseStages({ stages: [{ step: 'explode' }] }), /stages\[0\]\.step: expected one of start, ready, exit, stop/);
  t.throws(() => parseStages({ stages: [{ step: 'exit', exitCode: 300 }] }), /exitCode: expected an integer 0-255/);
  t.throws(() => parseStages({ stages: [{ step: 'ready', delay: 'soon' }] }), /stages\[0\]\.delay: invalid duration/);
  t.throws(() => parseStages({}), /expected a list under "stages"/);
});
