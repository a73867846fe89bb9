// The Pod Security Standards' checks one by one, with Kubernetes' reasons and details: baseline
// findings (host namespaces and ports, hostPath, added capabilities, procMount, sysctls,
// seLinuxOptions), the restricted ones (volume types, runAsUser=0, explicit runAsNonRoot=false,
// plural container lists), and privileged allowing everything.
import t from 'tap';
import { findingsText, podSecurityFindings } from '../lib/api/pod-security/checks.js';

const RESTRICTED_OK = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };
const podSpec = (spec: Record<string, unknown>) => ({ metadata: {}, spec: { containers: [{ name: 'a', image: 'x' }], ...spec } });

t.test('baseline', async (t) => {
  const pod = podSpec({
    hostPID: true,
    hostIPC: true,
    volumes: [{ name: 'root', hostPath: { path: '/' } }],
    securityContext: { sysctls: [{ name: 'kernel.msgmax', value: '1' }, { name: 'net.ipv4.tcp_syncookies', value: '1' }] },
    containers: [
      { name: 'a', image: 'x', ports: [{ containerPort: 80, hostPort: 80 }], securityContext: { capabilities: { add: ['NET_ADMIN', 'CHOWN'] }, procMount: 'Unmasked' } },
      { name: 'b', image: 'x', ports: [{ containerPort: 443, hostPort: 443 }], securityContext: { seLinuxOptions: { type: 'spc_t' } } },
    ],
  });
  t.equal(
    findingsText(podSecurityFindings('baseline', pod)),
    'non-default capabilities (container "a" must not include "NET_ADMIN" in securityContext.capabilities.add), host namespaces (hostPID=true, hostIPC=true), hostPath volumes (volume "root"), hostPort (containers "a", "b" use hostPorts 80, 443), procMount (container "a" must not set securityContext.procMount to "Unmasked"), seLinuxOptions (container "b" set forbidden securityContext.seLinuxOptions: type "spc_t"), forbidden sysctls (kernel.msgmax)',
  );
  t.same(podSecurityFindings('privileged', pod), [], 'privileged allows everything');
  t.same(podSecurityFindings('baseline', podSpec({})), [], 'a plain pod meets baseline');
});

t.test('restricted', async (t) => {
  const pod = podSpec({
    securityContext: { runAsUser: 0, seccompProfile: { type: 'RuntimeDefault' } },
    volumes: [{ name: 'sock', hostPath: { path: '/run/x.sock' } }, { name: 'data', emptyDir: {} }],
    containers: [
      { name: 'a', image: 'x', securityContext: { ...RESTRICTED_OK, runAsNonRoot: false } },
      { name: 'b', image: 'x', securityContext: { ...RESTRICTED_OK, capabilities: { drop: ['ALL'], add: ['SYS_TIME', 'NET_BIND_SERVICE'] } } },
      { name: 'c', image: 'x' },
    ],
  });
  t.equal(
    findingsText(podSecurityFindings('restricted', pod)),
    'hostPath volumes (volume "sock"), allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"]; container "b" must not include "SYS_TIME" in securityContext.capabilities.add), restricted volume types (volume "sock" uses restricted volume type "hostPath"), runAsNonRoot != true (container "a" must not set securityContext.runAsNonRoot=false; pod or containers "b", "c" must set securityContext.runAsNonRoot=true), runAsUser=0 (pod must not set runAsUser=0)',
  );
});
