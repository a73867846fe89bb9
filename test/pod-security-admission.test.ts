// PodSecurity admission's audit mode and its PodSecurityConfiguration: the audit label adds
// pod-security.kubernetes.io/audit-violations (Kubernetes' "would violate PodSecurity ..." text) to
// the request's audit annotations — for a pod enforce refuses too, and for a workload's template —
// while an evaluated pod carries enforce-policy; the configuration's defaults apply to unlabelled
// namespaces, and its exempt namespaces, usernames and runtimeClasses are not evaluated (exempt names
// which). The AdmissionConfiguration gives the configuration inline or by path; bad values are
// refused with the field named.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { findResource } from '../lib/api/resources.js';
import { StatusError } from '../lib/api/status.js';
import type { KubeObject } from '../lib/api/object.js';
import { loadAdmissionConfiguration, parseAdmissionConfiguration } from '../services/apiserver/admission/admission-configuration.js';
import type { AdmissionAttributes } from '../services/apiserver/admission/plugin.js';
import { podSecurity } from '../services/apiserver/admission/pod-security.js';
import { podSecurityConfiguration, type PodSecurityConfiguration } from '../services/apiserver/admission/pod-security-configuration.js';

const PODS = findResource('', 'v1', 'pods')!;
const DEPLOYMENTS = findResource('apps', 'v1', 'deployments')!;
const PRIVILEGED_SPEC = { containers: [{ name: 'c', image: 'x', securityContext: { privileged: true } }] };
const VIOLATIONS = 'privileged (container "c" must not set securityContext.privileged=true)';

interface Outcome {
  annotations: Record<string, string>;
  warnings: string[];
  refused?: string;
}

function admit(configuration: PodSecurityConfiguration | undefined, labels: Record<string, string>, request: { object: KubeObject; resource?: typeof PODS; namespace?: string; user?: string }): Outcome {
  const plugin = podSecurity(() => labels, configuration);
  const outcome: Outcome = { annotations: {}, warnings: [] };
  const attributes: AdmissionAttributes = {
    operation: 'CREATE',
    info: request.resource ?? PODS,
    subresource: undefined,
    namespace: request.namespace ?? 'apps',
    name: 'p',
    object: request.object,
    oldObject: null,
    dryRun: false,
    user: { name: request.user ?? 'jane', uid: '', groups: [] },
    warn: (message) => outcome.warnings.push(message),
    annotate: (key, value) => (outcome.annotations[key] = value),
  };
  try {
    void plugin.validate!(attributes);
  } catch (error) {
    outcome.refused = (error as StatusError).message;
  }
  return outcome;
}

const privilegedPod = (spec: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { ...PRIVILEGED_SPEC, ...spec } });

t.test('the audit label annotates the audit event with the violations', async (t) => {
  const audited = admit(undefined, { 'pod-security.kubernetes.io/audit': 'baseline', 'pod-security.kubernetes.io/audit-version': 'v1.36' }, { object: privilegedPod() });
  t.equal(audited.refused, undefined, 'audit alone refuses nothing');
  t.same(audited.warnings, [], 'and warns nothing');
  t.same(audited.annotations, {
    'pod-security.kubernetes.io/enforce-policy': 'privileged:latest',
    'pod-security.kubernetes.io/audit-violations': `would violate PodSecurity "baseline:v1.36": ${VIOLATIONS}`,
  });

  const refused = admit(undefined, { 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/audit': 'baseline' }, { object: privilegedPod() });
  t.match(refused.refused, `violates PodSecurity "baseline:latest": ${VIOLATIONS}`);
  t.equal(refused.annotations['pod-security.kubernetes.io/audit-violations'], `would violate PodSecurity "baseline:latest": ${VIOLATIONS}`, 'a refused pod is audited too');

  const deployment: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { template: { spec: PRIVILEGED_SPEC } } };
  const template = admit(undefined, { 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/audit': 'baseline' }, { object: deployment, resource: DEPLOYMENTS });
  t.equal(template.refused, undefined, "a workload is never refused for its template");
  t.same(template.annotations, { 'pod-security.kubernetes.io/audit-violations': `would violate PodSecurity "baseline:latest": ${VIOLATIONS}` }, 'its template is audited (no enforce-policy: it is not enforced)');

  t.same(admit(undefined, {}, { object: privilegedPod() }).annotations, {}, 'an unlabelled namespace is privileged: nothing evaluated, nothing annotated');
});

t.test('defaults and exemptions from the PodSecurityConfiguration', async (t) => {
  const configuration = podSecurityConfiguration({
    apiVersion: 'pod-security.admission.config.k8s.io/v1',
    kind: 'PodSecurityConfiguration',
    defaults: { enforce: 'baseline', audit: 'restricted', 'audit-version': 'v1.30' },
    exemptions: { usernames: ['system:serviceaccount:kube-system:replicaset-controller'], runtimeClasses: ['kata'], namespaces: ['kube-system'] },
  });
  const unlabelled = admit(configuration, {}, { object: privilegedPod() });
  t.match(unlabelled.refused, 'violates PodSecurity "baseline:latest"', 'the default enforce level applies to an unlabelled namespace');
  t.match(unlabelled.annotations['pod-security.kubernetes.io/audit-violations'], /^would violate PodSecurity "restricted:v1\.30": privileged/);
  t.same(admit(configuration, { 'pod-security.kubernetes.io/enforce': 'privileged' }, { object: privilegedPod() }).refused, undefined, 'a label wins over the default');

  for (const [why, request] of [
    ['namespace', { object: privilegedPod(), namespace: 'kube-system' }],
    ['user', { object: privilegedPod(), user: 'system:serviceaccount:kube-system:replicaset-controller' }],
    ['runtimeClass', { object: privilegedPod({ runtimeClassName: 'kata' }) }],
  ] as const) {
    const exempt = admit(configuration, { 'pod-security.kubernetes.io/enforce': 'restricted' }, request);
    t.equal(exempt.refused, undefined, `an exempt ${why} is let in`);
    t.same(exempt.annotations, { 'pod-security.kubernetes.io/exempt': why }, `exempt: ${why}`);
  }
});

t.test('the AdmissionConfiguration gives the configuration inline or by path; bad values are refused', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rudder-admission-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const psa = { apiVersion: 'pod-security.admission.config.k8s.io/v1', kind: 'PodSecurityConfiguration', exemptions: { namespaces: ['ops'] } };
  writeFileSync(join(dir, 'psa.yaml'), JSON.stringify(psa));
  writeFileSync(join(dir, 'admission.yaml'), 'apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n- name: PodSecurity\n  path: psa.yaml\n');
  t.same(podSecurityConfiguration(loadAdmissionConfiguration(join(dir, 'admission.yaml')).pluginConfiguration('PodSecurity')).exemptions.namespaces, new Set(['ops']), 'by a path relative to the file');
  const inline = parseAdmissionConfiguration(JSON.stringify({ apiVersion: 'apiserver.config.k8s.io/v1', kind: 'AdmissionConfiguration', plugins: [{ name: 'PodSecurity', configuration: psa }] }), dir);
  t.same(podSecurityConfiguration(inline.pluginConfiguration('PodSecurity')).exemptions.namespaces, new Set(['ops']), 'inline');
  t.equal(inline.pluginConfiguration('ResourceQuota'), undefined, 'a plugin the file does not name has no configuration');
  t.same(loadAdmissionConfiguration('').pluginConfiguration('PodSecurity'), undefined, 'no file: none');

  t.throws(() => parseAdmissionConfiguration('kind: Policy', dir), /kind must be AdmissionConfiguration/);
  t.throws(() => parseAdmissionConfiguration('apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n- name: PodSecurity\n  path: missing.yaml\n', dir), /PodSecurity.*missing\.yaml/);
  t.throws(
    () => podSecurityConfiguration({ ...psa, defaults: { enforce: 'strict', 'warn-version': '1.30' }, exemptions: { usernames: ['a', 'a'] } }),
    /defaults\.enforce: Unsupported value: "strict".*defaults\.warn-version: Invalid value: "1\.30".*exemptions\.usernames\[1\]: Duplicate value: "a"/,
  );
});
