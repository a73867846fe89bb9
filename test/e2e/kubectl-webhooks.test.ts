// Admission webhooks through the real kubectl (1.27 and 1.33) against a real apiserver process,
// with a webhook server the test starts (HTTPS on loopback, its own CA): the configurations are
// applied by kubectl; a validating webhook's denial is printed as kubectl prints Kubernetes'; a
// mutating webhook's label shows on the object and its warning on kubectl's stderr; a server-side
// dry run reaches the webhook and stores nothing; a webhook that refuses everything cannot stop
// kubectl from deleting its own configuration.
import { existsSync } from 'node:fs';
import t from 'tap';
import { startApiserver, type ApiserverProcess } from '../../lib/launch/apiserver-process.js';
import { startWebhookServer, type WebhookServer } from '../helpers/admission-webhook-server.js';
import { kubectl } from '../helpers/kubectl.js';
import { KUBECTL_VERSIONS, kubectlBinary } from '../helpers/paths.js';

let apiserver: ApiserverProcess | undefined;
let hooks: WebhookServer | undefined;
t.teardown(async () => {
  await apiserver?.stop();
  hooks?.close();
});

function configurations(server: WebhookServer): string {
  const clientConfig = (path: string): string => `{url: "https://127.0.0.1:${server.port}${path}", caBundle: ${server.caBundle}}`;
  const configMapsOn = (label: string): string => `
    rules: [{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [configmaps]}]
    objectSelector: {matchLabels: {case: ${label}}}
    sideEffects: None
    admissionReviewVersions: [v1]`;
  return `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: deny}
webhooks:
  - name: deny.rudder.test
    clientConfig: ${clientConfig('/deny')}${configMapsOn('deny')}
---
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {name: label}
webhooks:
  - name: label.rudder.test
    clientConfig: ${clientConfig('/label')}${configMapsOn('label')}
`;
}

function configMap(name: string, label: string): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { case: label } }, data: { a: 'b' } });
}

t.before(async () => {
  hooks = await startWebhookServer();
  apiserver = await startApiserver();
});

for (const version of KUBECTL_VERSIONS) {
  t.test(`kubectl ${version}`, { skip: existsSync(kubectlBinary(version)) ? false : `kubectl ${version} is not installed` }, async (t) => {
    const run = (args: string[], input?: string) => kubectl(version, apiserver!.kubeconfig, args, input);
    const suffix = version.replace('.', '-');

    const applied = await run(['apply', '-f', '-'], configurations(hooks!));
    t.equal(applied.code, 0, applied.stderr);
    t.match(applied.stdout, /validatingwebhookconfiguration.admissionregistration.k8s.io\/deny (created|configured|unchanged)/);

    // 1. the validating webhook's denial, as kubectl prints it
    const denied = await run(['create', '-f', '-'], configMap(`denied-${suffix}`, 'deny'));
    t.not(denied.code, 0);
    t.equal(denied.stderr.trim(), 'Error from server: error when creating "STDIN": admission webhook "deny.rudder.test" denied the request: configmaps labelled deny=yes are refused');
    t.match((await run(['get', 'configmap', `denied-${suffix}`])).stderr, /NotFound/, 'nothing was stored');

    // 2. the mutating webhook's label, and its warning
    const created = await run(['create', '-f', '-'], configMap(`labelled-${suffix}`, 'label'));
    t.equal(created.code, 0, created.stderr);
    t.match(created.stderr, /Warning: labelled by the test webhook/);
    const label = await run(['get', 'configmap', `labelled-${suffix}`, '-o', 'jsonpath={.metadata.labels.mutated-by}']);
    t.equal(label.stdout, 'webhook');

    // 3. a server-side dry run is sent to the webhook (sideEffects None) and stores nothing
    const before = hooks!.seen.length;
    const dry = await run(['create', '--dry-run=server', '-f', '-'], configMap(`dry-${suffix}`, 'label'));
    t.equal(dry.code, 0, dry.stderr);
    t.match(dry.stdout, /configmap\/dry-\S+ created \(server dry run\)/);
    t.equal(hooks!.seen[before]?.review.request.dryRun, true, 'the webhook was told it is a dry run');
    t.match((await run(['get', 'configmap', `dry-${suffix}`])).stderr, /NotFound/);

    // 4. a webhook that refuses everything cannot lock its own configuration in
    const denyAll = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: deny-all-${suffix}}
webhooks:
  - name: deny-all.rudder.test
    clientConfig: {url: "https://127.0.0.1:${hooks!.port}/deny", caBundle: ${hooks!.caBundle}}
    rules: [{operations: ["*"], apiGroups: ["*"], apiVersions: ["*"], resources: ["*/*"]}]
    sideEffects: None
    admissionReviewVersions: [v1]
`;
    t.equal((await run(['apply', '-f', '-'], denyAll)).code, 0);
    const refused = await run(['create', 'configmap', `any-${suffix}`]);
    t.match(refused.stderr, /admission webhook "deny-all.rudder.test" denied the request/);
    const deleted = await run(['delete', 'validatingwebhookconfiguration', `deny-all-${suffix}`]);
    t.equal(deleted.code, 0, deleted.stderr);
    t.equal((await run(['create', 'configmap', `any-${suffix}`])).code, 0, 'requests pass again');
  });
}
