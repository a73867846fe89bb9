// The access-control, certificates, runtime-class, admission-configuration and resource-allocation
// kinds through the real kubectl (1.27 and 1.33) against a real apiserver: each kind's story
// (create, list wide and by label, watch, replace, three patch types, delete, explain), `kubectl
// create role|rolebinding|clusterrole|clusterrolebinding`, `kubectl certificate approve|deny`,
// the api-extensions category, a 422 naming the field, and `kubectl api-resources` as Kubernetes lists them.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { startApiserver, type ApiserverProcess } from '../../lib/launch/apiserver-process.js';
import { kubectl } from '../helpers/kubectl.js';
import { type KindCase, kindStory } from '../helpers/kubectl-kind-story.js';
import { KUBECTL_VERSIONS } from '../helpers/paths.js';
import { CSR_PEM } from '../validation-fixtures.js';

const REQUEST = Buffer.from(CSR_PEM).toString('base64');

function csrManifest(name: string, labels = '{tier: e2e}'): string {
  return `
apiVersion: certificates.k8s.io/v1
kind: CertificateSigningRequest
metadata: {name: ${name}, labels: ${labels}}
spec:
  request: ${REQUEST}
  signerName: kubernetes.io/kube-apiserver-client
  expirationSeconds: 86400
  usages: [client auth]
`;
}

const CASES: KindCase[] = [
  {
    resource: 'roles',
    printed: 'role.rbac.authorization.k8s.io',
    namespaced: true,
    manifest: (name) => `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: ${name}, labels: {tier: e2e}}
rules: [{apiGroups: [''], resources: [pods], verbs: [get, list]}]
`,
    create: (name) => ['create', 'role', name, '--verb=get,list,watch', '--resource=pods,deployments.apps'],
    wideHeader: /^NAME\s+CREATED AT$/m,
    apiResource: /^roles\s+rbac\.authorization\.k8s\.io\/v1\s+true\s+Role$/m,
    explainKind: 'Role',
  },
  {
    resource: 'rolebindings',
    printed: 'rolebinding.rbac.authorization.k8s.io',
    namespaced: true,
    manifest: (name) => `
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: ${name}, labels: {tier: e2e}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-reader}
subjects: [{kind: User, name: alice}]
`,
    create: (name) => ['create', 'rolebinding', name, '--role=pod-reader', '--user=bob', '--serviceaccount=default:builder'],
    wideHeader: /^NAME\s+ROLE\s+AGE\s+USERS\s+GROUPS\s+SERVICEACCOUNTS$/m,
    apiResource: /^rolebindings\s+rbac\.authorization\.k8s\.io\/v1\s+true\s+RoleBinding$/m,
    explainKind: 'RoleBinding',
  },
  {
    resource: 'clusterroles',
    printed: 'clusterrole.rbac.authorization.k8s.io',
    namespaced: false,
    manifest: (name) => `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: ${name}, labels: {tier: e2e}}
rules: [{nonResourceURLs: [/healthz], verbs: [get]}]
`,
    create: (name) => ['create', 'clusterrole', name, '--verb=get', '--non-resource-url=/readyz'],
    wideHeader: /^NAME\s+CREATED AT$/m,
    apiResource: /^clusterroles\s+rbac\.authorization\.k8s\.io\/v1\s+false\s+ClusterRole$/m,
    explainKind: 'ClusterRole',
  },
  {
    resource: 'clusterrolebindings',
    printed: 'clusterrolebinding.rbac.authorization.k8s.io',
    namespaced: false,
    manifest: (name) => `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ${name}, labels: {tier: e2e}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: [{kind: ServiceAccount, name: monitor, namespace: kube-system}]
`,
    create: (name) => ['create', 'clusterrolebinding', name, '--clusterrole=view', '--group=devs'],
    wideHeader: /^NAME\s+ROLE\s+AGE\s+USERS\s+GROUPS\s+SERVICEACCOUNTS$/m,
    apiResource: /^clusterrolebindings\s+rbac\.authorization\.k8s\.io\/v1\s+false\s+ClusterRoleBinding$/m,
    explainKind: 'ClusterRoleBinding',
  },
  {
    resource: 'certificatesigningrequests',
    printed: 'certificatesigningrequest.certificates.k8s.io',
    namespaced: false,
    manifest: (name) => csrManifest(name),
    wideHeader: /^NAME\s+AGE\s+SIGNERNAME\s+REQUESTOR\s+REQUESTEDDURATION\s+CONDITION$/m,
    apiResource: /^certificatesigningrequests\s+csr\s+certificates\.k8s\.io\/v1\s+false\s+CertificateSigningRequest$/m,
    explainKind: 'CertificateSigningRequest',
  },
  {
    resource: 'runtimeclasses',
    printed: 'runtimeclass.node.k8s.io',
    namespaced: false,
    manifest: (name) => `
apiVersion: node.k8s.io/v1
kind: RuntimeClass
metadata: {name: ${name}, labels: {tier: e2e}}
handler: runsc
overhead: {podFixed: {cpu: 100m}}
`,
    wideHeader: /^NAME\s+HANDLER\s+AGE$/m,
    apiResource: /^runtimeclasses\s+node\.k8s\.io\/v1\s+false\s+RuntimeClass$/m,
    explainKind: 'RuntimeClass',
  },
  {
    resource: 'validatingwebhookconfigurations',
    printed: 'validatingwebhookconfiguration.admissionregistration.k8s.io',
    namespaced: false,
    manifest: (name) => `
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: ${name}, labels: {tier: e2e}}
webhooks:
- name: pods.policy.example.com
  clientConfig: {service: {name: policy, namespace: default, path: /validate}}
  rules: [{operations: [CREATE], apiGroups: [''], apiVersions: [v1], resources: [pods]}]
  sideEffects: None
  admissionReviewVersions: [v1]
`,
    wideHeader: /^NAME\s+WEBHOOKS\s+AGE$/m,
    apiResource: /^validatingwebhookconfigurations\s+admissionregistration\.k8s\.io\/v1\s+false\s+ValidatingWebhookConfiguration$/m,
    explainKind: 'ValidatingWebhookConfiguration',
  },
  {
    resource: 'mutatingwebhookconfigurations',
    printed: 'mutatingwebhookconfiguration.admissionregistration.k8s.io',
    namespaced: false,
    manifest: (name) => `
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {name: ${name}, labels: {tier: e2e}}
webhooks:
- name: inject.sidecar.example.com
  clientConfig: {url: "https://injector.example.com/mutate"}
  rules: [{operations: ["*"], apiGroups: [apps], apiVersions: [v1], resources: [deployments]}]
  sideEffects: NoneOnDryRun
  admissionReviewVersions: [v1]
`,
    wideHeader: /^NAME\s+WEBHOOKS\s+AGE$/m,
    apiResource: /^mutatingwebhookconfigurations\s+admissionregistration\.k8s\.io\/v1\s+false\s+MutatingWebhookConfiguration$/m,
    explainKind: 'MutatingWebhookConfiguration',
  },
  {
    resource: 'validatingadmissionpolicies',
    printed: 'validatingadmissionpolicy.admissionregistration.k8s.io',
    namespaced: false,
    manifest: (name) => `
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: ${name}, labels: {tier: e2e}}
spec:
  matchConstraints:
    resourceRules: [{apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}]
  validations: [{expression: "object.spec.replicas <= 5", message: at most five replicas}]
`,
    wideHeader: /^NAME\s+VALIDATIONS\s+PARAMKIND\s+AGE$/m,
    apiResource: /^validatingadmissionpolicies\s+admissionregistration\.k8s\.io\/v1\s+false\s+ValidatingAdmissionPolicy$/m,
    explainKind: 'ValidatingAdmissionPolicy',
  },
  {
    resource: 'validatingadmissionpolicybindings',
    printed: 'validatingadmissionpolicybinding.admissionregistration.k8s.io',
    namespaced: false,
    manifest: (name) => `
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: ${name}, labels: {tier: e2e}}
spec: {policyName: replica-limit, validationActions: [Deny]}
`,
    wideHeader: /^NAME\s+POLICYNAME\s+PARAMREF\s+AGE$/m,
    apiResource: /^validatingadmissionpolicybindings\s+admissionregistration\.k8s\.io\/v1\s+false\s+ValidatingAdmissionPolicyBinding$/m,
    explainKind: 'ValidatingAdmissionPolicyBinding',
  },
  {
    resource: 'deviceclasses',
    printed: 'deviceclass.resource.k8s.io',
    namespaced: false,
    manifest: (name) => `
apiVersion: resource.k8s.io/v1
kind: DeviceClass
metadata: {name: ${name}, labels: {tier: e2e}}
spec: {selectors: [{cel: {expression: "device.driver == 'gpu.example.com'"}}]}
`,
    wideHeader: /^NAME\s+AGE$/m,
    apiResource: /^deviceclasses\s+resource\.k8s\.io\/v1\s+false\s+DeviceClass$/m,
    explainKind: 'DeviceClass',
  },
  {
    resource: 'resourceclaims',
    printed: 'resourceclaim.resource.k8s.io',
    namespaced: true,
    manifest: (name) => `
apiVersion: resource.k8s.io/v1
kind: ResourceClaim
metadata: {name: ${name}, labels: {tier: e2e}}
spec: {devices: {requests: [{name: gpu, exactly: {deviceClassName: gpu.example.com}}]}}
`,
    wideHeader: /^NAME\s+STATE\s+AGE$/m,
    apiResource: /^resourceclaims\s+resource\.k8s\.io\/v1\s+true\s+ResourceClaim$/m,
    explainKind: 'ResourceClaim',
  },
  {
    resource: 'resourceclaimtemplates',
    printed: 'resourceclaimtemplate.resource.k8s.io',
    namespaced: true,
    manifest: (name) => `
apiVersion: resource.k8s.io/v1
kind: ResourceClaimTemplate
metadata: {name: ${name}, labels: {tier: e2e}}
spec: {spec: {devices: {requests: [{name: gpu, exactly: {deviceClassName: gpu.example.com, allocationMode: All}}]}}}
`,
    wideHeader: /^NAME\s+AGE$/m,
    apiResource: /^resourceclaimtemplates\s+resource\.k8s\.io\/v1\s+true\s+ResourceClaimTemplate$/m,
    explainKind: 'ResourceClaimTemplate',
  },
  {
    resource: 'resourceslices',
    printed: 'resourceslice.resource.k8s.io',
    namespaced: false,
    manifest: (name) => `
apiVersion: resource.k8s.io/v1
kind: ResourceSlice
metadata: {name: ${name}, labels: {tier: e2e}}
spec:
  driver: gpu.example.com
  nodeName: node-1
  pool: {name: node-1, generation: 1, resourceSliceCount: 1}
  devices: [{name: gpu-0}]
`,
    wideHeader: /^NAME\s+NODE\s+DRIVER\s+POOL\s+AGE$/m,
    apiResource: /^resourceslices\s+resource\.k8s\.io\/v1\s+false\s+ResourceSlice$/m,
    explainKind: 'ResourceSlice',
  },
];

let server: ApiserverProcess;
let dir: string;

t.before(async () => {
  server = await startApiserver();
  dir = mkdtempSync(join(tmpdir(), 'rudder-kubectl-access-'));
});

t.teardown(async () => {
  await server.stop();
});

for (const version of KUBECTL_VERSIONS) {
  const tag = version.replace('.', '');
  const ns = `access-${tag}`;
  const run = (...args: string[]) => kubectl(version, server.kubeconfig, args);

  t.test(`kubectl ${version}: api-resources lists the kinds as Kubernetes does`, async (t) => {
    const resources = await run('api-resources');
    t.equal(resources.code, 0, resources.stderr);
    for (const c of CASES) t.match(resources.stdout, c.apiResource, c.resource);
    const extensions = await run('api-resources', '--categories=api-extensions', '-o', 'name');
    t.same(extensions.stdout.trim().split('\n').sort(), [
      'customresourcedefinitions.apiextensions.k8s.io',
      'mutatingwebhookconfigurations.admissionregistration.k8s.io',
      'validatingadmissionpolicies.admissionregistration.k8s.io',
      'validatingadmissionpolicybindings.admissionregistration.k8s.io',
      'validatingwebhookconfigurations.admissionregistration.k8s.io',
    ]);
    t.equal((await run('create', 'namespace', ns)).code, 0);
  });

  for (const c of CASES) {
    t.test(`kubectl ${version}: ${c.resource}`, async (t) => kindStory(t, c, { version, kubeconfig: server.kubeconfig, namespace: ns, dir, tag }));
  }

  t.test(`kubectl ${version}: certificate approve and deny`, async (t) => {
    for (const name of [`approve-${tag}`, `deny-${tag}`]) {
      const file = join(dir, `${name}.yaml`);
      writeFileSync(file, csrManifest(name, '{}'));
      t.equal((await run('create', '-f', file)).code, 0);
    }
    const pending = await run('get', 'csr', `approve-${tag}`);
    t.match(pending.stdout, new RegExp(`^approve-${tag}\\s+\\S+\\s+kubernetes\\.io/kube-apiserver-client\\s+rudder-admin\\s+24h\\s+Pending$`, 'm'), 'the requester is who created it');
    const approved = await run('certificate', 'approve', `approve-${tag}`);
    t.equal(approved.stdout.trim(), `certificatesigningrequest.certificates.k8s.io/approve-${tag} approved`, approved.stderr);
    const denied = await run('certificate', 'deny', `deny-${tag}`);
    t.equal(denied.stdout.trim(), `certificatesigningrequest.certificates.k8s.io/deny-${tag} denied`, denied.stderr);
    const conditions = await run('get', 'csr', `approve-${tag}`, `deny-${tag}`, '-o', 'jsonpath={range .items[*]}{.status.conditions[0].type}/{.status.conditions[0].reason} {end}');
    t.equal(conditions.stdout.trim(), 'Approved/KubectlApprove Denied/KubectlDeny');
    const listed = await run('get', 'csr', `approve-${tag}`, `deny-${tag}`, '--no-headers');
    t.match(listed.stdout, /\sApproved\n.*\sDenied\n?$/);
    const again = await run('certificate', 'deny', `approve-${tag}`);
    t.match(again.stderr, new RegExp(`certificate signing request "approve-${tag}" is already Approved`), 'an approved request is not denied without --force');
  });

  t.test(`kubectl ${version}: aggregated ClusterRoles, and a refused rule naming its field`, async (t) => {
    const aggregated = await run('create', 'clusterrole', `monitoring-${tag}`, '--aggregation-rule=rbac.example.com/aggregate-to-monitoring=true');
    t.equal(aggregated.stdout.trim(), `clusterrole.rbac.authorization.k8s.io/monitoring-${tag} created`, aggregated.stderr);
    const rule = await run('get', 'clusterrole', `monitoring-${tag}`, '-o', 'jsonpath={.aggregationRule.clusterRoleSelectors[0].matchLabels}');
    t.equal(rule.stdout, '{"rbac.example.com/aggregate-to-monitoring":"true"}');
    const file = join(dir, `bad-role-${tag}.yaml`);
    writeFileSync(file, `apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: bad, namespace: ${ns}}\nrules: [{resources: [pods], verbs: [get]}]\n`);
    const refused = await run('create', '-f', file);
    t.equal(refused.code, 1);
    t.match(refused.stderr, /The Role "bad" is invalid: rules\[0\]\.apiGroups: Required value: resource rules must supply at least one api group/);
    const binding = await run('-n', ns, 'create', 'rolebinding', `rb-${tag}`, '--clusterrole=view', '--user=carol');
    t.equal(binding.code, 0, binding.stderr);
    const changed = await run('-n', ns, 'patch', 'rolebinding', `rb-${tag}`, '--type=merge', '-p', '{"roleRef":{"name":"edit"}}');
    t.match(changed.stderr, /roleRef: Invalid value: .*: cannot change roleRef/);
    const all = await run('get', 'api-extensions', '-o', 'name');
    t.equal(all.code, 0, all.stderr);
  });
}
