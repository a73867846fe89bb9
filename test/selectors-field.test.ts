import t from 'tap';
import { findResource, type ResourceInfo } from '../lib/api/resources.js';
import { type Status, StatusError } from '../lib/api/status.js';
import {
  compileFieldSelector,
  escapeFieldValue,
  fieldSetOf,
  parseFieldSelector,
  selectableFieldLabels,
} from '../lib/api/selectors/index.js';

function resource(group: string, name: string): ResourceInfo {
  const info = findResource(group, 'v1', name);
  if (!info) throw new Error(`no resource ${group}/${name}`);
  return info;
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

const pods = resource('', 'pods');
const nodes = resource('', 'nodes');
const namespaces = resource('', 'namespaces');
const events = resource('', 'events');
const secrets = resource('', 'secrets');
const services = resource('', 'services');
const configmaps = resource('', 'configmaps');
const replicasets = resource('apps', 'replicasets');

t.test('terms parse, sort and print as the apiserver keeps them', async (t) => {
  const selector = parseFieldSelector('status.phase!=Failed,spec.nodeName==node-1,metadata.name=web');
  t.equal(selector.toString(), 'metadata.name=web,spec.nodeName=node-1,status.phase!=Failed');
  t.same(selector.requirements, [
    { field: 'metadata.name', operator: '=', value: 'web' },
    { field: 'spec.nodeName', operator: '=', value: 'node-1' },
    { field: 'status.phase', operator: '!=', value: 'Failed' },
  ]);
  t.equal(selector.requiresExactMatch('spec.nodeName'), 'node-1');
  t.equal(selector.requiresExactMatch('status.phase'), undefined);
  t.ok(parseFieldSelector('').isEmpty());
  t.ok(parseFieldSelector(',,').isEmpty(), 'empty terms are skipped');
  t.equal(parseFieldSelector('spec.nodeName=').requirements[0]?.value, '', 'an empty value selects unset fields');
});

t.test('escaped commas, equals signs and backslashes are data', async (t) => {
  const selector = parseFieldSelector('metadata.name=a\\,b\\=c\\\\d,type=x');
  t.equal(selector.requirements[0]?.value, 'a,b=c\\d');
  t.equal(selector.toString(), 'metadata.name=a\\,b\\=c\\\\d,type=x');
  t.equal(escapeFieldValue('a,b=c\\d'), 'a\\,b\\=c\\\\d');
});

t.test('malformed selectors are 400 BadRequest with the apiserver wording', async (t) => {
  const cases: [string, string][] = [
    ['foo', "invalid selector: 'foo'; can't understand 'foo'"],
    ['a=b,bar', "invalid selector: 'a=b,bar'; can't understand 'bar'"],
    ['a=b=c', 'invalid field selector: unescaped character in value: 61'],
    ['a!==b', 'invalid field selector: unescaped character in value: 61'],
    ['a=b\\x', 'invalid field selector: invalid escape sequence: \\x'],
    ['a=b\\', 'invalid field selector: invalid escape sequence: \\'],
  ];
  for (const [text, message] of cases) {
    t.match(failureOf(() => parseFieldSelector(text)), { code: 400, reason: 'BadRequest', message }, text);
  }
});

t.test('a missing field reads as empty', async (t) => {
  const fields = { 'spec.nodeName': 'n1', 'status.phase': '' };
  t.ok(parseFieldSelector('spec.nodeName=n1').matches(fields));
  t.notOk(parseFieldSelector('spec.nodeName!=n1').matches(fields));
  t.ok(parseFieldSelector('status.phase=').matches(fields));
  t.ok(parseFieldSelector('nope=').matches(fields));
  t.ok(parseFieldSelector('nope!=x').matches(fields));
  t.notOk(parseFieldSelector('spec.nodeName=n1,status.phase=Running').matches(fields));
});

t.test('a pod exposes the fields kubelets and the scheduler select on', async (t) => {
  const pod = {
    metadata: { name: 'web', namespace: 'prod' },
    spec: { nodeName: 'n1', restartPolicy: 'Always', schedulerName: 'default-scheduler', serviceAccountName: 'sa' },
    status: { phase: 'Running', podIP: '10.0.0.9', podIPs: [{ ip: '10.0.0.1' }, { ip: 'fd00::1' }], nominatedNodeName: 'n2' },
  };
  t.same(fieldSetOf(pods, pod), {
    'metadata.name': 'web',
    'metadata.namespace': 'prod',
    'spec.nodeName': 'n1',
    'spec.restartPolicy': 'Always',
    'spec.schedulerName': 'default-scheduler',
    'spec.serviceAccountName': 'sa',
    'spec.hostNetwork': 'false',
    'status.phase': 'Running',
    'status.podIP': '10.0.0.1',
    'status.nominatedNodeName': 'n2',
  });
  t.equal(fieldSetOf(pods, { metadata: { name: 'p' }, spec: { hostNetwork: true } })['spec.hostNetwork'], 'true');
  t.equal(fieldSetOf(pods, { metadata: { name: 'p' } })['spec.nodeName'], '', 'an unscheduled pod has an empty node');
  t.ok(compileFieldSelector(pods, 'spec.nodeName=,status.phase!=Succeeded').matches(fieldSetOf(pods, { metadata: { name: 'p' } })));
});

t.test('other kinds expose their registry fields', async (t) => {
  t.same(fieldSetOf(nodes, { metadata: { name: 'n1' }, spec: { unschedulable: true } }), { 'metadata.name': 'n1', 'spec.unschedulable': 'true' });
  t.same(fieldSetOf(nodes, { metadata: { name: 'n1' } })['spec.unschedulable'], 'false');
  t.same(fieldSetOf(namespaces, { metadata: { name: 'prod' }, status: { phase: 'Terminating' } }), {
    'metadata.name': 'prod',
    'status.phase': 'Terminating',
    name: 'prod',
  });
  t.equal(fieldSetOf(secrets, { metadata: { name: 's', namespace: 'd' }, type: 'kubernetes.io/tls' }).type, 'kubernetes.io/tls');
  t.same(fieldSetOf(services, { metadata: { name: 's', namespace: 'd' }, spec: { clusterIP: 'None', type: 'ClusterIP' } }), {
    'metadata.name': 's',
    'metadata.namespace': 'd',
    'spec.clusterIP': 'None',
    'spec.type': 'ClusterIP',
  });
  t.equal(fieldSetOf(replicasets, { metadata: { name: 'r', namespace: 'd' } })['status.replicas'], '0');
  t.equal(fieldSetOf(replicasets, { metadata: { name: 'r', namespace: 'd' }, status: { replicas: 3 } })['status.replicas'], '3');
  t.same(fieldSetOf(configmaps, { metadata: { name: 'c', namespace: 'd' }, data: { a: 'b' } }), { 'metadata.name': 'c', 'metadata.namespace': 'd' });
});

t.test('an event reports its source, falling back to the reporting controller', async (t) => {
  const event = {
    metadata: { name: 'e', namespace: 'd' },
    involvedObject: { kind: 'Pod', name: 'web', namespace: 'd', uid: 'u1', apiVersion: 'v1', resourceVersion: '7', fieldPath: 'spec.containers{app}' },
    reason: 'Scheduled',
    type: 'Normal',
    reportingComponent: 'default-scheduler',
  };
  const fields = fieldSetOf(events, event);
  t.equal(fields.source, 'default-scheduler');
  t.equal(fields['involvedObject.fieldPath'], 'spec.containers{app}');
  t.equal(fieldSetOf(events, { ...event, source: { component: 'kubelet' } }).source, 'kubelet');
  t.ok(compileFieldSelector(events, 'involvedObject.kind=Pod,involvedObject.name=web,reason=Scheduled').matches(fields));
});

t.test('unsupported fields are refused as Kubernetes refuses them', async (t) => {
  t.match(failureOf(() => compileFieldSelector(pods, 'spec.foo=bar')), {
    code: 400,
    reason: 'BadRequest',
    message: 'field label not supported: spec.foo',
  });
  t.match(failureOf(() => compileFieldSelector(nodes, 'metadata.namespace=x')), { message: 'field label not supported: metadata.namespace' });
  t.match(failureOf(() => compileFieldSelector(configmaps, 'data.a=b')), {
    code: 400,
    message: '"data.a" is not a known field selector: only "metadata.name", "metadata.namespace"',
  });
  // apps/v1 registers no conversion for ReplicaSet, so status.replicas is refused over the API.
  t.match(failureOf(() => compileFieldSelector(replicasets, 'status.replicas=0')), {
    message: '"status.replicas" is not a known field selector: only "metadata.name", "metadata.namespace"',
  });
  t.equal(compileFieldSelector(configmaps, 'metadata.name=c').toString(), 'metadata.name=c');
  t.equal(compileFieldSelector(services, 'spec.clusterIP!=None').toString(), 'spec.clusterIP!=None');
  t.ok(selectableFieldLabels(secrets).includes('type'));
});

t.test("old clients' spec.host means spec.nodeName", async (t) => {
  const selector = compileFieldSelector(pods, 'spec.host=n1');
  t.equal(selector.toString(), 'spec.nodeName=n1');
  t.ok(selector.matches(fieldSetOf(pods, { metadata: { name: 'p' }, spec: { nodeName: 'n1' } })));
});
