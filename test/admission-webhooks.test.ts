// Admission webhooks against a webhook server the test starts (HTTPS on loopback, its certificate
// from its own CA, given to the apiserver as caBundle); test/e2e/kubectl-webhooks.test.ts shows
// what kubectl prints. A validating webhook denies with its message; a mutating one adds a label by
// JSONPatch in the namespaces its namespaceSelector picks, and its warning reaches the client;
// reinvocationPolicy IfNeeded; Fail and Ignore with the webhook down; a slow webhook hits
// timeoutSeconds; a service reference is dialled through its EndpointSlice; a webhook never sees
// webhook configurations; a dry run reaches only webhooks without side effects; CEL matchConditions
// (and one that cannot be evaluated); a v1beta1-only webhook; matchPolicy Equivalent for built-in
// and custom resources; the scale subresource as a Scale; the object validated after mutation; a
// bad answer; DELETE requests; the metrics.
import { randomUUID } from 'node:crypto';
import t from 'tap';
import { freePort } from '../lib/process/ports.js';
import { startWebhookServer } from './helpers/admission-webhook-server.js';
import { listeningServer, type ListeningServer } from './helpers/listening-server.js';
import { TEST_TOKEN } from './helpers/inject-server.js';

const hooks = await startWebhookServer();
const api: ListeningServer = await listeningServer();
t.teardown(async () => {
  await api.close();
  hooks.close();
});

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(`${api.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${TEST_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : { text }, headers: res.headers };
}

const ADMISSION = '/apis/admissionregistration.k8s.io/v1';

interface HookSpec {
  name: string;
  path?: string;
  url?: string;
  service?: Record<string, unknown>;
  rules?: unknown[];
  extra?: Record<string, unknown>;
}

function webhook(spec: HookSpec): Record<string, unknown> {
  return {
    name: spec.name,
    admissionReviewVersions: ['v1'],
    sideEffects: 'None',
    clientConfig: { caBundle: hooks.caBundle, ...(spec.service ? { service: spec.service } : { url: spec.url ?? `https://127.0.0.1:${hooks.port}${spec.path}` }) },
    rules: spec.rules ?? [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }],
    ...spec.extra,
  };
}

async function configure(kind: 'validating' | 'mutating', name: string, specs: HookSpec[]): Promise<void> {
  const resource = `${kind}webhookconfigurations`;
  const res = await call('POST', `${ADMISSION}/${resource}`, {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: kind === 'validating' ? 'ValidatingWebhookConfiguration' : 'MutatingWebhookConfiguration',
    metadata: { name },
    webhooks: specs.map(webhook),
  });
  if (res.status !== 201) throw new Error(`creating ${name}: ${JSON.stringify(res.body)}`);
}

async function unconfigure(kind: 'validating' | 'mutating', name: string): Promise<void> {
  await call('DELETE', `${ADMISSION}/${kind}webhookconfigurations/${name}`);
}

function configMap(name: string, labels: Record<string, string> = {}): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels }, data: { a: 'b' } };
}

/** Writes an object straight into the store, as stored objects the API would not accept today are. */
async function putStored(key: string, value: { metadata: Record<string, unknown> } & Record<string, unknown>): Promise<boolean> {
  const metadata = { uid: randomUUID(), creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), ...value.metadata };
  const result = await api.store.txn({ compare: [], success: [{ type: 'put', key, value: { ...value, metadata } }] });
  return result.succeeded;
}

const selecting = (value: string): Record<string, unknown> => ({ objectSelector: { matchLabels: { case: value } } });

t.test('a validating webhook denies with its message', async (t) => {
  await configure('validating', 'deny', [{ name: 'deny.rudder.test', path: '/deny', extra: selecting('deny') }]);
  t.teardown(() => unconfigure('validating', 'deny'));
  const denied = await call('POST', '/api/v1/namespaces/default/configmaps', configMap('refused', { case: 'deny' }));
  t.equal(denied.status, 403, 'the webhook status code is the answer');
  t.equal(denied.body.message, 'admission webhook "deny.rudder.test" denied the request: configmaps labelled deny=yes are refused');
  t.equal((await call('GET', '/api/v1/namespaces/default/configmaps/refused')).status, 404, 'nothing was stored');
  const other = await call('POST', '/api/v1/namespaces/default/configmaps', configMap('not-selected', { case: 'other' }));
  t.equal(other.status, 201, 'objectSelector: an object without the label is not sent to the webhook');

});

t.test('a mutating webhook adds a label by JSONPatch in the namespaces it selects, and its warning reaches the client', async (t) => {
  t.equal((await call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'hooked', labels: { webhooks: 'on' } } })).status, 201);
  await configure('mutating', 'label', [{ name: 'label.rudder.test', path: '/label', extra: { namespaceSelector: { matchLabels: { webhooks: 'on' } } } }]);
  t.teardown(() => unconfigure('mutating', 'label'));
  const created = await call('POST', '/api/v1/namespaces/hooked/configmaps', configMap('mutated'));
  t.equal(created.status, 201);
  t.same((created.body.metadata as { labels: unknown }).labels, { 'mutated-by': 'webhook' }, 'the label the patch added');
  t.equal(created.headers.get('warning'), '299 - "labelled by the test webhook"');
  const stored = await call('GET', '/api/v1/namespaces/hooked/configmaps/mutated');
  t.same((stored.body.metadata as { labels: unknown }).labels, { 'mutated-by': 'webhook' }, 'stored with the label');
  const elsewhere = await call('POST', '/api/v1/namespaces/default/configmaps', configMap('unmutated'));
  t.equal((elsewhere.body.metadata as { labels?: unknown }).labels, undefined, 'namespaceSelector: the default namespace is not selected');

});

t.test('reinvocationPolicy IfNeeded calls a webhook again when a later one changed the object', async (t) => {
  await configure('mutating', 'a-count', [{ name: 'count.rudder.test', path: '/count', extra: { ...selecting('reinvoke'), reinvocationPolicy: 'IfNeeded' } }]);
  await configure('mutating', 'b-label', [{ name: 'label-later.rudder.test', path: '/label', extra: selecting('reinvoke') }]);
  t.teardown(async () => {
    await unconfigure('mutating', 'a-count');
    await unconfigure('mutating', 'b-label');
  });
  const created = await call('POST', '/api/v1/namespaces/default/configmaps', configMap('reinvoked', { case: 'reinvoke' }));
  t.equal(created.status, 201);
  const meta = created.body.metadata as { labels: Record<string, string>; annotations: Record<string, string> };
  t.equal(meta.labels['mutated-by'], 'webhook');
  t.equal(meta.annotations.calls, '2', 'the first webhook ran twice');
});

t.test('failurePolicy Fail refuses and Ignore admits when the webhook is down', async (t) => {
  const closed = await freePort();
  const url = `https://127.0.0.1:${closed}/allow`;
  await configure('validating', 'down', [
    { name: 'down-fail.rudder.test', url, extra: { ...selecting('down-fail'), failurePolicy: 'Fail' } },
    { name: 'down-ignore.rudder.test', url, extra: { ...selecting('down-ignore'), failurePolicy: 'Ignore' } },
  ]);
  t.teardown(() => unconfigure('validating', 'down'));
  const failed = await call('POST', '/api/v1/namespaces/default/configmaps', configMap('fail-closed', { case: 'down-fail' }));
  t.equal(failed.status, 500);
  t.equal(failed.body.reason, 'InternalError');
  t.equal(
    failed.body.message,
    `Internal error occurred: failed calling webhook "down-fail.rudder.test": failed to call webhook: Post "https://127.0.0.1:${closed}/allow?timeout=10s": dial tcp 127.0.0.1:${closed}: connect: connection refused`,
  );
  const ignored = await call('POST', '/api/v1/namespaces/default/configmaps', configMap('fail-open', { case: 'down-ignore' }));
  t.equal(ignored.status, 201, 'Ignore lets the request through');
});

t.test('a slow webhook hits timeoutSeconds', async (t) => {
  await configure('validating', 'slow', [{ name: 'slow.rudder.test', path: '/slow', extra: { ...selecting('slow'), timeoutSeconds: 1 } }]);
  t.teardown(() => unconfigure('validating', 'slow'));
  const started = Date.now();
  const res = await call('POST', '/api/v1/namespaces/default/configmaps', configMap('too-slow', { case: 'slow' }));
  const elapsed = Date.now() - started;
  t.equal(res.status, 500);
  t.match(String(res.body.message), /failed calling webhook "slow.rudder.test": failed to call webhook: Post "https:\/\/127\.0\.0\.1:\d+\/slow\?timeout=1s": context deadline exceeded/);
  t.ok(elapsed >= 900 && elapsed < 2500, `answered after the 1 s timeout, not the webhook's 3 s (${elapsed} ms)`);
});

t.test('a service reference is dialled through its EndpointSlice, with the service name on TLS', async (t) => {
  const svc = await call('POST', '/api/v1/namespaces/default/services', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'hook' },
    spec: { ports: [{ name: 'https', port: 443, targetPort: 8443 }] },
  });
  t.equal(svc.status, 201, JSON.stringify(svc.body));
  // Validation refuses loopback endpoints, and loopback is the only place a test may serve: the
  // slice is written as the EndpointSlice controller would store it.
  const slice = await putStored('/registry/discovery.k8s.io/endpointslices/default/hook-1', {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'hook-1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'hook' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }],
    ports: [{ name: 'https', port: hooks.port, protocol: 'TCP' }],
  });
  t.ok(slice, 'the EndpointSlice is stored');
  await configure('validating', 'by-service', [{ name: 'service.rudder.test', service: { namespace: 'default', name: 'hook', path: '/deny' }, extra: selecting('service') }]);
  t.teardown(() => unconfigure('validating', 'by-service'));
  const res = await call('POST', '/api/v1/namespaces/default/configmaps', configMap('through-service', { case: 'service' }));
  t.equal(res.status, 403);
  t.equal(res.body.message, 'admission webhook "service.rudder.test" denied the request: configmaps labelled deny=yes are refused');
});

t.test('a webhook never sees webhook configurations, even when its rules match everything', async (t) => {
  await configure('validating', 'everything', [
    { name: 'everything.rudder.test', path: '/allow', rules: [{ operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*/*'] }] },
  ]);
  t.teardown(() => unconfigure('validating', 'everything'));
  const from = hooks.seen.length;
  await configure('mutating', 'unseen-m', [{ name: 'unseen.rudder.test', path: '/allow', extra: selecting('none') }]);
  await configure('validating', 'unseen-v', [{ name: 'unseen.rudder.test', path: '/allow', extra: selecting('none') }]);
  await unconfigure('mutating', 'unseen-m');
  await unconfigure('validating', 'unseen-v');
  t.equal((await call('POST', '/api/v1/namespaces/default/configmaps', configMap('seen'))).status, 201);
  const resources = hooks.seen.slice(from).map((s) => s.review.request.resource.resource);
  t.same(resources, ['configmaps'], 'only the configmap reached the webhook');
});

t.test('a dry run reaches only webhooks without side effects', async (t) => {
  // admissionregistration/v1 accepts only None and NoneOnDryRun: a webhook with side effects is one
  // stored through an older API, written here as it would be stored.
  const stored = await putStored('/registry/admissionregistration.k8s.io/validatingwebhookconfigurations/dry-some', {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: { name: 'dry-some', generation: 1 },
    webhooks: [webhook({ name: 'some.rudder.test', path: '/allow', extra: { ...selecting('dry-some'), sideEffects: 'Some' } })],
  });
  t.ok(stored, 'the configuration is stored');
  await configure('validating', 'dry-none', [{ name: 'none.rudder.test', path: '/allow', extra: { ...selecting('dry-none'), sideEffects: 'NoneOnDryRun' } }]);
  t.teardown(async () => {
    await unconfigure('validating', 'dry-some');
    await unconfigure('validating', 'dry-none');
  });
  const refused = await call('POST', '/api/v1/namespaces/default/configmaps?dryRun=All', configMap('dry-some', { case: 'dry-some' }));
  t.equal(refused.status, 400);
  t.equal(refused.body.message, 'admission webhook "some.rudder.test" does not support dry run');
  const from = hooks.seen.length;
  const allowed = await call('POST', '/api/v1/namespaces/default/configmaps?dryRun=All', configMap('dry-none', { case: 'dry-none' }));
  t.equal(allowed.status, 201);
  t.equal(hooks.seen[from]?.review.request.dryRun, true, 'the webhook is told it is a dry run');
  t.equal((await call('GET', '/api/v1/namespaces/default/configmaps/dry-none')).status, 404, 'a dry run stores nothing');
  const wet = await call('POST', '/api/v1/namespaces/default/configmaps', configMap('wet-some', { case: 'dry-some' }));
  t.equal(wet.status, 201, 'without dry run a webhook with side effects is called');
});

t.test('matchConditions (CEL) decide which matching requests are sent', async (t) => {
  await configure('validating', 'cel', [
    { name: 'cel.rudder.test', path: '/deny', extra: { ...selecting('cel'), matchConditions: [{ name: 'denied-names', expression: "object.metadata.name.startsWith('cel-deny')" }] } },
  ]);
  t.teardown(() => unconfigure('validating', 'cel'));
  t.equal((await call('POST', '/api/v1/namespaces/default/configmaps', configMap('cel-deny-1', { case: 'cel' }))).status, 403, 'the condition holds: sent, and denied');
  t.equal((await call('POST', '/api/v1/namespaces/default/configmaps', configMap('cel-other', { case: 'cel' }))).status, 201, 'the condition is false: not sent');
});

t.test('a match condition that cannot be evaluated refuses under Fail and skips the webhook under Ignore', async (t) => {
  const broken = { matchConditions: [{ name: 'needs-spec', expression: "object.spec.mode == 'x'" }] };
  await configure('validating', 'cel-error', [
    { name: 'cel-fail.rudder.test', path: '/allow', extra: { ...selecting('cel-fail'), ...broken } },
    { name: 'cel-ignore.rudder.test', path: '/deny', extra: { ...selecting('cel-ignore'), ...broken, failurePolicy: 'Ignore' } },
  ]);
  t.teardown(() => unconfigure('validating', 'cel-error'));
  const failed = await call('POST', '/api/v1/namespaces/default/configmaps', configMap('cel-fail', { case: 'cel-fail' }));
  t.equal(failed.status, 403);
  t.match(String(failed.body.message), /^configmaps "cel-fail" is forbidden: expression 'needs-spec' resulted in error: /);
  t.equal((await call('POST', '/api/v1/namespaces/default/configmaps', configMap('cel-ignore', { case: 'cel-ignore' }))).status, 201);
});

t.test('a webhook that lists only v1beta1 is sent an admission.k8s.io/v1beta1 AdmissionReview', async (t) => {
  await configure('mutating', 'beta', [{ name: 'beta.rudder.test', path: '/label', extra: { ...selecting('beta'), admissionReviewVersions: ['v1beta1'] } }]);
  t.teardown(() => unconfigure('mutating', 'beta'));
  const from = hooks.seen.length;
  const created = await call('POST', '/api/v1/namespaces/default/configmaps', configMap('beta', { case: 'beta' }));
  t.equal(created.status, 201);
  t.equal(hooks.seen[from]?.review.apiVersion, 'admission.k8s.io/v1beta1');
  t.equal((created.body.metadata as { labels: Record<string, string> }).labels['mutated-by'], 'webhook');
});

t.test('matchPolicy Equivalent sends a request of another version in the version the rule names', async (t) => {
  const v2Only = [{ operations: ['CREATE'], apiGroups: ['autoscaling'], apiVersions: ['v2'], resources: ['horizontalpodautoscalers'] }];
  await configure('validating', 'equivalent', [
    { name: 'equivalent.rudder.test', path: '/allow', rules: v2Only },
    { name: 'exact.rudder.test', path: '/allow', rules: v2Only, extra: { matchPolicy: 'Exact' } },
  ]);
  t.teardown(() => unconfigure('validating', 'equivalent'));
  const from = hooks.seen.length;
  const created = await call('POST', '/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers', {
    apiVersion: 'autoscaling/v1',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web' },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 3, targetCPUUtilizationPercentage: 50 },
  });
  t.equal(created.status, 201, JSON.stringify(created.body));
  const sent = hooks.seen.slice(from).map((s) => s.review.request as unknown as { kind: { version: string }; requestKind: { version: string }; object: { apiVersion: string; spec: { metrics?: unknown[] } } });
  t.equal(sent.length, 1, 'only the Equivalent webhook is called');
  t.equal(sent[0]?.kind.version, 'v2');
  t.equal(sent[0]?.requestKind.version, 'v1');
  t.equal(sent[0]?.object.apiVersion, 'autoscaling/v2');
  t.equal(sent[0]?.object.spec.metrics?.length, 1, 'the object converted to v2 (its CPU target as a metric)');
});

t.test('the object is validated after the mutating webhooks changed it', async (t) => {
  await configure('mutating', 'break', [{ name: 'break.rudder.test', path: '/break', extra: selecting('break') }]);
  t.teardown(() => unconfigure('mutating', 'break'));
  const res = await call('POST', '/api/v1/namespaces/default/configmaps', configMap('broken', { case: 'break' }));
  t.equal(res.status, 422);
  t.match(String(res.body.message), /ConfigMap "broken" is invalid: metadata.labels: Invalid value: "not valid!"/);
});

t.test('an answer for another request fails the webhook call (Fail) or is ignored (Ignore)', async (t) => {
  await configure('validating', 'wrong-uid', [
    { name: 'wrong-uid.rudder.test', path: '/wrong-uid', extra: selecting('wrong-uid') },
    { name: 'wrong-uid-ignored.rudder.test', path: '/wrong-uid', extra: { ...selecting('wrong-uid-ignored'), failurePolicy: 'Ignore' } },
  ]);
  t.teardown(() => unconfigure('validating', 'wrong-uid'));
  const res = await call('POST', '/api/v1/namespaces/default/configmaps', configMap('wrong-uid', { case: 'wrong-uid' }));
  t.equal(res.status, 500);
  t.match(String(res.body.message), /^Internal error occurred: failed calling webhook "wrong-uid.rudder.test": received invalid webhook response: expected response.uid="[0-9a-f-]{36}", got "someone-else"$/);
  t.equal((await call('POST', '/api/v1/namespaces/default/configmaps', configMap('wrong-uid-ignored', { case: 'wrong-uid-ignored' }))).status, 201);
});

t.test('the scale subresource is sent as an autoscaling/v1 Scale', async (t) => {
  const deployment = await call('POST', '/apis/apps/v1/namespaces/default/deployments', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'scaled' },
    spec: { replicas: 1, selector: { matchLabels: { app: 'scaled' } }, template: { metadata: { labels: { app: 'scaled' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
  });
  t.equal(deployment.status, 201, JSON.stringify(deployment.body));
  await configure('validating', 'scale', [
    { name: 'scale.rudder.test', path: '/allow', rules: [{ operations: ['UPDATE'], apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments/scale'] }] },
  ]);
  t.teardown(() => unconfigure('validating', 'scale'));
  const from = hooks.seen.length;
  const res = await fetch(`${api.url}/apis/apps/v1/namespaces/default/deployments/scaled/scale`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/merge-patch+json' },
    body: JSON.stringify({ spec: { replicas: 3 } }),
  });
  t.equal(res.status, 200, await res.text());
  const sent = hooks.seen.slice(from).map((s) => s.review.request as unknown as { kind: { kind: string }; subResource: string; object: { kind: string; spec: { replicas: number } }; oldObject: { spec: { replicas: number } } });
  t.equal(sent.length, 1, 'one call, for the scale');
  t.equal(sent[0]?.kind.kind, 'Scale');
  t.equal(sent[0]?.subResource, 'scale');
  t.equal(sent[0]?.object.kind, 'Scale');
  t.equal(sent[0]?.object.spec.replicas, 3);
  t.equal(sent[0]?.oldObject.spec.replicas, 1);
});

t.test('webhooks are called for deletions: a mutating webhook may refuse one but not patch it', async (t) => {
  const onDelete = [{ operations: ['DELETE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }];
  await configure('mutating', 'on-delete', [
    { name: 'protect.rudder.test', path: '/deny', rules: onDelete, extra: selecting('protected') },
    { name: 'patch-on-delete.rudder.test', path: '/label', rules: onDelete, extra: selecting('patched-on-delete') },
  ]);
  t.teardown(() => unconfigure('mutating', 'on-delete'));
  t.equal((await call('POST', '/api/v1/namespaces/default/configmaps', configMap('protected', { case: 'protected' }))).status, 201);
  const refused = await call('DELETE', '/api/v1/namespaces/default/configmaps/protected');
  t.equal(refused.status, 403);
  t.equal(refused.body.message, 'admission webhook "protect.rudder.test" denied the request: configmaps labelled deny=yes are refused');
  t.equal((await call('GET', '/api/v1/namespaces/default/configmaps/protected')).status, 200, 'still there');
  t.equal((await call('POST', '/api/v1/namespaces/default/configmaps', configMap('patched-on-delete', { case: 'patched-on-delete' }))).status, 201);
  const patched = await call('DELETE', '/api/v1/namespaces/default/configmaps/patched-on-delete');
  t.equal(patched.status, 500);
  t.equal(patched.body.message, 'Internal error occurred: admission webhook "patch-on-delete.rudder.test" attempted to modify the object, which is not supported for this operation');
});

t.test('matchPolicy Equivalent sends a custom resource in the served version its rule names', async (t) => {
  const version = (name: string, storage: boolean): Record<string, unknown> => ({
    name,
    served: true,
    storage,
    schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'string' } } } } } },
  });
  const definition = await call('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'gadgets.example.com' },
    spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget' }, versions: [version('v1', true), version('v2', false)] },
  });
  t.equal(definition.status, 201, JSON.stringify(definition.body));
  await configure('validating', 'gadgets', [
    { name: 'gadgets.rudder.test', path: '/allow', rules: [{ operations: ['CREATE'], apiGroups: ['example.com'], apiVersions: ['v1'], resources: ['gadgets'] }] },
  ]);
  t.teardown(() => unconfigure('validating', 'gadgets'));
  const from = hooks.seen.length;
  let created = { status: 0, body: {} as Record<string, unknown> };
  for (let i = 0; i < 100 && created.status !== 201; i++) {
    created = await call('POST', '/apis/example.com/v2/namespaces/default/gadgets', { apiVersion: 'example.com/v2', kind: 'Gadget', metadata: { name: 'g' }, spec: { size: 'small' } });
    if (created.status === 404) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  t.equal(created.status, 201, JSON.stringify(created.body));
  const sent = hooks.seen.slice(from).map((s) => s.review.request as unknown as { kind: { version: string }; requestKind: { version: string }; object: { apiVersion: string } });
  t.equal(sent.length, 1);
  t.equal(sent[0]?.kind.version, 'v1');
  t.equal(sent[0]?.requestKind.version, 'v2');
  t.equal(sent[0]?.object.apiVersion, 'example.com/v1', 'the object in the version the rule names');
});

t.test('the webhook metrics carry Kubernetes names', async (t) => {
  const res = await fetch(`${api.url}/metrics`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
  const text = await res.text();
  t.match(text, /apiserver_admission_webhook_admission_duration_seconds_count\{[^}]*name="deny.rudder.test"[^}]*type="validating"[^}]*operation="CREATE"[^}]*rejected="true"[^}]*\} [1-9]/);
  t.match(text, /apiserver_admission_webhook_rejection_count\{[^}]*name="deny.rudder.test"[^}]*error_type="no_error"[^}]*rejection_code="403"[^}]*\} [1-9]/);
  t.match(text, /apiserver_admission_webhook_rejection_count\{[^}]*name="down-fail.rudder.test"[^}]*error_type="calling_webhook_error"/);
  t.match(text, /apiserver_admission_webhook_admission_duration_seconds_count\{[^}]*name="label.rudder.test"[^}]*type="admit"/);
});
