import t from 'tap';
import { findResource, type ResourceInfo } from '../lib/api/resources.js';
import { type Status, StatusError } from '../lib/api/status.js';
import type { KubeObject } from '../lib/api/object.js';
import { applyPatch, isSupportedPatchType, JSON_PATCH, MERGE_PATCH, patchTypeOf } from '../lib/api/patch/index.js';

function resource(group: string, name: string): ResourceInfo {
  const info = findResource(group, 'v1', name);
  if (!info) throw new Error(`no resource ${group}/${name}`);
  return info;
}

const deployments = resource('apps', 'deployments');

function failureOf(action: () => unknown): Status {
  try {
    action();
  } catch (error) {
    if (error instanceof StatusError) return error.status;
    throw error;
  }
  throw new Error('no error was thrown');
}

function live(): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web', tier: 'front' } },
    spec: { replicas: 2, template: { spec: { containers: [{ name: 'app', image: 'nginx:1' }, { name: 'log', image: 'busybox' }] } } },
  };
}

t.test('json patch applies each operation to a copy', async (t) => {
  const original = live();
  const before = structuredClone(original);
  const patched = applyPatch(deployments, original, JSON_PATCH, [
    { op: 'test', path: '/spec/replicas', value: 2 },
    { op: 'replace', path: '/spec/replicas', value: 5 },
    { op: 'add', path: '/metadata/labels/env', value: 'prod' },
    { op: 'remove', path: '/metadata/labels/tier' },
    { op: 'add', path: '/spec/template/spec/containers/-', value: { name: 'extra', image: 'x' } },
    { op: 'copy', from: '/metadata/labels/app', path: '/metadata/labels/copied' },
    { op: 'move', from: '/metadata/labels/copied', path: '/metadata/labels/moved' },
  ]);
  t.equal((patched.spec as { replicas: number }).replicas, 5);
  t.same(patched.metadata?.labels, { app: 'web', env: 'prod', moved: 'web' });
  t.equal((patched.spec as { template: { spec: { containers: unknown[] } } }).template.spec.containers.length, 3);
  t.same(original, before, 'the original is untouched');
});

t.test('a json patch that cannot apply is 422 Invalid, with the reason as a cause', async (t) => {
  const failed = failureOf(() => applyPatch(deployments, live(), JSON_PATCH, [{ op: 'test', path: '/spec/replicas', value: 3 }]));
  t.match(failed, {
    code: 422,
    reason: 'Invalid',
    message: 'the server rejected our request due to an error in our request',
    details: { causes: [{ reason: 'UnexpectedServerResponse', message: 'testing value /spec/replicas failed: test failed' }] },
  });
  const cases: [unknown, string][] = [
    [[{ op: 'remove', path: '/spec/paused' }], 'Unable to remove nonexistent key: paused: missing value'],
    [[{ op: 'replace', path: '/spec/paused', value: true }], 'replace operation does not apply: doc is missing key: /spec/paused: missing value'],
    [[{ op: 'add', path: '/spec/missing/deeper', value: 1 }], 'add operation does not apply: doc is missing path: "/spec/missing/deeper": missing value'],
    [[{ op: 'frobnicate', path: '/spec' }], 'Unexpected kind: frobnicate'],
  ];
  for (const [patch, cause] of cases) {
    t.match(failureOf(() => applyPatch(deployments, live(), JSON_PATCH, patch)), { code: 422, details: { causes: [{ message: cause }] } }, cause);
  }
  const remove = [{ op: 'remove', path: '/spec/template/spec/containers/5' }];
  t.equal(failureOf(() => applyPatch(deployments, live(), JSON_PATCH, remove)).code, 422, 'an index past the end');
});

t.test('a json patch body that is not a list of operations is 400', async (t) => {
  t.match(failureOf(() => applyPatch(deployments, live(), JSON_PATCH, { op: 'add' })), {
    code: 400,
    reason: 'BadRequest',
    message: 'json: cannot unmarshal object into Go value of type jsonpatch.Patch',
  });
  t.match(failureOf(() => applyPatch(deployments, live(), JSON_PATCH, ['add'])), {
    code: 400,
    message: 'json: cannot unmarshal string into Go value of type jsonpatch.Operation',
  });
  t.match(failureOf(() => applyPatch(deployments, live(), JSON_PATCH, '[{"op": "add"')), { code: 400, reason: 'BadRequest' });
});

t.test('more than 10000 json patch operations is 413', async (t) => {
  const operations = Array.from({ length: 10001 }, () => ({ op: 'add', path: '/x', value: 'y' }));
  t.match(failureOf(() => applyPatch(deployments, live(), JSON_PATCH, operations)), {
    code: 413,
    reason: 'RequestEntityTooLarge',
    message: 'The allowed maximum operations in a JSON patch is 10000, got 10001',
  });
});

t.test('a patch that leaves something other than an object is 422 Invalid', async (t) => {
  const status = failureOf(() => applyPatch(deployments, live(), JSON_PATCH, [{ op: 'replace', path: '', value: 5 }]));
  t.equal(status.code, 422);
  t.match(status.message, /^ "" is invalid: patch: Invalid value: "5": json: cannot unmarshal number/);
  t.equal(failureOf(() => applyPatch(deployments, live(), MERGE_PATCH, [1, 2])).code, 422, 'a merge patch that is an array');
});

t.test('merge patch: null deletes, objects merge, lists and scalars replace', async (t) => {
  const original = live();
  const patched = applyPatch(deployments, original, MERGE_PATCH, {
    metadata: { labels: { tier: null, env: 'prod' } },
    spec: { replicas: null, template: { spec: { containers: [{ name: 'only', image: 'x' }] } }, paused: true },
  });
  t.same(patched.metadata?.labels, { app: 'web', env: 'prod' });
  t.same(patched.spec, { template: { spec: { containers: [{ name: 'only', image: 'x' }] } }, paused: true });
  t.equal((original.spec as { replicas: number }).replicas, 2, 'the original is untouched');
});

t.test('merge patch drops nulls inside values it adds, as the apiserver does', async (t) => {
  const patched = applyPatch(deployments, live(), MERGE_PATCH, { spec: { strategy: { type: 'Recreate', rollingUpdate: null }, list: [{ a: null, b: 1 }, null] } });
  t.same((patched.spec as Record<string, unknown>).strategy, { type: 'Recreate' });
  t.same((patched.spec as Record<string, unknown>).list, [{ b: 1 }, null], 'arrays keep their null elements');
});

t.test('a merge patch body that is null or a scalar is 400 Invalid JSON Patch', async (t) => {
  for (const body of ['null', '5', '"x"', 'true']) {
    t.match(failureOf(() => applyPatch(deployments, live(), MERGE_PATCH, body)), { code: 400, message: 'Invalid JSON Patch' }, body);
  }
  t.equal(failureOf(() => applyPatch(deployments, live(), MERGE_PATCH, '{')).code, 400, 'not JSON at all');
  const raw = applyPatch(deployments, live(), MERGE_PATCH, Buffer.from('{"spec":{"replicas":3}}'));
  t.equal((raw.spec as { replicas: number }).replicas, 3, 'raw bytes are parsed');
});

t.test('patch content types: parameters are ignored, unknown types are 415', async (t) => {
  t.equal(patchTypeOf('application/merge-patch+json; charset=utf-8'), 'application/merge-patch+json');
  t.ok(isSupportedPatchType('application/strategic-merge-patch+json'));
  t.ok(isSupportedPatchType('application/apply-patch+yaml'));
  const patched = applyPatch(deployments, live(), 'application/merge-patch+json; charset=utf-8', { spec: { replicas: 1 } });
  t.equal((patched.spec as { replicas: number }).replicas, 1);
  for (const type of ['application/json', 'text/plain']) {
    t.match(
      failureOf(() => applyPatch(deployments, live(), type, 'x: 1')),
      {
        code: 415,
        reason: 'UnsupportedMediaType',
        message:
          'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json',
      },
      type,
    );
  }
});

t.test('a "__proto__" key in a body is refused and pollutes nothing', async (t) => {
  // The store's msgpack would read such a key back as "__proto_": it is refused in every format.
  const body = '{"__proto__":{"polluted":true},"metadata":{"labels":{"__proto__":"x"}}}';
  for (const type of [MERGE_PATCH, 'application/strategic-merge-patch+json']) {
    t.match(failureOf(() => applyPatch(deployments, live(), type, body)), { code: 400, message: /holds the key "__proto__" at the top level/ }, type);
  }
  t.equal(failureOf(() => applyPatch(deployments, live(), JSON_PATCH, [{ op: 'add', path: '/__proto__/polluted', value: true }])).code, 422);
  t.equal(failureOf(() => applyPatch(deployments, live(), JSON_PATCH, [{ op: '_get', path: '/spec' }])).code, 422, 'no private operations');
  t.equal(({} as Record<string, unknown>).polluted, undefined);
});
