// The CRI runtime of a node, driven through the kubelet's PodRuntime boundary on a real local
// node (containerd + runc): init containers run first, env and $(VAR) references reach the
// process, requests and limits land in the container's cgroups, a container over its memory
// limit ends OOMKilled, exec probes run through ExecSync, stops honour the grace period and run
// preStop first, logs are CRI-format files under the pod's log directory and rotate past their
// size, a dead sandbox is
// replaced by a new attempt, a new runtime instance (a restarted kubelet) adopts what runs, and
// 20 create/delete cycles leave nothing behind.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Pod } from 'kubernetes-types/core/v1.js';
import t from 'tap';
import { CriClient } from '../lib/cri/client.js';
import { BUSYBOX_IMAGE, NODE_IMAGE } from '../lib/images/local-images.js';
import { cgroupHierarchies } from '../lib/host/cgroups.js';
import { cleanupLocalNodes, type LocalNode } from '../lib/local-nodes/local-nodes.js';
import { inNode } from '../lib/local-nodes/network.js';
import { mountTable } from '../lib/host/mounts.js';
import type { CriRuntime } from '../services/kubelet/runtime/cri/cri-runtime.js';
import { localNodeRuntime } from '../services/kubelet/runtime/cri/local-node-runtime.js';
import { ContainerLogRotator } from '../services/kubelet/runtime/cri/log-rotation.js';
import type { PodObservation, PodSyncPlan } from '../services/kubelet/runtime/pod-runtime.js';
import { leftovers, localNodesSkip, startTestNodes, type TestNodes } from './helpers/local-nodes.js';
import { until } from './helpers/until.js';

const skip = localNodesSkip();

let counter = 0;
function pod(spec: Pod['spec'], qosClass = 'BestEffort', name = `pod-${++counter}`): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `0000-${process.pid}-${counter}-${name}`, labels: { app: name } },
    spec: { terminationGracePeriodSeconds: 5, ...spec, containers: spec?.containers ?? [] },
    status: { qosClass },
  };
}

function runtimeFor(node: LocalNode): { runtime: CriRuntime } {
  return { runtime: localNodeRuntime(node, { clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local', memoryCapacity: 8 * 1024 ** 3 }) };
}

/** Syncs as the kubelet's pod worker would: the next init container, or every container. */
async function runPod(runtime: CriRuntime, p: Pod, timeoutMs = 20_000): Promise<PodObservation> {
  const deadline = Date.now() + timeoutMs;
  let observed: PodObservation | undefined;
  for (;;) {
    observed = await runtime.podStatus(p.metadata!.uid!);
    const byName = new Map((observed?.containers ?? []).map((c) => [c.name, c]));
    const plan: PodSyncPlan = { ensureSandbox: !observed?.sandbox?.ready, kill: [], start: [] };
    let initDone = true;
    for (const init of p.spec?.initContainers ?? []) {
      const seen = byName.get(init.name);
      if (!seen) plan.start.push(init.name);
      if (!seen || seen.state !== 'exited' || seen.exitCode !== 0) {
        initDone = false;
        break;
      }
    }
    if (initDone) for (const c of p.spec!.containers) if (!byName.has(c.name)) plan.start.push(c.name);
    const result = await runtime.syncPod(p, plan);
    if (result.failures.length > 0) throw new Error(JSON.stringify(result.failures));
    const all = [...(p.spec?.initContainers ?? []), ...p.spec!.containers].every((c) => result.observed.containers.some((o) => o.name === c.name));
    if (all) return result.observed;
    if (Date.now() > deadline) throw new Error(`pod ${p.metadata!.name} did not start: ${JSON.stringify(result.observed)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function containerState(runtime: CriRuntime, p: Pod, name: string, state: string, timeoutMs = 15_000): Promise<PodObservation['containers'][number]> {
  let found: PodObservation['containers'][number] | undefined;
  await until(async () => {
    found = (await runtime.podStatus(p.metadata!.uid!))?.containers.find((c) => c.name === name);
    return found?.state === state;
  }, timeoutMs, 100);
  if (found?.state !== state) throw new Error(`container ${name} is ${found?.state ?? 'missing'}, not ${state}`);
  return found;
}

function cgroupFile(node: LocalNode, p: Pod, controller: string, file: string, containerId: string): string {
  const qos = p.status!.qosClass!;
  const podDir = qos === 'Guaranteed' ? `pod${p.metadata!.uid}` : `${qos.toLowerCase()}/pod${p.metadata!.uid}`;
  const hierarchy = cgroupHierarchies().find((h) => h.endsWith(`/${controller}`))!;
  return readFileSync(join(hierarchy, node.cgroupParent, podDir, containerId.replace(/^[^:]+:\/\//, ''), file), 'utf8').trim();
}

t.test('the CRI runtime runs pods on a real node', { skip }, async (t) => {
  const nodes: TestNodes = await startTestNodes(['node-a']);
  t.teardown(() => nodes.stop());
  const node = nodes.nodes[0]!;
  const { runtime } = runtimeFor(node);
  t.teardown(() => runtime.close());

  t.test('version and health', async (t) => {
    const version = await runtime.version();
    t.equal(version.runtimeName, 'containerd');
    t.match(version.runtimeVersion, /^1\./);
    t.same(await runtime.health(), { ready: true });
    t.ok((await runtime.images()).some((image) => image.names.includes(BUSYBOX_IMAGE)), 'node images include the local busybox');
    t.match((await runtime.capacity())['ephemeral-storage'], /^\d+$/);
  });

  t.test('init containers first, env, command and args, resources, logs, ExecSync', async (t) => {
    const p = pod(
      {
        initContainers: [{ name: 'init', image: BUSYBOX_IMAGE, command: ['sh', '-c', 'echo init done > /dev/termination-log; echo first'] }],
        containers: [
          {
            name: 'main',
            image: BUSYBOX_IMAGE,
            command: ['sh', '-c'],
            args: ["echo \"$(GREETING) from $MY_POD\" '$$(WHO)' '$(UNDEFINED)'; exec sleep 3600"],
            env: [
              { name: 'WHO', value: 'world' },
              { name: 'GREETING', value: 'hello $(WHO)' },
              { name: 'MY_POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
              { name: 'MY_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
              { name: 'MEM_LIMIT_MI', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
            ],
            resources: { requests: { cpu: '250m', memory: '32Mi' }, limits: { cpu: '500m', memory: '64Mi' } },
          },
        ],
      },
      'Burstable',
      'web',
    );
    const uid = p.metadata!.uid!;
    const observed = await runPod(runtime, p);
    const init = observed.containers.find((c) => c.name === 'init')!;
    const main = observed.containers.find((c) => c.name === 'main')!;
    t.equal(init.exitCode, 0);
    t.equal(init.reason, 'Completed');
    t.equal(init.message, 'init done\n', 'the termination-message file is the init container\'s message');
    t.ok(init.finishedAt! <= main.createdAt, 'the init container finished before the main one was created');
    t.match(main.id, /^containerd:\/\/[0-9a-f]{64}$/);
    t.match(main.imageRef, /^sha256:[0-9a-f]{64}$/);
    t.equal(main.image, BUSYBOX_IMAGE);
    t.equal(main.attempt, 0);
    t.ok(observed.sandbox?.ready);
    t.match(observed.sandbox!.ips[0], /^10\./);

    const ip = observed.sandbox!.ips[0]!;
    const env = await runtime.execSync(uid, 'main', ['sh', '-c', 'echo "$GREETING|$MY_POD|$MY_IP|$MEM_LIMIT_MI"; cat /etc/resolv.conf; hostname'], 5);
    t.equal(env.exitCode, 0);
    t.equal(env.stdout.split('\n')[0], `hello world|web|${ip}|64`, 'env values, $(VAR) references, fieldRefs and resourceFieldRefs');
    t.match(env.stdout, /^nameserver 10\.96\.0\.10$/m, 'ClusterFirst DNS: the cluster\'s server');
    t.match(env.stdout, /^search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local$/m, 'the namespace\'s search path');
    t.match(env.stdout, /^options ndots:5$/m);
    t.match(env.stdout, /\nweb\n$/, 'the pod name is the hostname');
    const failing = await runtime.execSync(uid, 'main', ['sh', '-c', 'exit 7'], 5);
    t.equal(failing.exitCode, 7, 'an exec probe\'s failure is its exit code');

    const logDir = join(node.podLogDir, `default_web_${uid}`);
    const mainLog = join(logDir, 'main', '0.log');
    t.ok(await until(() => existsSync(mainLog) && readFileSync(mainLog, 'utf8').includes('hello'), 5000), 'main logs');
    t.match(readFileSync(mainLog, 'utf8'), /^\S+Z stdout F hello world from web \$\(WHO\) \$\(UNDEFINED\)$/m, 'command and args expanded as Kubernetes does, in a CRI-format log');
    t.match(readFileSync(join(logDir, 'init', '0.log'), 'utf8'), /stdout F first/);

    t.equal(cgroupFile(node, p, 'cpu', 'cpu.shares', main.id), '256', 'cpu shares from the 250m request');
    t.equal(cgroupFile(node, p, 'cpu', 'cpu.cfs_quota_us', main.id), '50000', 'a 50 ms quota from the 500m limit');
    t.equal(cgroupFile(node, p, 'cpu', 'cpu.cfs_period_us', main.id), '100000');
    t.equal(cgroupFile(node, p, 'memory', 'memory.limit_in_bytes', main.id), String(64 * 1024 * 1024), 'the memory limit');

    await runtime.killPod({ uid, name: 'web', namespace: 'default', pod: p }, 0);
    await runtime.removePod(uid);
    t.equal(await runtime.podStatus(uid), undefined, 'nothing of the pod is left');
    t.notOk(existsSync(logDir), 'its logs are removed with it');
  });

  t.test('a container over its memory limit ends OOMKilled', async (t) => {
    const p = pod({ restartPolicy: 'Never', containers: [{ name: 'hog', image: BUSYBOX_IMAGE, command: ['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=64M', 'count=1'], resources: { limits: { memory: '16Mi' } } }] }, 'Burstable');
    await runPod(runtime, p);
    let hog = await containerState(runtime, p, 'hog', 'exited');
    // containerd reports the OOM event apart from the exit: the reason may follow the exit.
    await until(async () => (hog = await containerState(runtime, p, 'hog', 'exited')).reason === 'OOMKilled', 10_000, 100);
    t.equal(hog.reason, 'OOMKilled');
    t.equal(hog.exitCode, 137);
    await runtime.killPod({ uid: p.metadata!.uid!, name: p.metadata!.name!, namespace: 'default' }, 0);
    await runtime.removePod(p.metadata!.uid!);
  });

  t.test('exit codes and restarts as new attempts', async (t) => {
    const p = pod({ containers: [{ name: 'fails', image: BUSYBOX_IMAGE, command: ['sh', '-c', 'echo bye; exit 3'] }] });
    const uid = p.metadata!.uid!;
    await runPod(runtime, p);
    const first = await containerState(runtime, p, 'fails', 'exited');
    t.equal(first.exitCode, 3);
    t.equal(first.reason, 'Error');
    await runtime.syncPod(p, { ensureSandbox: false, kill: [], start: ['fails'] });
    const second = await containerState(runtime, p, 'fails', 'exited');
    t.equal(second.attempt, 1, 'the restart is attempt 1');
    t.not(second.id, first.id);
    const logDir = join(node.podLogDir, `default_${p.metadata!.name}_${uid}`, 'fails');
    t.same(readdirSync(logDir).sort(), ['0.log', '1.log'], 'the previous attempt\'s log is kept for --previous');
    await runtime.syncPod(p, { ensureSandbox: false, kill: [], start: ['fails'] });
    await containerState(runtime, p, 'fails', 'exited');
    t.same(readdirSync(logDir).sort(), ['1.log', '2.log'], 'only one dead instance is kept');
    await runtime.killPod({ uid, name: p.metadata!.name!, namespace: 'default' }, 0);
    await runtime.removePod(uid);
  });

  t.test('stop runs preStop, then SIGTERM, and SIGKILL once the grace period is over', async (t) => {
    // sh as pid 1 ignores SIGTERM unless it traps it: one container exits on it, one ignores it
    const p = pod({
      containers: [
        { name: 'polite', image: BUSYBOX_IMAGE, command: ['sh', '-c', 'trap "echo got TERM; exit 0" TERM; while true; do sleep 0.1; done'], lifecycle: { preStop: { exec: { command: ['sh', '-c', 'echo prestop > /proc/1/fd/1'] } } } },
        { name: 'stubborn', image: BUSYBOX_IMAGE, command: ['sh', '-c', 'while true; do sleep 0.1; done'] },
      ],
    });
    const uid = p.metadata!.uid!;
    await runPod(runtime, p);
    await containerState(runtime, p, 'polite', 'running');
    const started = Date.now();
    await runtime.killPod({ uid, name: p.metadata!.name!, namespace: 'default', pod: p }, 2);
    const took = Date.now() - started;
    const observed = (await runtime.podStatus(uid))!;
    const polite = observed.containers.find((c) => c.name === 'polite')!;
    const stubborn = observed.containers.find((c) => c.name === 'stubborn')!;
    t.equal(polite.exitCode, 0, 'the container that handles SIGTERM exits by itself');
    t.equal(stubborn.exitCode, 137, 'the one that ignores it is killed');
    t.ok(took >= 1900 && took < 8000, `the kill waited for the 2 s grace period (${took} ms)`);
    t.notOk(observed.sandbox?.ready, 'the sandbox is stopped');
    const log = readFileSync(join(node.podLogDir, `default_${p.metadata!.name}_${uid}`, 'polite', '0.log'), 'utf8');
    t.match(log, /prestop[\s\S]*got TERM/, 'preStop ran before SIGTERM');
    await runtime.removePod(uid);
  });

  t.test('an image the node lacks: ErrImageNeverPull, or ErrImagePull when no registry is reachable', async (t) => {
    const never = pod({ containers: [{ name: 'c', image: 'rudder.local/missing:stable', imagePullPolicy: 'Never' }] });
    const first = await runtime.syncPod(never, { ensureSandbox: true, kill: [], start: ['c'] });
    t.same(first.failures, [{ container: 'c', reason: 'ErrImageNeverPull', message: 'Container image "rudder.local/missing:stable" is not present with pull policy of Never' }]);
    t.ok(first.observed.sandbox?.ready, 'the sandbox runs meanwhile');
    // the node has no route out: the pull fails at once, without a packet leaving the node
    const pulled = pod({ containers: [{ name: 'c', image: 'rudder.local/missing:stable' }] });
    const second = await runtime.syncPod(pulled, { ensureSandbox: true, kill: [], start: ['c'] });
    t.equal(second.failures[0]?.reason, 'ErrImagePull');
    t.match(second.failures[0]?.message, /^failed to pull image "rudder\.local\/missing:stable": /);
    for (const p of [never, pulled]) {
      await runtime.killPod({ uid: p.metadata!.uid!, name: p.metadata!.name!, namespace: 'default' }, 0);
      await runtime.removePod(p.metadata!.uid!);
    }
  });

  t.test('a sandbox that died is replaced by a new attempt, and its containers start again in it', async (t) => {
    const p = pod({ containers: [{ name: 'c', image: BUSYBOX_IMAGE, command: ['sleep', '3600'] }] });
    const uid = p.metadata!.uid!;
    const first = await runPod(runtime, p);
    const client = new CriClient(node.containerdSocket);
    t.teardown(() => client.close());
    await client.stopPodSandbox(first.sandbox!.id);
    const dead = (await runtime.podStatus(uid))!;
    t.equal(dead.sandbox?.ready, false, 'the stopped sandbox is seen not ready');
    t.equal(dead.containers[0]?.state, 'exited', 'with its container');
    const synced = await runtime.syncPod(p, { ensureSandbox: true, kill: [], start: ['c'] });
    t.same(synced.failures, []);
    t.not(synced.observed.sandbox?.id, first.sandbox!.id, 'a new sandbox');
    t.ok(synced.observed.sandbox?.ready);
    t.same(synced.observed.containers.map((c) => [c.state, c.attempt]), [['running', 1]], 'the container runs again as attempt 1');
    const attempts = (await client.listPodSandbox({ labelSelector: { 'io.kubernetes.pod.uid': uid } })).map((s) => s.metadata.attempt).sort();
    t.same(attempts, [0, 1], 'the former sandbox stays while its dead container is kept');
    await runtime.killPod({ uid, name: p.metadata!.name!, namespace: 'default' }, 0);
    await runtime.removePod(uid);
    t.same(await client.listPodSandbox({ labelSelector: { 'io.kubernetes.pod.uid': uid } }), []);
  });

  t.test('logs past containerLogMaxSize are rotated, older ones gzipped, at most containerLogMaxFiles kept', async (t) => {
    const p = pod({ containers: [{ name: 'chatty', image: BUSYBOX_IMAGE, command: ['sh', '-c', 'while true; do seq 1 200; sleep 0.05; done'] }] });
    const uid = p.metadata!.uid!;
    await runPod(runtime, p);
    const client = new CriClient(node.containerdSocket);
    t.teardown(() => client.close());
    let clock = Date.UTC(2026, 0, 2, 3, 4, 5);
    const rotator = new ContainerLogRotator({ client, maxSizeBytes: 4096, maxFiles: 3, now: () => (clock += 1000) });
    const dir = join(node.podLogDir, `default_${p.metadata!.name}_${uid}`, 'chatty');
    const log = join(dir, '0.log');
    for (let pass = 0; pass < 4; pass++) {
      t.ok(await until(() => existsSync(log) && statSync(log).size >= 4096, 5000, 20), `the log grows past the size (pass ${pass})`);
      await rotator.rotateAll();
    }
    t.same(readdirSync(dir).sort(), ['0.log', '0.log.20260102-030408.gz', '0.log.20260102-030409'], 'the live log, the newest rotated one as it is, one older gzipped');
    t.match(gunzipSync(readFileSync(join(dir, '0.log.20260102-030408.gz'))).toString(), /^\S+Z stdout F \d+$/m, 'the gzipped file holds CRI log lines');
    t.ok(await until(() => existsSync(log) && statSync(log).size > 0, 5000, 20), 'the container writes on into a new file once the runtime reopened it');
    await runtime.killPod({ uid, name: p.metadata!.name!, namespace: 'default' }, 0);
    await runtime.removePod(uid);
  });

  t.test('a restarted kubelet adopts the running pod instead of starting it again', async (t) => {
    const p = pod({ containers: [{ name: 'server', image: NODE_IMAGE, command: ['node', '-e', 'setInterval(() => {}, 1000)'] }] });
    const uid = p.metadata!.uid!;
    const before = await runPod(runtime, p);
    const again = runtimeFor(node).runtime;
    t.teardown(() => again.close());
    const relisted = (await again.relist()).find((o) => o.uid === uid)!;
    t.equal(relisted.name, p.metadata!.name);
    t.same(
      relisted.containers.map((c) => [c.name, c.id, c.state, c.startedAt]),
      before.containers.map((c) => [c.name, c.id, 'running', c.startedAt ?? relisted.containers[0]!.startedAt]),
      'same container, still running, same start',
    );
    const synced = await again.syncPod(p, { ensureSandbox: false, kill: [], start: [] });
    t.equal(synced.observed.sandbox?.id, before.sandbox?.id, 'same sandbox');
    await again.killPod({ uid, name: p.metadata!.name!, namespace: 'default' }, 0);
    await again.removePod(uid);
  });

  t.test('20 pod create/delete cycles leave no namespace, veth, mount, process or cgroup', async (t) => {
    const podNetns = (): number => mountTable().filter((m) => m.mountPoint.startsWith(node.stateDir) && m.fsType === 'nsfs').length;
    const vethsInNode = async (): Promise<number> => (await inNode(node, 'ip', ['-o', 'link', 'show', 'type', 'veth'])).split('\n').filter(Boolean).length;
    const mounts = (): number => mountTable().filter((m) => m.mountPoint.startsWith(node.stateDir) || m.mountPoint.startsWith(node.dir)).length;
    const podCgroups = (): number => {
      const memory = cgroupHierarchies().find((h) => h.endsWith('/memory'))!;
      const base = join(memory, node.cgroupParent);
      return ['besteffort', ''].flatMap((qos) => (existsSync(join(base, qos)) ? readdirSync(join(base, qos)).filter((d) => d.startsWith('pod')) : [])).length;
    };
    const start = { podNetns: podNetns(), veths: await vethsInNode(), mounts: mounts(), cgroups: podCgroups() };
    // four pods at a time, as pod workers run them, five cycles each
    await Promise.all(
      [0, 1, 2, 3].map(async () => {
        for (let cycle = 0; cycle < 5; cycle++) {
          const p = pod({ containers: [{ name: 'c', image: BUSYBOX_IMAGE, command: ['sleep', '3600'] }] });
          await runPod(runtime, p);
          await runtime.killPod({ uid: p.metadata!.uid!, name: p.metadata!.name!, namespace: 'default', pod: p }, 0);
          await runtime.removePod(p.metadata!.uid!);
        }
      }),
    );
    await until(async () => (await vethsInNode()) === start.veths, 5000, 100);
    t.same({ podNetns: podNetns(), veths: await vethsInNode(), mounts: mounts(), cgroups: podCgroups() }, start);
    const client = new CriClient(node.containerdSocket);
    t.same(await client.listPodSandbox(), [], 'no sandbox is left');
    t.same(await client.listContainers(), [], 'no container is left');
    client.close();
  });
});

t.test('after a crash, the record under the data dir removes everything', { skip }, async (t) => {
  const nodes = await startTestNodes(['crashed']);
  const { id } = nodes.plan;
  const node = nodes.nodes[0]!;
  const { runtime } = runtimeFor(node);
  const p = pod({ containers: [{ name: 'c', image: BUSYBOX_IMAGE, command: ['sleep', '3600'] }] });
  await runPod(runtime, p);
  await runtime.close();
  // the process that started the node dies without cleaning up, and its containerd with it
  process.kill(node.containerdPid, 'SIGKILL');
  await cleanupLocalNodes(nodes.dataDir);
  t.same(leftovers(id, nodes.dataDir), { namespaces: 0, links: 0, mounts: 0, containerdProcesses: 0, cgroups: 0 });
  await cleanupLocalNodes(nodes.dataDir);
  t.pass('a second cleanup finds nothing to do');
  await nodes.stop();
});
