// The kubelet's volumes and environment on a real node (its own containerd and network
// namespace): the node's identity (system:node:<name>) may read exactly the ConfigMaps and Secrets
// its pods name and request their tokens, as the kubelet does; a pod's ConfigMap, Secret,
// projected (bound ServiceAccount tokens, ConfigMap, downward API), downwardAPI, emptyDir and
// hostPath volumes, and the kube-api-access volume the ServiceAccount admission adds, have the
// right contents and modes inside the container (read with CRI ExecSync); a changed ConfigMap
// shows up in the mounted files (also after a kubelet restart), changed labels in the downward-API
// ones; the projected tokens are accepted by the apiserver's TokenReview and carry the source's
// audience, expiry and pod binding; env from ConfigMaps, Secrets (envFrom with a prefix),
// fieldRefs and resourceFieldRefs is right; a missing required Secret gives
// CreateContainerConfigError; and no mount or pod directory is left once the pods are deleted,
// nor volumes an unfinished removal left behind.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import type { ConfigMap, Pod } from 'kubernetes-types/core/v1.js';
import t from 'tap';
import { findResource } from '../../lib/api/resources.js';
import { writeKubeconfig } from '../../lib/client/kubeconfig.js';
import { RestClient } from '../../lib/client/rest-client.js';
import { CriClient } from '../../lib/cri/client.js';
import { startApiserver } from '../../lib/launch/apiserver-process.js';
import { startKubelet } from '../../lib/launch/kubelet-process.js';
import { mountsUnder } from '../../lib/host/mounts.js';
import { BUSYBOX_IMAGE } from '../../lib/images/local-images.js';
import { kubeletNodeFlags } from '../../lib/local-nodes/containerd-config.js';
import { pkiPaths } from '../../lib/pki/certs.js';
import { createClientCert } from '../../lib/pki/issue.js';
import { readCa } from '../../lib/pki/x509.js';
import { runCommand } from '../../lib/process/run.js';
import { localNodesSkip, startTestNodes } from '../helpers/local-nodes.js';
import { PODS } from '../helpers/sched-api.js';
import { until } from '../helpers/until.js';

const CONFIGMAPS = findResource('', 'v1', 'configmaps')!;
const SECRETS = findResource('', 'v1', 'secrets')!;
const SERVICE_ACCOUNTS = findResource('', 'v1', 'serviceaccounts')!;

function volumesPod(nodeName: string, hostDir: string): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'vols', namespace: 'default', labels: { app: 'vols', tier: 'test' } },
    spec: {
      nodeName,
      terminationGracePeriodSeconds: 1,
      volumes: [
        { name: 'config', configMap: { name: 'settings' } },
        { name: 'creds', secret: { secretName: 'creds', defaultMode: 0o400, items: [{ key: 'password', path: 'pw' }] } },
        {
          name: 'tokens',
          projected: {
            sources: [
              { serviceAccountToken: { path: 'token', expirationSeconds: 3600 } },
              { serviceAccountToken: { path: 'vault-token', audience: 'vault', expirationSeconds: 600 } },
              { configMap: { name: 'settings', items: [{ key: 'greeting', path: 'greeting' }] } },
              { downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }, { path: 'name', fieldRef: { fieldPath: 'metadata.name' } }] } },
            ],
          },
        },
        { name: 'info', downwardAPI: { items: [{ path: 'mem', resourceFieldRef: { containerName: 'main', resource: 'limits.memory', divisor: '1Mi' } }] } },
        { name: 'scratch', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } },
        { name: 'data', emptyDir: {} },
        { name: 'host', hostPath: { path: hostDir, type: 'DirectoryOrCreate' } },
      ],
      containers: [
        {
          name: 'main',
          image: BUSYBOX_IMAGE,
          command: ['sh', '-c', 'echo shared > /data/file; echo from-pod > /host/out; exec sleep 3600'],
          resources: { limits: { memory: '64Mi' } },
          envFrom: [{ configMapRef: { name: 'settings' }, prefix: 'CFG_' }, { secretRef: { name: 'absent', optional: true } }],
          env: [
            { name: 'GREETING', valueFrom: { configMapKeyRef: { name: 'settings', key: 'greeting' } } },
            { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } },
            { name: 'MAYBE', valueFrom: { configMapKeyRef: { name: 'settings', key: 'absent', optional: true } } },
            { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
            { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
            { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
            { name: 'MEM_MI', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
          ],
          volumeMounts: [
            { name: 'config', mountPath: '/etc/config' },
            { name: 'creds', mountPath: '/etc/creds' },
            { name: 'tokens', mountPath: '/var/run/secrets/tokens' },
            { name: 'info', mountPath: '/etc/info' },
            { name: 'scratch', mountPath: '/scratch' },
            { name: 'data', mountPath: '/data' },
            { name: 'data', mountPath: '/sub', subPath: 'nested/dir' },
            { name: 'data', mountPath: '/ro', readOnly: true },
            { name: 'host', mountPath: '/host' },
          ],
        },
      ],
    },
  };
}

t.test('a real node mounts ConfigMap, Secret, projected and downward-API volumes and fills env from them', { skip: localNodesSkip() }, async (t) => {
  // 1. a local node, an apiserver, and the node's kubelet
  const nodes = await startTestNodes(['node-v']);
  t.teardown(() => nodes.stop());
  const node = nodes.nodes[0]!;
  const apiserver = await startApiserver();
  t.teardown(() => apiserver.stop());
  const pki = pkiPaths(join(apiserver.dataDir, 'pki'));
  const identity = await createClientCert(await readCa(pki.caCert, pki.caKey), `system:node:${node.name}`, ['system:nodes']);
  const configDir = mkdtempSync(join(tmpdir(), 'rudder-kubelet-identity-'));
  t.teardown(() => rmSync(configDir, { recursive: true, force: true }));
  const nodeKubeconfig = join(configDir, 'kubeconfig');
  writeKubeconfig(nodeKubeconfig, { name: 'rudder', server: apiserver.url, caPem: apiserver.caPem, userName: `system:node:${node.name}`, clientCertPem: identity.certPem, clientKeyPem: identity.keyPem });
  const kubeletFlags = [
    ...kubeletNodeFlags(node),
    '--cluster-cidr', nodes.plan.nodes[0]!.podCIDR.replace(/\.\d+\.0\/24$/, '.0.0/16'),
    '--sync-frequency', '1s',
  ];
  let kubelet = await startKubelet(apiserver, kubeletFlags);
  t.teardown(() => kubelet.stop());
  const client = RestClient.fromKubeconfig(apiserver.kubeconfig);
  t.teardown(() => client.close());
  const cri = new CriClient(node.containerdSocket);
  t.teardown(() => cri.close());
  const asNode = RestClient.fromKubeconfig(nodeKubeconfig);
  t.teardown(() => asNode.close());

  // 2. the objects the pod names (the ServiceAccount and kube-root-ca.crt are the controller-manager's work elsewhere)
  await client.create(CONFIGMAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kube-root-ca.crt' }, data: { 'ca.crt': apiserver.caPem } }, { namespace: 'default' });
  await client.create(SERVICE_ACCOUNTS, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } }, { namespace: 'default' });
  await client.create(CONFIGMAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { greeting: 'hello', mode: 'fast' } }, { namespace: 'default' });
  await client.create(SECRETS, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds' }, data: { password: Buffer.from('s3cret').toString('base64') } }, { namespace: 'default' });
  const hostDir = join(node.dir, 'host-data');
  await client.create(PODS, volumesPod(node.name, hostDir), { namespace: 'default' });
  await client.create(PODS, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'broken', namespace: 'default' },
    spec: { nodeName: node.name, terminationGracePeriodSeconds: 1, containers: [{ name: 'main', image: BUSYBOX_IMAGE, command: ['sleep', '3600'], env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'nope', key: 'k' } } }] }] },
  }, { namespace: 'default' });

  await client.create(CONFIGMAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'unrelated' }, data: { a: 'b' } }, { namespace: 'default' });

  // 2b. what the kubelet reads, the node's own identity may read (the Node authorizer); nothing else
  t.equal((await asNode.get<ConfigMap>(CONFIGMAPS, { namespace: 'default', name: 'settings' })).data?.greeting, 'hello', 'the node reads a ConfigMap its pod names');
  t.ok((await asNode.get(SECRETS, { namespace: 'default', name: 'creds' })).metadata, 'and a Secret its pod names');
  t.match(await asNode.get(CONFIGMAPS, { namespace: 'default', name: 'unrelated' }).catch((error: unknown) => error), { code: 403 }, 'but not a ConfigMap no pod of it names');
  const created = await client.get<Pod>(PODS, { namespace: 'default', name: 'vols' });
  const tokenRequest = { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { audiences: ['vault'], expirationSeconds: 600, boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'vols', uid: created.metadata?.uid } } };
  t.match(await asNode.create(SERVICE_ACCOUNTS, tokenRequest, { namespace: 'default', name: 'default', subresource: 'token' }), { status: { token: /\./ } }, 'and requests its pod\'s ServiceAccount token');

  let pod: Pod | undefined;
  t.ok(await until(async () => {
    pod = await client.get<Pod>(PODS, { namespace: 'default', name: 'vols' });
    return pod.status?.phase === 'Running';
  }, 60_000, 250), `the pod with volumes runs: ${JSON.stringify(pod?.status?.containerStatuses?.[0]?.state)}`);
  const containerId = (pod?.status?.containerStatuses?.[0]?.containerID ?? '').replace(/^containerd:\/\//, '');
  const exec = async (...cmd: string[]): Promise<string> => {
    const result = await cri.execSync(containerId, cmd, 20);
    if (result.exitCode !== 0) return `exit ${result.exitCode}: ${result.stderr.toString()}`;
    return result.stdout.toString();
  };

  // 3. the environment
  const env = Object.fromEntries((await exec('env')).trim().split('\n').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
  t.match(env, { GREETING: 'hello', PASSWORD: 's3cret', CFG_greeting: 'hello', CFG_mode: 'fast', POD_NAME: 'vols', NODE: node.name, POD_IP: pod?.status?.podIP, MEM_MI: '64' }, 'env from the ConfigMap, the Secret, envFrom with its prefix, fieldRefs and resourceFieldRefs');
  t.notOk('MAYBE' in env, 'an optional reference to a missing key sets nothing');

  // 4. the volumes' contents and modes
  t.equal(await exec('cat', '/etc/config/greeting'), 'hello', 'the ConfigMap volume');
  t.equal(await exec('cat', '/etc/config/mode'), 'fast');
  t.equal(await exec('cat', '/etc/creds/pw'), 's3cret', 'the Secret volume item at its path');
  t.equal((await exec('stat', '-L', '-c', '%a', '/etc/creds/pw')).trim(), '400', 'with the defaultMode');
  t.match(await exec('ls', '-a', '/etc/config'), /\.\.data/, 'written the kubelet\'s way, through ..data');
  t.equal(await exec('cat', '/var/run/secrets/tokens/greeting'), 'hello', 'the projected ConfigMap');
  t.equal(await exec('cat', '/var/run/secrets/tokens/labels'), 'app="vols"\ntier="test"', 'the projected labels');
  t.equal(await exec('cat', '/var/run/secrets/tokens/name'), 'vols');
  t.equal(await exec('cat', '/etc/info/mem'), '64', 'the downwardAPI resourceFieldRef');
  t.match(await exec('grep', ' /scratch ', '/proc/mounts'), /^tmpfs \/scratch tmpfs .*size=16384k/, 'emptyDir Memory is a tmpfs of its sizeLimit');
  t.match(await exec('grep', ' /etc/creds ', '/proc/mounts'), / ro[ ,]/, 'API-object volumes are mounted read-only');
  t.equal(await exec('cat', '/data/file'), 'shared\n', 'the emptyDir');
  t.equal(readFileSync(join(hostDir, 'out'), 'utf8'), 'from-pod\n', 'the hostPath directory, made by DirectoryOrCreate, is the node\'s');
  t.equal((await exec('sh', '-c', 'echo in-sub > /sub/x && cat /data/nested/dir/x')), 'in-sub\n', 'a subPath mount is that directory of the volume');
  t.match(await exec('sh', '-c', 'echo no > /ro/y'), /^exit 1: .*Read-only file system/, 'a readOnly mount cannot be written');
  t.match(await exec('cat', '/etc/hosts'), new RegExp(`# Kubernetes-managed hosts file\\.[^]*\\n${pod?.status?.podIP?.replace(/\./g, '\\.')}\\tvols\\n`), 'the pod\'s /etc/hosts names its IP');

  // 4b. the ServiceAccount admission's kube-api-access volume
  t.ok(pod?.spec?.volumes?.some((v) => /^kube-api-access-/.test(v.name)), 'the apiserver added the kube-api-access volume');
  const serviceAccountDir = '/var/run/secrets/kubernetes.io/serviceaccount';
  t.equal(await exec('cat', `${serviceAccountDir}/namespace`), 'default', 'with the namespace');
  t.equal(await exec('cat', `${serviceAccountDir}/ca.crt`), apiserver.caPem, 'the cluster CA');
  const apiAccess = await client.request<{ status?: { authenticated?: boolean } }>({ method: 'POST', path: '/apis/authentication.k8s.io/v1/tokenreviews', body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: await exec('cat', `${serviceAccountDir}/token`) } } });
  t.equal(apiAccess.status?.authenticated, true, 'and a token the apiserver accepts');

  // 5. the projected tokens: accepted by the apiserver, with their audience, expiry and pod binding
  const token = await exec('cat', '/var/run/secrets/tokens/token');
  const review = await client.request<{ status?: { authenticated?: boolean; user?: { username?: string; extra?: Record<string, string[]> } } }>({ method: 'POST', path: '/apis/authentication.k8s.io/v1/tokenreviews', body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } } });
  t.equal(review.status?.authenticated, true, 'the apiserver accepts the projected token');
  t.equal(review.status?.user?.username, 'system:serviceaccount:default:default');
  t.same(review.status?.user?.extra?.['authentication.kubernetes.io/pod-name'], ['vols'], 'bound to the pod');
  const claims = decodeJwt(token);
  t.equal((claims.exp ?? 0) - (claims.iat ?? 0), 3600, 'valid for the expirationSeconds');
  const vault = decodeJwt(await exec('cat', '/var/run/secrets/tokens/vault-token'));
  t.same(vault.aud, ['vault'], 'the second token is for its audience');
  t.equal((vault.exp ?? 0) - (vault.iat ?? 0), 600);

  // 6. a changed ConfigMap shows up in the mounted files
  const settings = await client.get<ConfigMap>(CONFIGMAPS, { namespace: 'default', name: 'settings' });
  await client.update(CONFIGMAPS, { ...settings, data: { greeting: 'bonjour', mode: 'fast' } });
  t.ok(await until(async () => (await exec('cat', '/etc/config/greeting')) === 'bonjour' && (await exec('cat', '/var/run/secrets/tokens/greeting')) === 'bonjour', 30_000, 250), 'the new value is in the configMap and projected volumes');

  // 6a. new labels show up in the downward-API files
  await client.patch(PODS, { namespace: 'default', name: 'vols' }, { metadata: { labels: { tier: 'prod' } } });
  t.ok(await until(async () => (await exec('cat', '/var/run/secrets/tokens/labels')) === 'app="vols"\ntier="prod"', 30_000, 250), 'a pod\'s changed labels are in its downward-API file');

  // 6b. a restarted kubelet adopts the running pod and keeps its volumes up to date
  await kubelet.kill();
  kubelet = await startKubelet(apiserver, kubeletFlags);
  const current = await client.get<ConfigMap>(CONFIGMAPS, { namespace: 'default', name: 'settings' });
  await client.update(CONFIGMAPS, { ...current, data: { greeting: 'hola', mode: 'fast' } });
  t.ok(await until(async () => (await exec('cat', '/etc/config/greeting')) === 'hola', 30_000, 250), 'after a kubelet restart too');
  t.equal((await client.get<Pod>(PODS, { namespace: 'default', name: 'vols' })).status?.containerStatuses?.[0]?.restartCount, 0, 'the container was not restarted');

  // 7. a missing required Secret: CreateContainerConfigError
  let broken: Pod | undefined;
  t.ok(await until(async () => {
    broken = await client.get<Pod>(PODS, { namespace: 'default', name: 'broken' });
    return broken.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CreateContainerConfigError';
  }, 30_000, 250), 'the pod naming a missing Secret waits with CreateContainerConfigError');
  t.equal(broken?.status?.containerStatuses?.[0]?.state?.waiting?.message, 'secret "nope" not found');

  // 8. deleting the pods leaves no mount and no pod directory on the node
  const podsDir = join(node.dir, 'kubelet', 'pods');
  t.ok(mountsUnder(podsDir).length >= 4, `the pod's tmpfs volumes are mounted (${mountsUnder(podsDir).length})`);
  const uid = pod?.metadata?.uid ?? '';
  await client.delete(PODS, { namespace: 'default', name: 'vols' }, { gracePeriodSeconds: 0 });
  await client.delete(PODS, { namespace: 'default', name: 'broken' }, { gracePeriodSeconds: 0 });
  t.ok(await until(async () => (await cri.listPodSandbox()).length === 0 && !existsSync(join(podsDir, uid)), 60_000, 250), 'the sandboxes and the pod\'s directory are gone');
  t.same(mountsUnder(podsDir), [], 'no volume is left mounted');

  // 9. volumes a removal left behind (a kubelet killed half-way) are removed once their pod has nothing in the runtime
  const leftBehind = join(podsDir, 'gone-pod-uid', 'volumes', 'kubernetes.io~secret', 'left');
  mkdirSync(leftBehind, { recursive: true });
  await runCommand('mount', ['-t', 'tmpfs', 'tmpfs', leftBehind]);
  t.ok(await until(() => mountsUnder(podsDir).length === 0 && !existsSync(join(podsDir, 'gone-pod-uid', 'volumes')), 30_000, 250), 'the left-behind volume is unmounted and removed');
});
