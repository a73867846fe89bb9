// Two real local nodes, as `rudder up` makes them: each a network namespace on a host bridge with
// its own containerd, spoken to over CRI. Pods get distinct addresses from their node's podCIDR,
// a pod on one node reaches an HTTP server in a pod on the other, ExecSync runs commands, logs
// are written in CRI format, and a cleanup leaves nothing behind.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { CriClient } from '../lib/cri/client.js';
import type { PodSandboxConfig } from '../lib/cri/types.js';
import { BUSYBOX_IMAGE, NODE_IMAGE, PAUSE_IMAGE } from '../lib/images/local-images.js';
import { inNode } from '../lib/local-nodes/network.js';
import type { LocalNode } from '../lib/local-nodes/local-nodes.js';
import { parsePrefix } from '../lib/local-nodes/ipv4.js';
import { leftovers, localNodesSkip, startTestNodes } from './helpers/local-nodes.js';
import { until } from './helpers/until.js';

const skip = localNodesSkip();

function inPrefix(ip: string, cidr: string): boolean {
  const prefix = parsePrefix(cidr);
  return parsePrefix(`${ip}/${prefix.length}`).base === prefix.base;
}

function sandboxFor(node: LocalNode, name: string): PodSandboxConfig {
  const uid = `${name}-uid`;
  return {
    metadata: { name, namespace: 'default', uid },
    hostname: name,
    logDirectory: join(node.podLogDir, `default_${name}_${uid}`),
    labels: { 'io.kubernetes.pod.uid': uid },
    linux: { cgroupParent: `${node.cgroupParent}/pod${uid}` },
  };
}

t.test('two local nodes run pods that reach each other across nodes', { skip }, async (t) => {
  // 1. start two nodes
  const nodes = await startTestNodes(['node-a', 'node-b']);
  const { id } = nodes.plan;
  let stopped = false;
  t.teardown(async () => {
    if (!stopped) await nodes.stop();
  });
  const [a, b] = nodes.nodes as [LocalNode, LocalNode];
  t.not(a.podCIDR, b.podCIDR, 'disjoint pod CIDRs');
  const clientA = new CriClient(a.containerdSocket);
  const clientB = new CriClient(b.containerdSocket);
  t.teardown(() => {
    clientA.close();
    clientB.close();
  });

  // 2. each containerd answers CRI and has the local images
  const version = await clientA.version();
  t.equal(version.runtimeName, 'containerd');
  t.equal(version.runtimeApiVersion, 'v1');
  const images = (await clientB.listImages()).flatMap((image) => image.repoTags);
  for (const image of [BUSYBOX_IMAGE, NODE_IMAGE, PAUSE_IMAGE]) t.ok(images.includes(image), `node-b has ${image}`);
  const fs = await clientA.imageFsInfo();
  t.ok(fs.imageFilesystems[0]?.fsId?.mountpoint.startsWith(a.dir), 'the image filesystem is the node\'s own');

  // 3. an HTTP server pod (node image) on node-b
  const serverSandbox = sandboxFor(b, 'web');
  const serverPod = await clientB.runPodSandbox(serverSandbox);
  const server = await clientB.createContainer(
    serverPod,
    {
      metadata: { name: 'server' },
      image: { image: NODE_IMAGE },
      command: ['node', '-e', "require('http').createServer((q, s) => s.end('hello from ' + require('os').hostname() + '\\n')).listen(8080, () => console.log('listening'))"],
      logPath: 'server/0.log',
    },
    serverSandbox,
  );
  await clientB.startContainer(server);
  const serverIP = (await clientB.podSandboxStatus(serverPod)).status.network?.ip ?? '';
  t.ok(inPrefix(serverIP, b.podCIDR), `the server pod's IP ${serverIP} is in node-b's podCIDR ${b.podCIDR}`);
  const serverLog = join(serverSandbox.logDirectory!, 'server', '0.log');
  t.ok(await until(() => existsSync(serverLog) && readFileSync(serverLog, 'utf8').includes('listening'), 15_000), 'the server logs that it listens');
  t.match(readFileSync(serverLog, 'utf8'), /^\S+Z stdout F listening$/m, 'in CRI log format');

  // a busybox container beside it shares the pod's network
  const sidecar = await clientB.createContainer(serverPod, { metadata: { name: 'sidecar' }, image: { image: BUSYBOX_IMAGE }, command: ['sleep', '3600'], logPath: 'sidecar/0.log' }, serverSandbox);
  await clientB.startContainer(sidecar);
  const local = await clientB.execSync(sidecar, ['wget', '-q', '-O-', 'http://127.0.0.1:8080/'], 10);
  t.equal(local.stdout.toString(), 'hello from web\n', 'a busybox container on node-b reaches its pod\'s server on localhost');

  // 4. a busybox pod on node-a fetches from it
  const clientSandbox = sandboxFor(a, 'client');
  const clientPod = await clientA.runPodSandbox(clientSandbox);
  const client = await clientA.createContainer(
    clientPod,
    { metadata: { name: 'main' }, image: { image: BUSYBOX_IMAGE }, command: ['sleep', '3600'], envs: [{ key: 'GREETING', value: Buffer.from('hi there') }], logPath: 'main/0.log' },
    clientSandbox,
  );
  await clientA.startContainer(client);
  const clientIP = (await clientA.podSandboxStatus(clientPod)).status.network?.ip ?? '';
  t.ok(inPrefix(clientIP, a.podCIDR), `the client pod's IP ${clientIP} is in node-a's podCIDR`);
  t.not(clientIP, serverIP, 'distinct pod IPs');

  const fetched = await clientA.execSync(client, ['wget', '-q', '-O-', `http://${serverIP}:8080/`], 10);
  t.equal(fetched.exitCode, 0, `wget exits 0 (${fetched.stderr.toString()})`);
  t.equal(fetched.stdout.toString(), 'hello from web\n', 'a pod on node-a reaches the server pod on node-b');

  // 5. ExecSync: environment, exit codes, stdout and stderr
  const exec = await clientA.execSync(client, ['sh', '-c', 'echo "$GREETING"; echo oops >&2; exit 3'], 5);
  t.equal(exec.exitCode, 3);
  t.equal(exec.stdout.toString(), 'hi there\n');
  t.equal(exec.stderr.toString(), 'oops\n');
  t.match(await clientA.exec({ containerId: client, cmd: ['sh'], stdout: true }), /^http:\/\/127\.0\.0\.1:\d+\/exec\//, 'Exec answers a streaming URL');
  t.match(await clientA.attach({ containerId: client, stdout: true }), /^http:\/\/127\.0\.0\.1:\d+\/attach\//);
  t.match(await clientB.portForward(serverPod, [8080]), /^http:\/\/127\.0\.0\.1:\d+\/portforward\//);
  await clientA.reopenContainerLog(client);

  // 6. the node's own address is reachable from its pods; nothing past it is routed
  t.match(await inNode(a, 'ip', ['route']), new RegExp(`${b.podCIDR.replace(/\./g, '\\.')} via ${b.address.replace(/\./g, '\\.')}`), 'node-a routes node-b\'s podCIDR through node-b');
  t.notMatch(await inNode(a, 'ip', ['route']), /^default/m, 'no default route out of a node');

  // 7. listing, stopping and removing
  t.same((await clientA.listPodSandbox()).map((s) => s.metadata.name), ['client']);
  t.same((await clientA.listContainers({ podSandboxId: clientPod })).map((c) => c.state), ['CONTAINER_RUNNING']);
  await clientA.stopContainer(client, 0);
  t.equal((await clientA.containerStatus(client)).status.state, 'CONTAINER_EXITED');
  await clientA.removeContainer(client);
  await clientA.stopPodSandbox(clientPod);
  await clientA.removePodSandbox(clientPod);
  t.same(await clientA.listPodSandbox(), []);

  // 8. cleanup with a pod still running on node-b: nothing of the nodes is left
  const before = leftovers(id, nodes.dataDir);
  t.equal(before.namespaces, 2, 'the node namespaces were there');
  t.ok(before.containerdProcesses >= 3, 'two containerds and the shim of the running pod were there');
  t.ok(before.mounts >= 2, 'the running pod\'s root filesystem and network namespace were mounted');
  await nodes.stop();
  stopped = true;
  t.same(leftovers(id, nodes.dataDir), { namespaces: 0, links: 0, mounts: 0, containerdProcesses: 0, cgroups: 0 }, 'no namespace, link, mount, containerd process or cgroup is left');
  t.notOk(existsSync(`/run/rudder/${id}`), 'no state directory is left');
});
