import t from 'tap';
import { findResource, type ResourceInfo } from '../lib/api/resources.js';
import { type Status, StatusError } from '../lib/api/status.js';
import type { KubeObject } from '../lib/api/object.js';
import { applyPatch, STRATEGIC_MERGE_PATCH } from '../lib/api/patch/index.js';

function resource(group: string, name: string): ResourceInfo {
  const info = findResource(group, 'v1', name);
  if (!info) throw new Error(`no resource ${group}/${name}`);
  return info;
}

const deployments = resource('apps', 'deployments');
const pods = resource('', 'pods');
const services = resource('', 'services');
const nodes = resource('', 'nodes');
const configmaps = resource('', 'configmaps');

/** Frozen all the way down: a patch that writes into its input throws. */
function frozen<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) frozen(child);
    Object.freeze(value);
  }
  return value;
}

function smp(info: ResourceInfo, original: KubeObject, patch: unknown): KubeObject {
  return applyPatch(info, frozen(structuredClone(original)), STRATEGIC_MERGE_PATCH, frozen(structuredClone(patch)));
}

function failureOf(action: () => unknown): Status {
  try {
    action();
  } catch (error) {
    if (error instanceof StatusError) return error.status;
    throw error;
  }
  throw new Error('no error was thrown');
}

function deployment(containers: unknown[], extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: { replicas: 2, template: { metadata: { labels: { app: 'web' } }, spec: { containers, ...extra } } },
  };
}

function podSpecOf(object: KubeObject): Record<string, unknown> {
  return (object.spec as { template: { spec: Record<string, unknown> } }).template.spec;
}

function names(list: unknown): string[] {
  return (list as { name: string }[]).map((c) => c.name);
}

t.test('kubectl patch of one container keeps the others', async (t) => {
  // kubectl patch deploy web -p '{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"nginx:2"}]}}}}'
  const live = deployment([
    { name: 'app', image: 'nginx:1', ports: [{ containerPort: 80 }] },
    { name: 'log', image: 'busybox' },
  ]);
  const patched = smp(deployments, live, { spec: { template: { spec: { containers: [{ name: 'app', image: 'nginx:2' }] } } } });
  t.same(podSpecOf(patched).containers, [
    { name: 'app', image: 'nginx:2', ports: [{ containerPort: 80 }] },
    { name: 'log', image: 'busybox' },
  ]);
  t.equal((patched.spec as { replicas: number }).replicas, 2, 'untouched fields stay');
});

t.test('kubectl apply: a three-way patch adds, keeps server-side containers, and orders by $setElementOrder', async (t) => {
  const live = deployment([
    { name: 'app', image: 'app:1', terminationMessagePath: '/dev/termination-log' },
    { name: 'mesh-proxy', image: 'proxy:1' },
  ]);
  // The user's file gained a "migrate" container before "app" and an env var on "app".
  const patch = {
    metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"...":"..."}\n' } },
    spec: {
      template: {
        spec: {
          '$setElementOrder/containers': [{ name: 'migrate' }, { name: 'app' }],
          containers: [
            { image: 'migrate:1', name: 'migrate' },
            { '$setElementOrder/env': [{ name: 'MODE' }], env: [{ name: 'MODE', value: 'prod' }], name: 'app' },
          ],
        },
      },
    },
  };
  const patched = smp(deployments, live, patch);
  t.same(podSpecOf(patched).containers, [
    { image: 'migrate:1', name: 'migrate' },
    { name: 'app', image: 'app:1', terminationMessagePath: '/dev/termination-log', env: [{ name: 'MODE', value: 'prod' }] },
    { name: 'mesh-proxy', image: 'proxy:1' },
  ]);
  t.equal(patched.metadata?.annotations?.['kubectl.kubernetes.io/last-applied-configuration'], '{"...":"..."}\n');
  t.notMatch(JSON.stringify(patched), /\$setElementOrder/, 'no directive is stored');
});

t.test('kubectl apply: a container dropped from the file is deleted, one added by others stays', async (t) => {
  const live = deployment([
    { name: 'old', image: 'old:1' },
    { name: 'app', image: 'app:1' },
    { name: 'mesh-proxy', image: 'proxy:1' },
  ]);
  const patch = { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'app' }], containers: [{ $patch: 'delete', name: 'old' }] } } } };
  t.same(names(podSpecOf(smp(deployments, live, patch)).containers), ['app', 'mesh-proxy']);
});

t.test('$setElementOrder orders merged items; items it names but the list lacks are skipped', async (t) => {
  const live = deployment([{ name: 'a' }, { name: 'c' }]);
  const patch = {
    spec: {
      template: {
        spec: {
          '$setElementOrder/containers': [{ name: 'c' }, { name: 'b' }, { name: 'a' }],
          containers: [
            { name: 'c', image: 'c' },
            { name: 'a', image: 'a' },
          ],
        },
      },
    },
  };
  t.same(podSpecOf(smp(deployments, live, patch)).containers, [
    { name: 'c', image: 'c' },
    { name: 'a', image: 'a' },
  ]);
});

t.test('$setElementOrder that contradicts the patch list is refused', async (t) => {
  const live = deployment([{ name: 'a' }, { name: 'c' }, { name: 'b' }]);
  const patch = {
    spec: {
      template: {
        spec: {
          '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }, { name: 'c' }],
          containers: [
            { name: 'c', image: 'c' },
            { name: 'a', image: 'a' },
          ],
        },
      },
    },
  };
  const status = failureOf(() => smp(deployments, live, patch));
  t.equal(status.code, 400);
  t.equal(
    status.message,
    "the order in patch list:\n[map[image:c name:c] map[image:a name:a]]\n doesn't match $setElementOrder list:\n[map[name:a] map[name:b] map[name:c]]",
  );
});

t.test('a merge list without $setElementOrder keeps the patch order, then server-only items where they were', async (t) => {
  const live = deployment([{ name: '1' }, { name: '2', image: 'b' }, { name: '3' }]);
  const patch = {
    spec: {
      template: {
        spec: {
          containers: [
            { name: '3', image: 'c' },
            { name: '1', image: 'a' },
          ],
        },
      },
    },
  };
  t.same(podSpecOf(smp(deployments, live, patch)).containers, [
    { name: '2', image: 'b' },
    { name: '3', image: 'c' },
    { name: '1', image: 'a' },
  ]);
});

t.test('finalizers merge as a set; $deleteFromPrimitiveList removes values', async (t) => {
  const live = { metadata: { name: 'c', finalizers: ['a', 'b'] } };
  t.same(smp(configmaps, live, { metadata: { finalizers: ['b', 'c', 'c'] } }).metadata?.finalizers, ['a', 'b', 'c']);
  t.same(smp(configmaps, live, { metadata: { finalizers: ['b', 'a'] } }).metadata?.finalizers, ['b', 'a'], 'the patch order wins');
  t.same(smp(configmaps, live, { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } }).metadata?.finalizers, ['b']);
  t.same(
    smp(configmaps, { metadata: { name: 'c', finalizers: ['a', 'b', 'c', 'd'] } }, {
      metadata: { '$setElementOrder/finalizers': ['a', 'b'], '$deleteFromPrimitiveList/finalizers': ['c'] },
    }).metadata?.finalizers,
    ['a', 'b', 'd'],
    "kubectl apply's removal keeps values others added",
  );
  t.same(
    smp(configmaps, { metadata: { name: 'c', finalizers: ['a', 'b', 'c'] } }, {
      metadata: { '$setElementOrder/finalizers': ['a', 'b', 'd'], '$deleteFromPrimitiveList/finalizers': ['c'], finalizers: ['d'] },
    }).metadata?.finalizers,
    ['a', 'b', 'd'],
  );
  t.same(smp(configmaps, { metadata: { name: 'c' } }, { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } }).metadata, { name: 'c' }, 'no list is made up');
  t.match(failureOf(() => smp(configmaps, live, { metadata: { $deleteFromPrimitiveListfinalizers: ['a'] } })), {
    code: 400,
    reason: 'BadRequest',
    message: 'invalid patch format of primitive list',
  });
});

t.test('$patch directives on maps and in lists', async (t) => {
  const live = deployment([{ name: 'a', image: 'a' }, { name: 'b', image: 'b' }, { name: 'a', image: 'dup' }], {
    nodeSelector: { disk: 'hdd', zone: 'z1' },
    securityContext: { runAsUser: 1000 },
  });
  const replaceMap = smp(deployments, live, { spec: { template: { spec: { nodeSelector: { $patch: 'replace', disk: 'ssd' } } } } });
  t.same(podSpecOf(replaceMap).nodeSelector, { disk: 'ssd' });

  const deleteMap = smp(deployments, live, { spec: { template: { spec: { securityContext: { $patch: 'delete' } } } } });
  t.same(podSpecOf(deleteMap).securityContext, {}, 'a deleted map becomes empty, as in Kubernetes');

  const replaceList = smp(deployments, live, { spec: { template: { spec: { containers: [{ name: 'only', image: 'x' }, { $patch: 'replace' }] } } } });
  t.same(podSpecOf(replaceList).containers, [{ name: 'only', image: 'x' }]);

  const deleteItem = smp(deployments, live, { spec: { template: { spec: { containers: [{ name: 'a', $patch: 'delete' }] } } } });
  t.same(podSpecOf(deleteItem).containers, [{ name: 'b', image: 'b' }], 'every element with the key goes');

  t.match(failureOf(() => smp(deployments, live, { spec: { template: { spec: { containers: [{ name: 'a', $patch: 'merge' }] } } } })), {
    code: 400,
    message: 'merging lists cannot yet be specified in the patch',
  });
  t.match(failureOf(() => smp(deployments, live, { spec: { $patch: 'shred' } })), {
    code: 400,
    message: 'unknown patch type: shred in map: map[$patch:shred]',
  });
  t.same(smp(deployments, live, { $patch: 'delete' }), {}, 'deleting the root leaves nothing');
});

t.test('$retainKeys clears what the list leaves out (Deployment strategy, volume sources)', async (t) => {
  const live = deployment([{ name: 'app' }], { volumes: [{ name: 'data', emptyDir: {} }, { name: 'tmp', emptyDir: {} }] });
  (live.spec as Record<string, unknown>).strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } };

  // kubectl apply after switching the file to strategy.type: Recreate
  const recreate = smp(deployments, live, { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } });
  t.same((recreate.spec as Record<string, unknown>).strategy, { type: 'Recreate' });

  const volume = smp(deployments, live, {
    spec: { template: { spec: { volumes: [{ $retainKeys: ['configMap', 'name'], configMap: { name: 'cfg' }, name: 'data' }] } } },
  });
  t.same(podSpecOf(volume).volumes, [
    { name: 'data', configMap: { name: 'cfg' } },
    { name: 'tmp', emptyDir: {} },
  ]);

  t.match(failureOf(() => smp(deployments, live, { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: {} } } })), {
    code: 400,
    message: 'invalid patch format of retainKeys',
  });
  t.match(failureOf(() => smp(deployments, live, { spec: { strategy: { $retainKeys: 'type' } } })), {
    code: 400,
    message: 'invalid patch format of retainKeys',
  });
});

t.test('null deletes a field; nulls inside an added value are dropped', async (t) => {
  const live = deployment([{ name: 'app', image: 'a', command: ['run'] }]);
  const patched = smp(deployments, live, {
    spec: { replicas: null, template: { spec: { containers: [{ name: 'app', command: null }] } } },
    metadata: { annotations: { keep: 'yes', gone: null } },
  });
  t.notOk('replicas' in (patched.spec as object));
  t.same(podSpecOf(patched).containers, [{ name: 'app', image: 'a' }]);
  t.same(patched.metadata?.annotations, { keep: 'yes' });
});

t.test('each list of the served kinds merges on its Kubernetes merge key', async (t) => {
  const pod: KubeObject = {
    metadata: {
      name: 'p',
      ownerReferences: [{ uid: 'u1', name: 'rs-1', kind: 'ReplicaSet', apiVersion: 'apps/v1' }],
    },
    spec: {
      containers: [
        {
          name: 'app',
          ports: [{ containerPort: 80, protocol: 'TCP' }],
          env: [{ name: 'A', value: '1' }],
          volumeMounts: [{ mountPath: '/data', name: 'data' }],
          args: ['--a', '--b'],
        },
      ],
      volumes: [{ name: 'data', emptyDir: {} }],
      tolerations: [{ key: 'a', operator: 'Exists' }],
      imagePullSecrets: [{ name: 'r1' }],
      hostAliases: [{ ip: '10.0.0.1', hostnames: ['a'] }],
    },
    status: { conditions: [{ type: 'Ready', status: 'False' }, { type: 'PodScheduled', status: 'True' }] },
  };
  const patched = smp(pods, pod, {
    metadata: { ownerReferences: [{ uid: 'u1', controller: true }] },
    spec: {
      containers: [
        {
          name: 'app',
          ports: [{ containerPort: 80, name: 'http' }, { containerPort: 443 }],
          env: [{ name: 'B', value: '2' }],
          volumeMounts: [{ mountPath: '/data', readOnly: true }],
          args: ['--c'],
        },
      ],
      volumes: [{ name: 'cache', emptyDir: {} }],
      tolerations: [{ key: 'b', operator: 'Exists' }],
      imagePullSecrets: [{ name: 'r2' }],
      hostAliases: [{ ip: '10.0.0.1', hostnames: ['b'] }],
    },
    status: { conditions: [{ type: 'Ready', status: 'True' }] },
  });
  const spec = patched.spec as Record<string, unknown>;
  const [container] = spec.containers as Record<string, unknown>[];
  t.same(container!.ports, [{ containerPort: 80, protocol: 'TCP', name: 'http' }, { containerPort: 443 }], 'ports by containerPort');
  // Items new to a list go before the server-only ones, as apimachinery orders them.
  t.same(container!.env, [{ name: 'B', value: '2' }, { name: 'A', value: '1' }], 'env by name');
  t.same(container!.volumeMounts, [{ mountPath: '/data', name: 'data', readOnly: true }], 'volumeMounts by mountPath');
  t.same(container!.args, ['--c'], 'args have no strategy: replaced');
  t.same(names(spec.volumes), ['cache', 'data'], 'volumes by name');
  t.same(spec.tolerations, [{ key: 'b', operator: 'Exists' }], 'tolerations have no strategy: replaced');
  t.same(spec.imagePullSecrets, [{ name: 'r2' }, { name: 'r1' }], 'imagePullSecrets by name');
  t.same(spec.hostAliases, [{ ip: '10.0.0.1', hostnames: ['b'] }], 'hostAliases by ip, hostnames replaced');
  t.same(patched.metadata?.ownerReferences, [{ uid: 'u1', name: 'rs-1', kind: 'ReplicaSet', apiVersion: 'apps/v1', controller: true }]);
  t.same((patched.status as Record<string, unknown>).conditions, [
    { type: 'Ready', status: 'True' },
    { type: 'PodScheduled', status: 'True' },
  ]);
});

t.test('service ports merge by port; node addresses by type', async (t) => {
  const svc = { metadata: { name: 's' }, spec: { ports: [{ port: 80, targetPort: 8080 }], selector: { app: 'a' } } };
  const patchedService = smp(services, svc, { spec: { ports: [{ port: 80, name: 'http' }, { port: 443 }], selector: { tier: 'web' } } });
  t.same(patchedService.spec, { ports: [{ port: 80, targetPort: 8080, name: 'http' }, { port: 443 }], selector: { app: 'a', tier: 'web' } });

  const node = {
    metadata: { name: 'n' },
    spec: { podCIDRs: ['10.0.0.0/24'], taints: [{ key: 'a', effect: 'NoSchedule' }] },
    status: { addresses: [{ type: 'InternalIP', address: '10.1.0.1' }, { type: 'Hostname', address: 'n' }] },
  };
  const patchedNode = smp(nodes, node, {
    spec: { podCIDRs: ['fd00::/64'], taints: [] },
    status: { addresses: [{ type: 'InternalIP', address: '10.1.0.2' }] },
  });
  t.same(patchedNode.spec, { podCIDRs: ['fd00::/64', '10.0.0.0/24'], taints: [] }, 'podCIDRs merge as a set, new values first');
  t.same((patchedNode.status as Record<string, unknown>).addresses, [
    { type: 'InternalIP', address: '10.1.0.2' },
    { type: 'Hostname', address: 'n' },
  ]);
});

t.test('fields and kinds without metadata merge maps and replace lists', async (t) => {
  const widgets: ResourceInfo = { ...configmaps, group: 'example.com', kind: 'Widget', resource: 'widgets' };
  const live = { metadata: { name: 'w' }, spec: { nested: { a: 1, b: [1, 2] }, items: [{ name: 'x', v: 1 }] } };
  const patched = smp(widgets, live, { spec: { nested: { c: 3, b: [3] }, items: [{ name: 'y' }] } });
  t.same(patched.spec, { nested: { a: 1, b: [3], c: 3 }, items: [{ name: 'y' }] });
  const unknownField = smp(deployments, deployment([{ name: 'a' }], { extraList: [1, 2] }), { spec: { template: { spec: { extraList: [3] } } } });
  t.same(podSpecOf(unknownField).extraList, [3]);
});

t.test('malformed strategic patches fail as the apiserver fails them', async (t) => {
  const live = deployment([{ name: 'app', image: 'nginx:1' }]);
  const noKey = failureOf(() => smp(deployments, live, { spec: { template: { spec: { containers: [{ image: 'nginx:2' }] } } } }));
  t.equal(noKey.code, 400, 'a malformed patch is the client\'s error, never a 5xx');
  t.equal(noKey.message, 'map: map[image:nginx:2] does not contain declared merge key: name');
  t.equal(noKey.reason, 'BadRequest');

  t.match(failureOf(() => smp(configmaps, { metadata: { name: 'c', finalizers: [] } }, { metadata: { finalizers: [['a']] } })), {
    code: 422,
    reason: 'Invalid',
    details: { causes: [{ message: 'lists of lists are not supported' }] },
  });
  t.match(failureOf(() => smp(configmaps, { metadata: { name: 'c', finalizers: ['x'] } }, { metadata: { finalizers: [1] } })), {
    code: 400,
    message: 'list element types are not identical: [[x] [1]]',
  });
  t.match(failureOf(() => smp(deployments, live, [{ spec: {} }])), {
    code: 400,
    message: 'json: cannot unmarshal array into Go value of type map[string]interface {}',
  });
  t.match(failureOf(() => applyPatch(deployments, live, STRATEGIC_MERGE_PATCH, '{"spec": ')), { code: 400, reason: 'BadRequest' });
  t.same(applyPatch(deployments, live, STRATEGIC_MERGE_PATCH, 'null'), live, 'a null body changes nothing');
});
