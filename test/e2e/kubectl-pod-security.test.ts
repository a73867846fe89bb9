// Pod Security admission through kubectl 1.27 and 1.33: a privileged pod in a namespace labelled
// pod-security.kubernetes.io/enforce=restricted is refused with Kubernetes' message, listing every
// check it fails in Kubernetes' order; a pod that meets the restricted standard is created there;
// the warn label makes kubectl print "Warning: would violate PodSecurity ..." for a pod it lets in
// and for a Deployment's pod template, which is never refused. The apiserver runs with an audit
// log and an --admission-control-config-file: the audit label puts the violations in the refused
// pod's audit event (pod-security.kubernetes.io/audit-violations), and a namespace the
// PodSecurityConfiguration exempts takes a privileged pod despite its enforce label.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { startApiserver, type ApiserverProcess } from '../../lib/launch/apiserver-process.js';
import { readAuditEvents, writeAuditPolicy, type AuditEvent } from '../helpers/audit-log.js';
import { kubectl } from '../helpers/kubectl.js';
import { KUBECTL_VERSIONS, kubectlBinary } from '../helpers/paths.js';
import { until } from '../helpers/until.js';

const dir = mkdtempSync(join(tmpdir(), 'rudder-psa-'));
const auditLog = join(dir, 'audit.log');
let apiserver: ApiserverProcess | undefined;
t.teardown(async () => {
  await apiserver?.stop();
  rmSync(dir, { recursive: true, force: true });
});
t.before(async () => {
  writeAuditPolicy(join(dir, 'policy.yaml'), ['create'], ['pods']);
  const psa = { apiVersion: 'pod-security.admission.config.k8s.io/v1', kind: 'PodSecurityConfiguration', exemptions: { namespaces: KUBECTL_VERSIONS.map((v) => `exempt-${v.replace('.', '-')}`) } };
  writeFileSync(join(dir, 'admission.yaml'), JSON.stringify({ apiVersion: 'apiserver.config.k8s.io/v1', kind: 'AdmissionConfiguration', plugins: [{ name: 'PodSecurity', configuration: psa }] }));
  apiserver = await startApiserver({ env: { RUDDER_AUDIT_POLICY_FILE: join(dir, 'policy.yaml'), RUDDER_AUDIT_LOG_PATH: auditLog, RUDDER_ADMISSION_CONTROL_CONFIG_FILE: join(dir, 'admission.yaml') } });
});

/** The ResponseComplete audit event of the create of pod `name` in `namespace`, once the log has it (10 s at most). */
async function podCreateEvent(namespace: string, name: string): Promise<AuditEvent | undefined> {
  let found: AuditEvent | undefined;
  await until(() => {
    found = readAuditEvents(auditLog).find((e) => e.stage === 'ResponseComplete' && e.objectRef?.namespace === namespace && e.objectRef?.name === name);
    return found !== undefined;
  }, 10_000, 100);
  return found;
}

const IMAGE = 'rudder.local/busybox:stable';

function namespace(name: string, labels: Record<string, string>): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
}

function pod(name: string, ns: string, spec: Record<string, unknown>, container: Record<string, unknown> = {}): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns }, spec: { ...spec, containers: [{ name, image: IMAGE, ...container }] } });
}

for (const version of KUBECTL_VERSIONS) {
  t.test(`kubectl ${version}`, { skip: existsSync(kubectlBinary(version)) ? false : `kubectl ${version} is not installed` }, async (t) => {
    const run = (args: string[], input?: string) => kubectl(version, apiserver!.kubeconfig, args, input);
    const suffix = version.replace('.', '-');
    const locked = `locked-${suffix}`;
    const warned = `warned-${suffix}`;
    const exempt = `exempt-${suffix}`;
    t.equal((await run(['apply', '-f', '-'], namespace(locked, { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/warn': 'restricted', 'pod-security.kubernetes.io/audit': 'baseline' }))).code, 0);
    t.equal((await run(['apply', '-f', '-'], namespace(exempt, { 'pod-security.kubernetes.io/enforce': 'restricted' }))).code, 0);
    t.equal((await run(['apply', '-f', '-'], namespace(warned, { 'pod-security.kubernetes.io/warn': 'baseline', 'pod-security.kubernetes.io/warn-version': 'v1.36' }))).code, 0);

    const refused = await run(['apply', '-f', '-'], pod('priv', locked, {}, { securityContext: { privileged: true } }));
    t.not(refused.code, 0, 'a privileged pod is refused in a restricted namespace');
    t.match(
      refused.stderr,
      `Error from server (Forbidden): error when creating "STDIN": pods "priv" is forbidden: violates PodSecurity "restricted:latest": privileged (container "priv" must not set securityContext.privileged=true), allowPrivilegeEscalation != false (container "priv" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "priv" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "priv" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "priv" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")`,
      "with Kubernetes' message",
    );
    const refusedEvent = await podCreateEvent(locked, 'priv');
    t.equal(refusedEvent?.responseStatus?.code, 403);
    t.same(
      refusedEvent?.annotations && { enforce: refusedEvent.annotations['pod-security.kubernetes.io/enforce-policy'], audit: refusedEvent.annotations['pod-security.kubernetes.io/audit-violations'] },
      { enforce: 'restricted:latest', audit: 'would violate PodSecurity "baseline:latest": privileged (container "priv" must not set securityContext.privileged=true)' },
      'its audit event carries the audit level\'s violations',
    );
    const exempted = await run(['apply', '-f', '-'], pod('priv', exempt, {}, { securityContext: { privileged: true } }));
    t.equal(exempted.code, 0, `a namespace the configuration exempts takes it: ${exempted.stderr}`);
    t.equal((await podCreateEvent(exempt, 'priv'))?.annotations?.['pod-security.kubernetes.io/exempt'], 'namespace');
    const compliant = await run(
      ['apply', '-f', '-'],
      pod('ok', locked, { securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } } }, { securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }),
    );
    t.equal(compliant.code, 0, compliant.stderr);
    t.notMatch(compliant.stderr, /Warning/, 'and no warning for a pod that meets the standard');

    const hostNet = await run(['apply', '-f', '-'], pod('hostnet', warned, { hostNetwork: true }));
    t.equal(hostNet.code, 0, 'warn lets the pod in');
    t.match(hostNet.stderr, 'Warning: would violate PodSecurity "baseline:v1.36": host namespaces (hostNetwork=true)');

    const deployment = JSON.stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: locked },
      spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: IMAGE, ports: [{ containerPort: 80, hostPort: 8080 }] }] } } },
    });
    const workload = await run(['apply', '-f', '-'], deployment);
    t.equal(workload.code, 0, "a Deployment is not refused for its template's violations");
    t.match(workload.stderr, /Warning: would violate PodSecurity "restricted:latest": hostPort \(container "web" uses hostPort 8080\), allowPrivilegeEscalation != false/);
  });
}
