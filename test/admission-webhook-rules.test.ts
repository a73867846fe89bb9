// Which requests a webhook's rules select, as Kubernetes' rules matcher decides: operations,
// groups and versions with "*", resources with subresources ("pods", "pods/status", "pods/*",
// "*/status", "*/*"), scope (a Namespace is cluster-scoped), and matchPolicy Equivalent finding the
// same stored resource under the version a rule names.
import t from 'tap';
import { findResource, type ResourceInfo } from '../lib/api/resources.js';
import type { AdmissionAttributes, AdmissionOperation } from '../services/apiserver/admission/plugin.js';
import { matchRules, type WebhookRule } from '../services/apiserver/admission/webhook-rules.js';

function resource(group: string, version: string, plural: string): ResourceInfo {
  const info = findResource(group, version, plural);
  if (!info) throw new Error(`${plural} not served`);
  return info;
}

const PODS = resource('', 'v1', 'pods');
const NAMESPACES = resource('', 'v1', 'namespaces');
const NODES = resource('', 'v1', 'nodes');
const HPA_V1 = resource('autoscaling', 'v1', 'horizontalpodautoscalers');
const HPA_V2 = resource('autoscaling', 'v2', 'horizontalpodautoscalers');

function request(info: ResourceInfo, operation: AdmissionOperation = 'CREATE', subresource?: string, namespace: string | undefined = info.namespaced ? 'default' : undefined): AdmissionAttributes {
  return { operation, info, subresource, namespace, name: 'x', object: null, oldObject: null, dryRun: false, user: undefined };
}

const lookup = (group: string, version: string, plural: string): ResourceInfo | undefined => findResource(group, version, plural);

function rule(resources: string[], extra: Partial<WebhookRule> = {}): WebhookRule {
  return { operations: ['CREATE', 'UPDATE'], apiGroups: [''], apiVersions: ['v1'], resources, ...extra };
}

function matches(rules: WebhookRule[], attributes: AdmissionAttributes, policy: 'Exact' | 'Equivalent' = 'Exact'): boolean {
  return matchRules(rules, policy, attributes, lookup) !== undefined;
}

t.test('operations, groups and versions', async (t) => {
  t.ok(matches([rule(['pods'])], request(PODS)));
  t.notOk(matches([rule(['pods'])], request(PODS, 'DELETE')), 'DELETE is not listed');
  t.ok(matches([rule(['pods'], { operations: ['*'] })], request(PODS, 'DELETE')));
  t.notOk(matches([rule(['pods'], { apiGroups: ['apps'] })], request(PODS)));
  t.ok(matches([rule(['*'], { apiGroups: ['*'], apiVersions: ['*'] })], request(HPA_V1)));
});

t.test('resources and subresources', async (t) => {
  t.notOk(matches([rule(['pods'])], request(PODS, 'UPDATE', 'status')), '"pods" does not select pods/status');
  t.ok(matches([rule(['pods/status'])], request(PODS, 'UPDATE', 'status')));
  t.notOk(matches([rule(['pods/status'])], request(PODS, 'UPDATE')), '"pods/status" does not select pods');
  t.ok(matches([rule(['pods/*'])], request(PODS, 'UPDATE', 'status')));
  t.ok(matches([rule(['pods/*'])], request(PODS, 'UPDATE')), '"pods/*" selects pods too: Kubernetes matches "*" to the empty subresource');
  t.ok(matches([rule(['*/status'])], request(PODS, 'UPDATE', 'status')));
  t.notOk(matches([rule(['*'])], request(PODS, 'UPDATE', 'status')), '"*" selects no subresource');
  t.ok(matches([rule(['*/*'])], request(PODS, 'UPDATE', 'status')));
  t.ok(matches([rule(['*/*'])], request(PODS, 'UPDATE')));
});

t.test('scope', async (t) => {
  t.ok(matches([rule(['*'], { scope: 'Namespaced' })], request(PODS)));
  t.notOk(matches([rule(['*'], { scope: 'Namespaced' })], request(NODES)));
  t.ok(matches([rule(['*'], { scope: 'Cluster' })], request(NODES)));
  t.notOk(matches([rule(['*'], { scope: 'Cluster' })], request(PODS)));
  t.ok(matches([rule(['namespaces'], { scope: 'Cluster' })], request(NAMESPACES, 'CREATE', undefined, 'x')), 'a Namespace is cluster-scoped even when its request names it');
  t.notOk(matches([rule(['namespaces'], { scope: 'Namespaced' })], request(NAMESPACES, 'CREATE', undefined, 'x')));
});

t.test('matchPolicy Equivalent', async (t) => {
  const v2 = [rule(['horizontalpodautoscalers'], { apiGroups: ['autoscaling'], apiVersions: ['v2'] })];
  t.equal(matchRules(v2, 'Exact', request(HPA_V1), lookup), undefined, 'Exact: another version is not selected');
  t.equal(matchRules(v2, 'Equivalent', request(HPA_V1), lookup), HPA_V2, 'Equivalent: seen as the version the rule names');
  t.equal(matchRules(v2, 'Equivalent', request(HPA_V2), lookup), HPA_V2);
  const coreEvents = resource('', 'v1', 'events');
  const eventsV1 = resource('events.k8s.io', 'v1', 'events');
  t.equal(matchRules([rule(['events'], { apiGroups: ['events.k8s.io'], apiVersions: ['*'] })], 'Equivalent', request(coreEvents), lookup), eventsV1, 'core events are events.k8s.io events');
  const pods = [rule(['pods'], { apiVersions: ['v2'] })];
  t.equal(matchRules(pods, 'Equivalent', request(PODS), lookup), undefined, 'no other version served: nothing equivalent');
});
