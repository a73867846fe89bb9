// Pod Security admission through kubectl 1.27 and 1.33: a privileged pod in a namespace labelled
// pod-security.kubernetes.io/enforce=restricted is refused with Kubernetes' message, listing every
// check it fails in Kubernetes' order; a pod that meets the restricted standard is created there;
// the warn label makes kubectl print "Warning: would violate PodSecurity ..." for a pod it lets in
// and for a Deployment's pod template, which is never refused.
import { existsSync } from 'node:fs';
import t from 'tap';
import { startApiserver, type ApiserverProcess } from '../../lib/harness/apiserver-process.js';
import { kubectl } from '../helpers/kubectl.js';
import { KUBECTL_VERSIONS, kubectlBinary } from '../helpers/paths.js';

let apiserver: ApiserverProcess | undefined;
t.teardown(async () => {
  await apiserver?.stop();
});
t.before(async () => {
  apiserver = await startApiserver();
});

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
    t.equal((await run(['apply', '-f', '-'], namespace(locked, { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/warn': 'restricted' }))).code, 0);
    t.equal((await run(['apply', '-f', '-'], namespace(warned, { 'pod-security.kubernetes.io/warn': 'baseline', 'pod-security.kubernetes.io/warn-version': 'v1.36' }))).code, 0);

    const refused = await run(['apply', '-f', '-'], pod('priv', locked, {}, { securityContext: { privileged: true } }));
    t.not(refused.code, 0, 'a privileged pod is refused in a restricted namespace');
    t.match(
      refused.stderr,
      `Error from server (Forbidden): error when creating "STDIN": pods "priv" is forbidden: violates PodSecurity "restricted:latest": privileged (container "priv" must not set securityContext.privileged=true), allowPrivilegeEscalation != false (container "priv" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "priv" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "priv" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "priv" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")`,
      "with Kubernetes' message",
    );
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
