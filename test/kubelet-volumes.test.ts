// The parts of the kubelet's volumes that need no node: files written atomically through ..data
// (a reader never sees a mix, stale names go), ConfigMap/Secret keys projected with items, modes
// and optional sources, downward-API files, hostPath type checks, claims of hostPath/local
// PersistentVolumes, subPath mounts, /etc/hosts, bound tokens renewed once 80 % of their life has
// passed, and the volume manager's set-up, refresh (one read per object per round, also after a
// restart) and tear-down.
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import type { ContainerContext } from '../services/kubelet/runtime/cri/container-config.js';
import { writeAtomically, type Payload } from '../services/kubelet/volumes/atomic-writer.js';
import { configMapPayload } from '../services/kubelet/volumes/config-map.js';
import { containerMounts } from '../services/kubelet/volumes/container-mounts.js';
import { downwardAPIPayload } from '../services/kubelet/volumes/downward-api.js';
import { etcHostsContent } from '../services/kubelet/volumes/etc-hosts.js';
import { checkHostPath } from '../services/kubelet/volumes/host-path.js';
import { claimPath } from '../services/kubelet/volumes/persistent-volume-claim.js';
import type { PodObjects, TokenSpec } from '../services/kubelet/volumes/pod-objects.js';
import { secretPayload } from '../services/kubelet/volumes/secret.js';
import { TokenManager } from '../services/kubelet/volumes/token-manager.js';
import { VolumeManager } from '../services/kubelet/volumes/volume-manager.js';
import { realClock } from '../lib/client/clock.js';

function scratch(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'rudder-volumes-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function files(entries: Record<string, string>, mode = 0o644): Payload {
  return new Map(Object.entries(entries).map(([path, text]) => [path, { data: Buffer.from(text), mode }]));
}

const context: ContainerContext = { nodeName: 'node-a', hostIP: '10.213.0.2', podIPs: ['10.244.1.5'], nodeMilliCpu: 2000, nodeMemoryBytes: 4 * 1024 ** 3 };

function objects(overrides: Partial<PodObjects> = {}): PodObjects {
  return {
    pod: async () => undefined,
    configMap: async (_ns, name) => (name === 'settings' ? { data: { greeting: 'hello', mode: 'fast' }, binaryData: { blob: Buffer.from([1, 2]).toString('base64') } } : undefined),
    secret: async (_ns, name) => (name === 'creds' ? { data: { password: Buffer.from('s3cret').toString('base64') } } : undefined),
    persistentVolumeClaim: async () => undefined,
    persistentVolume: async () => undefined,
    requestToken: async () => ({ token: 't', expiresAt: 0 }),
    ...overrides,
  };
}

t.test('files are swapped in atomically through ..data, and names that went are removed', async (t) => {
  const dir = scratch(t);
  t.equal(writeAtomically(dir, files({ a: 'one', 'sub/b': 'two' })), true);
  t.equal(readFileSync(join(dir, 'a'), 'utf8'), 'one');
  t.equal(readFileSync(join(dir, 'sub', 'b'), 'utf8'), 'two');
  t.ok(lstatSync(join(dir, 'a')).isSymbolicLink(), 'a visible name is a symlink');
  t.equal(readlinkSync(join(dir, 'a')), '..data/a');
  const first = readlinkSync(join(dir, '..data'));
  t.equal(writeAtomically(dir, files({ a: 'one', 'sub/b': 'two' })), false, 'the same payload changes nothing');
  t.equal(readlinkSync(join(dir, '..data')), first);

  t.equal(writeAtomically(dir, files({ a: 'uno' }, 0o400)), true);
  t.equal(readFileSync(join(dir, 'a'), 'utf8'), 'uno');
  t.equal(statSync(join(dir, 'a')).mode & 0o777, 0o400, 'with its mode');
  t.notOk(readdirSync(dir).includes('sub'), 'a name no longer in the payload goes');
  t.same(readdirSync(dir).filter((name) => name.startsWith('..') && name !== '..data'), [readlinkSync(join(dir, '..data'))], 'only the current timestamped directory is left');
  t.throws(() => writeAtomically(dir, files({ '../escape': 'x' })), /invalid file path/);
});

t.test('ConfigMap and Secret keys become files: all keys or the items, with modes; optional sources may be missing', async (t) => {
  const all = await configMapPayload(objects(), 'default', { name: 'settings' }, 0o644);
  t.same([...all.keys()].sort(), ['blob', 'greeting', 'mode']);
  t.same([...all.get('blob')!.data], [1, 2], 'binaryData as bytes');
  const items = await configMapPayload(objects(), 'default', { name: 'settings', items: [{ key: 'greeting', path: 'conf/hello.txt', mode: 0o600 }] }, 0o644);
  t.same([...items].map(([path, file]) => [path, file.data.toString(), file.mode]), [['conf/hello.txt', 'hello', 0o600]]);
  await t.rejects(configMapPayload(objects(), 'default', { name: 'nope' }, 0o644), { name: 'VolumeError', message: 'configmap "nope" not found' });
  t.same((await configMapPayload(objects(), 'default', { name: 'nope', optional: true }, 0o644)).size, 0);
  await t.rejects(configMapPayload(objects(), 'default', { name: 'settings', items: [{ key: 'absent', path: 'x' }] }, 0o644), /non-existent key absent/);

  const secret = await secretPayload(objects(), 'default', { name: 'creds' }, 0o400);
  t.same([...secret].map(([path, file]) => [path, file.data.toString(), file.mode]), [['password', 's3cret', 0o400]]);
  await t.rejects(secretPayload(objects(), 'default', { name: 'other' }, 0o644), { message: 'secret "other" not found' });
});

t.test('downward-API files: metadata and resources', async (t) => {
  const pod = {
    metadata: { name: 'web', namespace: 'shop', uid: 'u-1', labels: { tier: 'front', app: 'web' }, annotations: { note: 'a "quoted" one' } },
    spec: { containers: [{ name: 'main', resources: { requests: { cpu: '250m' }, limits: { memory: '128Mi' } } }] },
  };
  const payload = downwardAPIPayload(pod, [
    { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
    { path: 'annotations', fieldRef: { fieldPath: 'metadata.annotations' } },
    { path: 'ns', fieldRef: { fieldPath: 'metadata.namespace' } },
    { path: 'cpu', resourceFieldRef: { containerName: 'main', resource: 'requests.cpu', divisor: '1m' } },
    { path: 'mem', resourceFieldRef: { containerName: 'main', resource: 'limits.memory', divisor: '1Mi' }, mode: 0o600 },
  ], 0o644, context);
  const text = Object.fromEntries([...payload].map(([path, file]) => [path, file.data.toString()]));
  t.same(text, { labels: 'app="web"\ntier="front"', annotations: 'note="a \\"quoted\\" one"', ns: 'shop', cpu: '250', mem: '128' });
  t.equal(payload.get('mem')?.mode, 0o600);
});

t.test('hostPath types are checked, and the OrCreate ones make what is missing', async (t) => {
  const dir = scratch(t);
  checkHostPath(join(dir, 'made', 'dir'), 'DirectoryOrCreate');
  t.ok(statSync(join(dir, 'made', 'dir')).isDirectory());
  checkHostPath(join(dir, 'made', 'file'), 'FileOrCreate');
  t.ok(statSync(join(dir, 'made', 'file')).isFile());
  t.doesNotThrow(() => checkHostPath(join(dir, 'nowhere'), undefined), 'no type: no check');
  t.throws(() => checkHostPath(join(dir, 'nowhere'), 'Directory'), { name: 'VolumeError', message: /does not exist/ });
  t.throws(() => checkHostPath(join(dir, 'made', 'file'), 'Directory'), /is not a directory/);
  t.throws(() => checkHostPath(join(dir, 'made', 'dir'), 'Socket'), /is not a socket file/);
});

t.test('a claim mounts the path of its bound hostPath or local PersistentVolume', async (t) => {
  const dir = scratch(t);
  const claims: Record<string, object> = {
    bound: { spec: { volumeName: 'pv-host' }, status: { phase: 'Bound' } },
    local: { spec: { volumeName: 'pv-local' }, status: { phase: 'Bound' } },
    pending: { spec: {}, status: { phase: 'Pending' } },
    nfs: { spec: { volumeName: 'pv-nfs' }, status: { phase: 'Bound' } },
  };
  const volumes: Record<string, object> = {
    'pv-host': { spec: { hostPath: { path: join(dir, 'host'), type: 'DirectoryOrCreate' } } },
    'pv-local': { spec: { local: { path: join(dir, 'host') } } },
    'pv-nfs': { spec: { nfs: { server: 'x', path: '/' } } },
  };
  const source = objects({ persistentVolumeClaim: async (_ns, name) => claims[name], persistentVolume: async (name) => volumes[name] });
  t.equal(await claimPath(source, 'default', { claimName: 'bound' }), join(dir, 'host'));
  t.ok(statSync(join(dir, 'host')).isDirectory(), 'DirectoryOrCreate made it');
  t.equal(await claimPath(source, 'default', { claimName: 'local' }), join(dir, 'host'));
  await t.rejects(claimPath(source, 'default', { claimName: 'pending' }), /is not bound/);
  await t.rejects(claimPath(source, 'default', { claimName: 'missing' }), /"missing" not found/);
  await t.rejects(claimPath(source, 'default', { claimName: 'nfs' }), /neither hostPath nor local/);
});

t.test('volumeMounts become CRI mounts with subPath, subPathExpr and readOnly', async (t) => {
  const dir = scratch(t);
  mkdirSync(join(dir, 'data'));
  const volumes = new Map([['data', { path: join(dir, 'data'), readOnly: false }], ['config', { path: join(dir, 'config'), readOnly: true }]]);
  const mounts = containerMounts({
    name: 'main',
    volumeMounts: [
      { name: 'data', mountPath: '/data' },
      { name: 'data', mountPath: '/logs', subPathExpr: 'logs/$(POD)' },
      { name: 'data', mountPath: '/ro', readOnly: true },
      { name: 'config', mountPath: '/etc/config' },
    ],
  }, volumes, new Map([['POD', 'web-1']]));
  t.same(mounts.map((m) => [m.containerPath, m.hostPath.slice(dir.length), m.readonly]), [['/data', '/data', false], ['/logs', '/data/logs/web-1', false], ['/ro', '/data', true], ['/etc/config', '/config', true]]);
  t.ok(statSync(join(dir, 'data', 'logs', 'web-1')).isDirectory(), 'the subPath is made');
  t.throws(() => containerMounts({ name: 'main', volumeMounts: [{ name: 'gone', mountPath: '/x' }] }, volumes, new Map()), { name: 'ContainerConfigError', message: 'cannot find volume "gone" to mount into container "main"' });
  t.throws(() => containerMounts({ name: 'main', volumeMounts: [{ name: 'data', mountPath: '/x', subPath: '../../etc' }] }, volumes, new Map()), /without '\.\.'/);
});

t.test('the pod\'s /etc/hosts', async (t) => {
  const hosts = etcHostsContent({ metadata: { name: 'web-0', namespace: 'shop' }, spec: { containers: [], subdomain: 'web', hostAliases: [{ ip: '10.1.2.3', hostnames: ['db', 'db.local'] }] } }, ['10.244.1.5'], 'cluster.local');
  t.match(hosts, /^# Kubernetes-managed hosts file\.\n127\.0\.0\.1\tlocalhost\n/);
  t.match(hosts, /\n10\.244\.1\.5\tweb-0\.web\.shop\.svc\.cluster\.local\tweb-0\n/);
  t.match(hosts, /\n# Entries added by HostAliases\.\n10\.1\.2\.3\tdb\tdb\.local\n$/);
});

t.test('bound tokens are reused until 80 % of their life, then renewed; a failed renewal keeps a valid token', async (t) => {
  let now = 1_000_000;
  let issued = 0;
  let failing = false;
  const requested: TokenSpec[] = [];
  const manager = new TokenManager({
    requestToken: async (spec) => {
      if (failing) throw new Error('apiserver down');
      requested.push(spec);
      issued++;
      return { token: `token-${issued}`, expiresAt: now + spec.expirationSeconds * 1000 };
    },
  }, { now: () => now });
  const spec: TokenSpec = { namespace: 'default', serviceAccount: 'default', audiences: ['vault'], expirationSeconds: 1000, pod: { name: 'web', uid: 'u-1' } };
  t.equal(await manager.token(spec), 'token-1');
  now += 790_000;
  t.equal(await manager.token(spec), 'token-1', 'at 79 % the token is kept');
  now += 20_000;
  t.equal(await manager.token(spec), 'token-2', 'past 80 % a new one is requested');
  t.equal(await manager.token({ ...spec, audiences: ['other'] }), 'token-3', 'another audience is another token');
  failing = true;
  now += 900_000;
  t.equal(await manager.token(spec), 'token-2', 'a failed renewal serves the old token while it is valid');
  now += 200_000;
  await t.rejects(manager.token(spec), /apiserver down/, 'but not once it expired');
  failing = false;
  manager.forgetPod('u-1');
  t.equal(await manager.token({ ...spec, audiences: ['other'] }), 'token-4', 'a gone pod\'s tokens are forgotten');
  t.same(requested[0]?.pod, { name: 'web', uid: 'u-1' });
});

t.test('the volume manager sets a pod\'s configMap volume up, refreshes it from one read per round, and removes it', async (t) => {
  const podsDir = scratch(t);
  let greeting = 'hello';
  let reads = 0;
  const source = objects({
    configMap: async (_ns, name) => {
      reads++;
      return name === 'settings' ? { data: { greeting } } : undefined;
    },
  });
  const manager = new VolumeManager({ podsDir, objects: source, tokens: new TokenManager(source, realClock), clock: realClock, refreshPeriodMs: 3_600_000 });
  t.teardown(() => manager.close());
  const pod = (uid: string) => ({
    metadata: { name: uid, namespace: 'default', uid },
    spec: { volumes: [{ name: 'config', configMap: { name: 'settings' } }, { name: 'again', configMap: { name: 'settings', items: [{ key: 'greeting', path: 'g' }] } }], containers: [] },
  });
  const volumes = await manager.setUp(pod('u-1'), context);
  const dir = volumes.get('config')!.path;
  t.equal(dir, join(podsDir, 'u-1', 'volumes', 'kubernetes.io~configmap', 'config'), 'where the kubelet keeps it');
  t.equal(volumes.get('config')!.readOnly, true);
  t.equal(readFileSync(join(dir, 'greeting'), 'utf8'), 'hello');
  await manager.setUp(pod('u-2'), context);
  reads = 0;
  greeting = 'bonjour';
  await manager.refresh();
  t.equal(reads, 1, 'one read of the ConfigMap for both pods and volumes');
  t.equal(readFileSync(join(dir, 'greeting'), 'utf8'), 'bonjour');
  t.equal(readFileSync(join(podsDir, 'u-2', 'volumes', 'kubernetes.io~configmap', 'again', 'g'), 'utf8'), 'bonjour');

  // a new manager (a restarted kubelet) goes on refreshing what the last one set up
  manager.close();
  const restarted = new VolumeManager({ podsDir, objects: source, tokens: new TokenManager(source, realClock), clock: realClock, refreshPeriodMs: 3_600_000 });
  t.teardown(() => restarted.close());
  greeting = 'hola';
  await restarted.refresh();
  t.equal(readFileSync(join(dir, 'greeting'), 'utf8'), 'hola');

  t.same(restarted.podsWithVolumes().sort(), ['u-1', 'u-2'], 'the pods with volumes on disk');
  await restarted.tearDown('u-1');
  t.same(restarted.podsWithVolumes(), ['u-2']);
  t.notOk(readdirSync(join(podsDir, 'u-1')).includes('volumes'), 'torn down');
  const before = reads;
  await restarted.refresh();
  t.equal(reads, before + 1, 'only the remaining pod is refreshed');
});
