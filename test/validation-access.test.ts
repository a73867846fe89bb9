// RBAC Roles, ClusterRoles and their bindings, CertificateSigningRequests, RuntimeClasses, webhook
// configurations, ValidatingAdmissionPolicies and their bindings, and the resource.k8s.io kinds:
// Kubernetes 1.36's rules with the field each 422 names and its message.
import t from 'tap';
import { formatFieldError } from '../lib/api/field-errors.js';
import { validateApprovalUpdate } from '../lib/api/validation/index.js';
import {
  CERTIFICATE_PEM,
  CSR_PEM,
  type Obj,
  certificateSigningRequest,
  clusterRole,
  clusterRoleBinding,
  createProblems,
  deviceClass,
  edited,
  info,
  mutatingWebhookConfiguration,
  resourceClaim,
  resourceClaimTemplate,
  resourceSlice,
  role,
  roleBinding,
  runtimeClass,
  set,
  statusProblems,
  stored,
  unset,
  updateProblems,
  validatingAdmissionPolicy,
  validatingAdmissionPolicyBinding,
  validatingWebhookConfiguration,
} from './validation-fixtures.js';

function approvalProblems(next: Obj, old: Obj): string[] {
  return validateApprovalUpdate(info(next), next, old).map(formatFieldError);
}

const RBAC = 'rbac.authorization.k8s.io';

t.test('Role and ClusterRole rule shapes', async (t) => {
  t.same(createProblems(role()), []);
  t.same(createProblems(clusterRole()), []);
  t.same(createProblems(edited(role(), (o) => set(o, 'rules', [{ apiGroups: [''], resources: ['pods'] }]))), ['rules[0].verbs: Required value: verbs must contain at least one value']);
  t.same(createProblems(edited(role(), (o) => set(o, 'rules', [{ verbs: ['get'] }]))), [
    'rules[0].apiGroups: Required value: resource rules must supply at least one api group',
    'rules[0].resources: Required value: resource rules must supply at least one resource',
  ]);
  t.same(createProblems(edited(role(), (o) => set(o, 'rules', [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }]))), [
    'rules[0].nonResourceURLs: Invalid value: []string{"/healthz"}: namespaced rules cannot apply to non-resource URLs',
  ]);
  t.same(createProblems(edited(clusterRole(), (o) => set(o, 'rules', [{ verbs: ['get'], nonResourceURLs: ['/healthz'], resources: ['pods'] }]))), [
    'rules[0].nonResourceURLs: Invalid value: []string{"/healthz"}: rules cannot apply to both regular resources and non-resource URLs',
  ]);
  t.same(createProblems(edited(clusterRole(), (o) => set(o, 'aggregationRule', { clusterRoleSelectors: [] }))), [
    'aggregationRule.clusterRoleSelectors: Required value: at least one clusterRoleSelector required if aggregationRule is non-nil',
  ]);
  t.same(createProblems(edited(clusterRole(), (o) => set(o, 'aggregationRule.clusterRoleSelectors[0].matchExpressions', [{ key: 'a', operator: 'Near' }]))), [
    'aggregationRule.clusterRoleSelectors[0].matchExpressions[0].operator: Invalid value: "Near": not a valid selector operator',
  ]);
  t.same(createProblems(edited(role(), (o) => set(o, 'metadata.name', 'a/b'))), ['metadata.name: Invalid value: "a/b": may not contain \'/\'']);
  t.same(createProblems(edited(role(), (o) => unset(o, 'metadata.namespace'))), ['metadata.namespace: Required value']);
});

t.test('RoleBinding and ClusterRoleBinding: roleRef and subjects, roleRef immutable', async (t) => {
  t.same(createProblems(roleBinding()), []);
  t.same(createProblems(clusterRoleBinding()), []);
  t.same(createProblems(edited(roleBinding(), (o) => set(o, 'roleRef', { apiGroup: 'rbac', kind: 'Group', name: '' }))), [
    `roleRef.apiGroup: Unsupported value: "rbac": supported values: "${RBAC}"`,
    'roleRef.kind: Unsupported value: "Group": supported values: "Role", "ClusterRole"',
    'roleRef.name: Required value',
  ]);
  t.same(createProblems(edited(clusterRoleBinding(), (o) => set(o, 'roleRef.kind', 'Role'))), ['roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"']);
  t.same(createProblems(edited(roleBinding(), (o) => set(o, 'subjects', [{ kind: 'Robot', name: 'r2' }]))), [
    'subjects[0].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"',
  ]);
  t.same(createProblems(edited(roleBinding(), (o) => set(o, 'subjects', [{ kind: 'ServiceAccount', name: 'Builder', apiGroup: RBAC }]))), [
    'subjects[0].name: Invalid value: "Builder": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')',
    'subjects[0].apiGroup: Unsupported value: "rbac.authorization.k8s.io": supported values: ""',
  ]);
  t.same(createProblems(edited(clusterRoleBinding(), (o) => set(o, 'subjects', [{ kind: 'ServiceAccount', name: 'monitor' }]))), ['subjects[0].namespace: Required value']);
  t.same(createProblems(edited(roleBinding(), (o) => set(o, 'subjects', [{ kind: 'User', name: '' }]))), ['subjects[0].name: Required value'], 'a User subject gets its apiGroup by default');
  const old = stored(roleBinding());
  t.same(updateProblems(edited(old, (o) => set(o, 'subjects[1].name', 'deployer')), old), [], 'subjects may change');
  t.same(updateProblems(edited(old, (o) => set(o, 'roleRef.name', 'pod-writer')), old), [
    `roleRef: Invalid value: rbac.RoleRef{APIGroup:"${RBAC}", Kind:"Role", Name:"pod-writer"}: cannot change roleRef`,
  ]);
});

t.test('RoleBinding defaults: roleRef group and User/Group subject groups', async (t) => {
  const binding = stored(edited(roleBinding(), (o) => set(o, 'roleRef', { kind: 'Role', name: 'r' }) && set(o, 'subjects', [{ kind: 'Group', name: 'g' }, { kind: 'ServiceAccount', name: 's', namespace: 'default' }])));
  t.same(binding.roleRef, { apiGroup: RBAC, kind: 'Role', name: 'r' });
  t.same(binding.subjects, [
    { kind: 'Group', name: 'g', apiGroup: RBAC },
    { kind: 'ServiceAccount', name: 's', namespace: 'default' },
  ]);
});

t.test('CertificateSigningRequest: the PEM request, usages, signer, duration', async (t) => {
  t.same(createProblems(certificateSigningRequest()), []);
  const notPem = Buffer.from('hello\n');
  t.same(createProblems(edited(certificateSigningRequest(), (o) => set(o, 'spec.request', notPem.toString('base64')))), [
    'spec.request: Invalid value: []byte{0x68, 0x65, 0x6c, 0x6c, 0x6f, 0xa}: PEM block type must be CERTIFICATE REQUEST',
  ]);
  // The same request with one byte of its signature changed: parsed, but the signature fails.
  const der = Buffer.from(CSR_PEM.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64');
  der[der.length - 5] ^= 0x01;
  const tampered = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
  const problems = createProblems(edited(certificateSigningRequest(), (o) => set(o, 'spec.request', Buffer.from(tampered).toString('base64'))));
  t.equal(problems.length, 1);
  t.match(problems[0], /^spec\.request: Invalid value: \[\]byte\{0x2d, 0x2d, .*\}: x509: ECDSA verification failure$/);
  const wrongBlock = CSR_PEM.replaceAll('CERTIFICATE REQUEST', 'CERTIFICATE');
  t.match(createProblems(edited(certificateSigningRequest(), (o) => set(o, 'spec.request', Buffer.from(wrongBlock).toString('base64')))), [/PEM block type must be CERTIFICATE REQUEST$/]);

  t.same(createProblems(edited(certificateSigningRequest(), (o) => set(o, 'spec.usages', []))), ['spec.usages: Required value']);
  t.same(createProblems(edited(certificateSigningRequest(), (o) => set(o, 'spec.usages', ['client auth', 'fly', 'client auth']))), [
    'spec.usages[1]: Unsupported value: "fly": supported values: "any", "cert sign", "client auth", "code signing", "content commitment", "crl sign", "data encipherment", "decipher only", "digital signature", "email protection", "encipher only", "ipsec end system", "ipsec tunnel", "ipsec user", "key agreement", "key encipherment", "microsoft sgc", "netscape sgc", "ocsp signing", "s/mime", "server auth", "signing", "timestamping"',
    'spec.usages[2]: Duplicate value: "client auth"',
  ]);
  t.same(createProblems(edited(certificateSigningRequest(), (o) => unset(o, 'spec.signerName'))), ['spec.signerName: Required value']);
  t.same(createProblems(edited(certificateSigningRequest(), (o) => set(o, 'spec.signerName', 'kubernetes.io/legacy-unknown'))), [
    'spec.signerName: Invalid value: "kubernetes.io/legacy-unknown": the legacy signerName is not allowed via this API version',
  ]);
  t.same(createProblems(edited(certificateSigningRequest(), (o) => set(o, 'spec.signerName', 'example'))), [
    "spec.signerName: Invalid value: \"example\": must be a fully qualified domain and path of the form 'example.com/signer-name'",
  ]);
  t.same(createProblems(edited(certificateSigningRequest(), (o) => set(o, 'spec.signerName', 'example/signer'))), [
    'spec.signerName: Invalid value: "example": should be a domain with at least two segments separated by dots',
  ]);
  t.same(createProblems(edited(certificateSigningRequest(), (o) => set(o, 'spec.expirationSeconds', 599))), [
    'spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 600 seconds (10 minutes)',
  ]);
});

t.test('CertificateSigningRequest conditions and which update path may change what', async (t) => {
  const old = stored(certificateSigningRequest());
  const approved = { type: 'Approved', status: 'True', reason: 'KubectlApprove', message: 'ok' };
  const denied = { type: 'Denied', status: 'True', reason: 'KubectlDeny', message: 'no' };
  t.same(approvalProblems(edited(old, (o) => set(o, 'status.conditions', [approved])), old), [], 'approval sets Approved');
  t.same(approvalProblems(edited(old, (o) => set(o, 'status.conditions', [{ ...approved, status: 'False' }])), old), [
    'status.conditions[0].status: Unsupported value: "False": supported values: "True"',
  ]);
  t.same(approvalProblems(edited(old, (o) => set(o, 'status.conditions', [approved, denied])), old), [
    'status.conditions[1].type: Invalid value: "Denied": Approved and Denied conditions are mutually exclusive',
  ]);
  t.same(approvalProblems(edited(old, (o) => set(o, 'status.conditions', [approved, approved])), old), ['status.conditions[1].type: Duplicate value: "Approved"']);
  t.same(statusProblems(edited(old, (o) => set(o, 'status.conditions', [approved])), old), ['status.conditions: Forbidden: updates may not add a condition of type "Approved"']);
  t.same(updateProblems(edited(old, (o) => set(o, 'status.conditions', [denied])), old), ['status.conditions: Forbidden: updates may not add a condition of type "Denied"']);
  const wasApproved = edited(old, (o) => set(o, 'status.conditions', [approved]));
  t.same(approvalProblems(edited(wasApproved, (o) => set(o, 'status.conditions', [])), wasApproved), ['status.conditions: Forbidden: updates may not remove a condition of type "Approved"']);
  t.same(updateProblems(edited(old, (o) => set(o, 'status.certificate', Buffer.from('x').toString('base64'))), old), [
    'status.certificate: Invalid value: "<certificate data>": must contain at least one CERTIFICATE PEM block',
    'status.certificate: Forbidden: updates may not set certificate content',
  ]);
  const issued = edited(wasApproved, (o) => set(o, 'status.certificate', Buffer.from(CERTIFICATE_PEM + CERTIFICATE_PEM).toString('base64')));
  t.same(statusProblems(issued, wasApproved), [], 'the signer adds the certificate through /status');
  t.same(statusProblems(edited(issued, (o) => set(o, 'status.certificate', Buffer.from(CERTIFICATE_PEM).toString('base64'))), issued), [
    'status.certificate: Forbidden: updates may not modify existing certificate content',
  ]);
  t.same(statusProblems(edited(old, (o) => set(o, 'status.certificate', Buffer.from(CSR_PEM).toString('base64'))), old), [
    'status.certificate: Invalid value: "<certificate data>": only CERTIFICATE PEM blocks are allowed, found "CERTIFICATE REQUEST"',
  ]);
});

t.test('RuntimeClass: handler, overhead, scheduling; the handler never changes', async (t) => {
  t.same(createProblems(runtimeClass()), []);
  t.same(createProblems(edited(runtimeClass(), (o) => set(o, 'handler', 'Run_SC'))), [
    "handler: Invalid value: \"Run_SC\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
  ]);
  t.same(createProblems(edited(runtimeClass(), (o) => set(o, 'overhead.podFixed.cpu', '-1'))), ['overhead.limits[cpu]: Invalid value: "-1": must be greater than or equal to 0']);
  t.same(createProblems(edited(runtimeClass(), (o) => set(o, 'scheduling.tolerations[0].operator', 'Near'))), [
    'scheduling.tolerations[0].operator: Unsupported value: "Near": supported values: "Equal", "Exists"',
  ]);
  const old = stored(runtimeClass());
  t.same(updateProblems(edited(old, (o) => set(o, 'handler', 'kata')), old), ['handler: Invalid value: "kata": field is immutable']);
});

t.test('webhook configurations', async (t) => {
  t.same(createProblems(validatingWebhookConfiguration()), []);
  t.same(createProblems(mutatingWebhookConfiguration()), []);
  const vwc = stored(validatingWebhookConfiguration());
  t.same(vwc.webhooks, [
    {
      name: 'pods.policy.example.com',
      clientConfig: { service: { name: 'policy', namespace: 'default', path: '/validate', port: 443 } },
      rules: [{ operations: ['CREATE', 'UPDATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods', 'pods/status'], scope: '*' }],
      sideEffects: 'None',
      admissionReviewVersions: ['v1'],
      matchConditions: [{ name: 'not-system', expression: "!request.userInfo.username.startsWith('system:')" }],
      failurePolicy: 'Fail',
      matchPolicy: 'Equivalent',
      namespaceSelector: {},
      objectSelector: {},
      timeoutSeconds: 10,
    },
  ], 'defaults as Kubernetes sets them');
  t.equal((stored(mutatingWebhookConfiguration()).webhooks as Obj[])[0]!.reinvocationPolicy, 'IfNeeded');
  t.equal((stored(edited(mutatingWebhookConfiguration(), (o) => unset(o, 'webhooks[0].reinvocationPolicy'))).webhooks as Obj[])[0]!.reinvocationPolicy, 'Never');

  const hook = (path: string, value: unknown) => createProblems(edited(validatingWebhookConfiguration(), (o) => set(o, `webhooks[0].${path}`, value)));
  t.same(hook('name', 'check'), ['webhooks[0].name: Invalid value: "check": should be a domain with at least three segments separated by dots']);
  t.same(hook('sideEffects', 'Some'), ['webhooks[0].sideEffects: Unsupported value: "Some": supported values: "None", "NoneOnDryRun"']);
  t.same(createProblems(edited(validatingWebhookConfiguration(), (o) => unset(o, 'webhooks[0].sideEffects'))), ['webhooks[0].sideEffects: Required value: must specify one of None, NoneOnDryRun']);
  t.same(hook('timeoutSeconds', 31), ['webhooks[0].timeoutSeconds: Invalid value: 31: the timeout value must be between 1 and 30 seconds']);
  t.same(hook('admissionReviewVersions', []), ['webhooks[0].admissionReviewVersions: Required value: must specify one of v1, v1beta1']);
  t.same(hook('admissionReviewVersions', ['v2']), ['webhooks[0].admissionReviewVersions: Invalid value: []string{"v2"}: must include at least one of v1, v1beta1']);
  t.same(hook('clientConfig', { url: 'http://hooks.example.com/x?y=1', service: undefined }), [
    "webhooks[0].clientConfig.url: Invalid value: \"http\": 'https' is the only allowed URL scheme; desired format: https://host[/path]",
    'webhooks[0].clientConfig.url: Invalid value: "y=1": query parameters are not permitted in the URL',
  ]);
  t.same(hook('clientConfig', { url: 'https://h.example.com', service: { name: 'a', namespace: 'b' } }), ['webhooks[0].clientConfig: Required value: exactly one of url or service is required']);
  t.same(hook('clientConfig.service.path', 'validate'), ["webhooks[0].clientConfig.service.path: Invalid value: \"validate\": must start with a '/'"]);
  t.same(hook('clientConfig.service.port', 70000), ['webhooks[0].clientConfig.service.port: Invalid value: 70000: port is not valid: must be between 1 and 65535, inclusive']);
  t.same(hook('rules[0].operations', ['*', 'CREATE']), ["webhooks[0].rules[0].operations: Invalid value: []admissionregistration.OperationType{\"*\", \"CREATE\"}: if '*' is present, must not specify other operations"]);
  t.same(hook('rules[0].operations', ['PATCH']), ['webhooks[0].rules[0].operations[0]: Unsupported value: "PATCH": supported values: "*", "CONNECT", "CREATE", "DELETE", "UPDATE"']);
  t.same(hook('rules[0].resources', ['*/*', 'pods']), ["webhooks[0].rules[0].resources: Invalid value: []string{\"*/*\", \"pods\"}: if '*/*' is present, must not specify other resources"]);
  t.same(hook('rules[0].resources', ['pods/*', 'pods/status']), ["webhooks[0].rules[0].resources[1]: Invalid value: \"pods/status\": if 'pods/*' is present, must not specify pods/status"]);
  t.same(hook('rules[0].scope', 'Node'), ['webhooks[0].rules[0].scope: Unsupported value: "Node": supported values: "*", "Cluster", "Namespaced"']);
  t.same(hook('matchConditions[0].expression', 'request.userInfo.username =='), [
    'webhooks[0].matchConditions[0].expression: Invalid value: "request.userInfo.username ==": compilation failed: ERROR: <input>:1:29: Syntax error: Unexpected token: EOF',
  ]);
  t.same(hook('matchConditions[1]', { name: 'not-system', expression: 'true' }), ['webhooks[0].matchConditions[1].name: Duplicate value: "not-system"']);
  t.same(
    createProblems(edited(validatingWebhookConfiguration(), (o) => set(o, 'webhooks[1]', structuredClone((o.webhooks as Obj[])[0])))),
    ['webhooks[1].name: Duplicate value: "pods.policy.example.com"'],
  );
  // As stored before names had to be unique.
  const twice = edited(stored(validatingWebhookConfiguration()), (o) => set(o, 'webhooks[1]', structuredClone((o.webhooks as Obj[])[0])));
  t.same(updateProblems(edited(twice, (o) => set(o, 'webhooks[1].timeoutSeconds', 5)), twice), [], 'a configuration stored with repeated names may still be updated');
  const once = stored(validatingWebhookConfiguration());
  t.same(updateProblems(edited(once, (o) => set(o, 'webhooks[1]', structuredClone((o.webhooks as Obj[])[0]))), once), ['webhooks[1].name: Duplicate value: "pods.policy.example.com"']);
});

t.test('ValidatingAdmissionPolicy and its binding', async (t) => {
  t.same(createProblems(validatingAdmissionPolicy()), []);
  t.same(createProblems(validatingAdmissionPolicyBinding()), []);
  const policy = stored(validatingAdmissionPolicy());
  t.match(policy.spec, { failurePolicy: 'Fail', matchConstraints: { matchPolicy: 'Equivalent', namespaceSelector: {}, objectSelector: {}, resourceRules: [{ scope: '*' }] } });
  const spec = (path: string, value: unknown) => createProblems(edited(validatingAdmissionPolicy(), (o) => set(o, `spec.${path}`, value)));
  t.same(spec('validations[0].expression', 'object.spec.replicas < '), [
    'spec.validations[0].expression: Invalid value: "object.spec.replicas < ": compilation failed: ERROR: <input>:1:24: Syntax error: Unexpected token: EOF',
  ]);
  t.same(spec('validations[0].expression', '  '), ['spec.validations[0].expression: Required value: expression is not specified']);
  t.same(spec('validations[0].reason', 'Teapot'), ['spec.validations[0].reason: Unsupported value: "Teapot": supported values: "Forbidden", "Invalid", "RequestEntityTooLarge", "Unauthorized"']);
  t.same(spec('validations[0].message', 'two\nlines'), ['spec.validations[0].message: Invalid value: "two\\nlines": message must not contain line breaks']);
  t.same(spec('validations', []), [
    'spec.validations: Required value: validations or auditAnnotations must contain at least one item',
    'spec.auditAnnotations: Required value: validations or auditAnnotations must contain at least one item',
  ]);
  t.same(spec('matchConstraints.resourceRules', []), ['spec.matchConstraints.resourceRules: Required value']);
  t.same(spec('paramKind', { apiVersion: 'v1', kind: '' }), ['spec.paramKind.kind: Required value']);
  t.same(spec('variables[0].name', '1st'), ['spec.variables[0].name: Invalid value: "1st": name is not a valid CEL identifier']);
  t.same(spec('failurePolicy', 'Maybe'), ['spec.failurePolicy: Unsupported value: "Maybe": supported values: "Fail", "Ignore"']);

  const binding = (path: string, value: unknown) => createProblems(edited(validatingAdmissionPolicyBinding(), (o) => set(o, `spec.${path}`, value)));
  t.same(binding('policyName', ''), ['spec.policyName: Required value']);
  t.same(binding('validationActions', []), ['spec.validationActions: Required value: at least one validation action is required']);
  t.same(binding('validationActions', ['Deny', 'Warn']), [
    'spec.validationActions: Invalid value: []admissionregistration.ValidationAction{"Deny", "Warn"}: must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)',
  ]);
  t.same(binding('validationActions', ['Block']), ['spec.validationActions[0]: Unsupported value: "Block": supported values: "Audit", "Deny", "Warn"']);
  t.same(binding('paramRef.parameterNotFoundAction', ''), ['spec.paramRef.parameterNotFoundAction: Required value']);
  t.same(binding('paramRef.selector', { matchLabels: { a: 'b' } }), ['spec.paramRef.name: Forbidden: name and selector are mutually exclusive']);
});

t.test('DeviceClass, ResourceClaim, ResourceClaimTemplate, ResourceSlice', async (t) => {
  for (const make of [deviceClass, resourceClaim, resourceClaimTemplate, resourceSlice]) t.same(createProblems(make()), [], make.name);
  t.same(stored(resourceClaim()).spec, { devices: { requests: [{ name: 'gpu', exactly: { deviceClassName: 'gpu.example.com', count: 2, allocationMode: 'ExactCount' } }] } });
  t.same(
    (stored(resourceClaimTemplate()).spec as Obj).spec,
    { devices: { requests: [{ name: 'gpu', firstAvailable: [{ name: 'big', deviceClassName: 'gpu.example.com', allocationMode: 'All' }, { name: 'small', deviceClassName: 'gpu.example.com', allocationMode: 'ExactCount', count: 1 }] }] } },
    'one device unless told otherwise',
  );
  t.same(createProblems(edited(deviceClass(), (o) => set(o, 'spec.selectors[0].cel.expression', "device.driver == 'x"))), [
    'spec.selectors[0].cel.expression: Invalid value: "device.driver == \'x": compilation failed: ERROR: <input>:1:18: Syntax error: Unterminated string',
  ]);
  t.same(createProblems(edited(resourceClaim(), (o) => set(o, 'spec.devices.requests[0].exactly.deviceClassName', ''))), ['spec.devices.requests[0].exactly.deviceClassName: Required value']);
  t.same(createProblems(edited(resourceClaim(), (o) => unset(o, 'spec.devices.requests[0].exactly'))), ['spec.devices.requests[0]: Required value: exactly one of `exactly` or `firstAvailable` is required']);
  t.same(createProblems(edited(resourceClaim(), (o) => set(o, 'spec.devices.requests[0].firstAvailable', [{ name: 'a', deviceClassName: 'gpu.example.com' }]))), [
    'spec.devices.requests[0]: Invalid value: null: exactly one of `exactly` or `firstAvailable` is required, but multiple fields are set',
  ]);
  t.same(createProblems(edited(resourceClaim(), (o) => set(o, 'spec.devices.requests[1]', { name: 'gpu', exactly: { deviceClassName: 'gpu.example.com' } }))), ['spec.devices.requests[1].name: Duplicate value: "gpu"']);
  t.same(createProblems(edited(resourceClaim(), (o) => set(o, 'spec.devices.requests[0].exactly.allocationMode', 'Some'))), [
    'spec.devices.requests[0].exactly.allocationMode: Unsupported value: "Some": supported values: "All", "ExactCount"',
  ]);
  const claim = stored(resourceClaim());
  t.same(updateProblems(edited(claim, (o) => set(o, 'spec.devices.requests[0].exactly.count', 3)), claim).map((m) => m.replace(/: Invalid value: .*: /, ': ')), ['spec: field is immutable']);
  t.same(statusProblems(edited(claim, (o) => set(o, 'status.reservedFor', [{ resource: 'pods', name: 'p', uid: 'u' }])), claim), ['status.reservedFor: Forbidden: may not be specified when `allocated` is not set']);

  t.same(createProblems(edited(resourceSlice(), (o) => set(o, 'spec.allNodes', true))), [
    'spec: Invalid value: "{`nodeName`, `allNodes`}": exactly one of `nodeName`, `nodeSelector`, `allNodes`, `perDeviceNodeSelection` is required, but multiple fields are set',
  ]);
  t.same(createProblems(edited(resourceSlice(), (o) => set(o, 'spec.pool.resourceSliceCount', 0))), ['spec.pool.resourceSliceCount: Invalid value: 0: must be greater than zero']);
  t.same(createProblems(edited(resourceSlice(), (o) => set(o, 'spec.devices[1]', { name: 'gpu-0' }))), ['spec.devices[1].name: Duplicate value: "gpu-0"']);
  const slice = stored(resourceSlice());
  t.same(updateProblems(edited(slice, (o) => set(o, 'spec.driver', 'other.example.com')), slice), ['spec.driver: Invalid value: "other.example.com": field is immutable']);
});
