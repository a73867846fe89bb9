// The Pod Security Standards' checks (k8s.io/pod-security-admission/policy, latest version), in
// the order Kubernetes reports them: the baseline checks, then the restricted ones (whose
// capabilities and seccomp checks replace the baseline's). Each finding is Kubernetes' reason and
// detail, as `reason (detail)` in a refusal or warning.
import type { Container, PodSpec, SecurityContext, Volume } from 'kubernetes-types/core/v1.js';

export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

export interface Finding {
  reason: string;
  detail: string;
}

interface PodView {
  metadata: { annotations?: Record<string, string> };
  spec: PodSpec;
}

interface Check {
  level: 'baseline' | 'restricted';
  /** A restricted check that replaces this baseline check at the restricted level. */
  replacedBy?: string;
  id: string;
  run(pod: PodView): Finding | null;
}

const BASELINE_CAPABILITIES = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);
const SAFE_SYSCTLS = new Set(['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes']);
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
const RESTRICTED_VOLUMES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];

function containers(spec: PodSpec): Container[] {
  return [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...((spec.ephemeralContainers ?? []) as Container[])];
}

function quoted(names: readonly string[]): string {
  return names.map((n) => `"${n}"`).join(', ');
}

/** `container "a"` or `containers "a", "b"`. */
function containersText(names: readonly string[]): string {
  return `${names.length === 1 ? 'container' : 'containers'} ${quoted(names)}`;
}

function failing(spec: PodSpec, test: (c: Container, sc: SecurityContext) => boolean): string[] {
  return containers(spec).filter((c) => test(c, c.securityContext ?? {})).map((c) => c.name);
}

function volumeNames(volumes: readonly Volume[]): string {
  return `${volumes.length === 1 ? 'volume' : 'volumes'} ${quoted(volumes.map((v) => v.name))}`;
}

const CHECKS: Check[] = [
  {
    level: 'baseline',
    id: 'appArmorProfile',
    run(pod) {
      const bad: string[] = [];
      const podType = pod.spec.securityContext?.appArmorProfile?.type;
      if (podType === 'Unconfined') bad.push('pod must not set appArmorProfile.type to "Unconfined"');
      const names = failing(pod.spec, (_c, sc) => sc.appArmorProfile?.type === 'Unconfined');
      if (names.length > 0) bad.push(`${containersText(names)} must not set appArmorProfile.type to "Unconfined"`);
      for (const [key, value] of Object.entries(pod.metadata.annotations ?? {})) {
        if (key.startsWith('container.apparmor.security.beta.kubernetes.io/') && value !== 'runtime/default' && !value.startsWith('localhost/')) bad.push(`${key}="${value}"`);
      }
      return bad.length > 0 ? { reason: bad.length === 1 ? 'forbidden AppArmor profile' : 'forbidden AppArmor profiles', detail: bad.join(', ') } : null;
    },
  },
  {
    level: 'baseline',
    id: 'capabilities_baseline',
    replacedBy: 'capabilities_restricted',
    run(pod) {
      const details = containers(pod.spec)
        .map((c) => ({ name: c.name, added: (c.securityContext?.capabilities?.add ?? []).filter((cap) => !BASELINE_CAPABILITIES.has(cap)) }))
        .filter((c) => c.added.length > 0)
        .map((c) => `container "${c.name}" must not include ${quoted(c.added)} in securityContext.capabilities.add`);
      return details.length > 0 ? { reason: 'non-default capabilities', detail: details.join('; ') } : null;
    },
  },
  {
    level: 'baseline',
    id: 'hostNamespaces',
    run(pod) {
      const set = (['hostNetwork', 'hostPID', 'hostIPC'] as const).filter((f) => pod.spec[f] === true).map((f) => `${f}=true`);
      return set.length > 0 ? { reason: 'host namespaces', detail: set.join(', ') } : null;
    },
  },
  {
    level: 'baseline',
    id: 'hostPathVolumes',
    run(pod) {
      const volumes = (pod.spec.volumes ?? []).filter((v) => v.hostPath !== undefined);
      return volumes.length > 0 ? { reason: 'hostPath volumes', detail: volumeNames(volumes) } : null;
    },
  },
  {
    level: 'baseline',
    id: 'hostPorts',
    run(pod) {
      const users = containers(pod.spec).filter((c) => (c.ports ?? []).some((p) => (p.hostPort ?? 0) !== 0));
      if (users.length === 0) return null;
      const ports = [...new Set(users.flatMap((c) => (c.ports ?? []).map((p) => p.hostPort ?? 0).filter((p) => p !== 0)))];
      return { reason: 'hostPort', detail: `${containersText(users.map((c) => c.name))} ${users.length === 1 ? 'uses' : 'use'} ${ports.length === 1 ? 'hostPort' : 'hostPorts'} ${ports.join(', ')}` };
    },
  },
  {
    level: 'baseline',
    id: 'privileged',
    run(pod) {
      const names = failing(pod.spec, (_c, sc) => sc.privileged === true);
      return names.length > 0 ? { reason: 'privileged', detail: `${containersText(names)} must not set securityContext.privileged=true` } : null;
    },
  },
  {
    level: 'baseline',
    id: 'procMount',
    run(pod) {
      const names = failing(pod.spec, (_c, sc) => sc.procMount !== undefined && sc.procMount !== 'Default');
      return names.length > 0 ? { reason: 'procMount', detail: `${containersText(names)} must not set securityContext.procMount to ${quoted([...new Set(containers(pod.spec).map((c) => c.securityContext?.procMount).filter((p): p is string => p !== undefined && p !== 'Default'))])}` } : null;
    },
  },
  {
    level: 'baseline',
    id: 'seccompProfile_baseline',
    replacedBy: 'seccompProfile_restricted',
    run(pod) {
      const bad: string[] = [];
      if (pod.spec.securityContext?.seccompProfile?.type === 'Unconfined') bad.push('pod must not set securityContext.seccompProfile.type to "Unconfined"');
      const names = failing(pod.spec, (_c, sc) => sc.seccompProfile?.type === 'Unconfined');
      if (names.length > 0) bad.push(`${containersText(names)} must not set securityContext.seccompProfile.type to "Unconfined"`);
      return bad.length > 0 ? { reason: 'seccompProfile', detail: bad.join('; ') } : null;
    },
  },
  {
    level: 'baseline',
    id: 'seLinuxOptions',
    run(pod) {
      const forbidden = (sc: SecurityContext | undefined): string[] => {
        const o = sc?.seLinuxOptions;
        if (!o) return [];
        const out: string[] = [];
        if (!SELINUX_TYPES.has(o.type ?? '')) out.push(`type "${o.type}"`);
        if (o.user) out.push(`user "${o.user}"`);
        if (o.role) out.push(`role "${o.role}"`);
        return out;
      };
      const podBad = forbidden(pod.spec.securityContext as SecurityContext | undefined);
      const names = failing(pod.spec, (_c, sc) => forbidden(sc).length > 0);
      if (podBad.length === 0 && names.length === 0) return null;
      const who = [podBad.length > 0 ? 'pod' : '', names.length > 0 ? containersText(names) : ''].filter(Boolean).join(' and ');
      const what = [...new Set([...podBad, ...containers(pod.spec).flatMap((c) => forbidden(c.securityContext))])];
      return { reason: 'seLinuxOptions', detail: `${who} set forbidden securityContext.seLinuxOptions: ${what.join(', ')}` };
    },
  },
  {
    level: 'baseline',
    id: 'sysctls',
    run(pod) {
      const bad = (pod.spec.securityContext?.sysctls ?? []).map((s) => s.name).filter((name) => !SAFE_SYSCTLS.has(name));
      return bad.length > 0 ? { reason: 'forbidden sysctls', detail: bad.join(', ') } : null;
    },
  },
  {
    level: 'restricted',
    id: 'allowPrivilegeEscalation',
    run(pod) {
      const names = failing(pod.spec, (_c, sc) => sc.allowPrivilegeEscalation !== false);
      return names.length > 0 ? { reason: 'allowPrivilegeEscalation != false', detail: `${containersText(names)} must set securityContext.allowPrivilegeEscalation=false` } : null;
    },
  },
  {
    level: 'restricted',
    id: 'capabilities_restricted',
    run(pod) {
      const details: string[] = [];
      const notDropping = failing(pod.spec, (_c, sc) => !(sc.capabilities?.drop ?? []).includes('ALL'));
      if (notDropping.length > 0) details.push(`${containersText(notDropping)} must set securityContext.capabilities.drop=["ALL"]`);
      for (const c of containers(pod.spec)) {
        const added = (c.securityContext?.capabilities?.add ?? []).filter((cap) => cap !== 'NET_BIND_SERVICE');
        if (added.length > 0) details.push(`container "${c.name}" must not include ${quoted(added)} in securityContext.capabilities.add`);
      }
      return details.length > 0 ? { reason: 'unrestricted capabilities', detail: details.join('; ') } : null;
    },
  },
  {
    level: 'restricted',
    id: 'restrictedVolumes',
    run(pod) {
      const details = (pod.spec.volumes ?? []).flatMap((v) => {
        const type = Object.keys(v).find((k) => k !== 'name');
        return type !== undefined && !RESTRICTED_VOLUMES.includes(type) ? [`volume "${v.name}" uses restricted volume type "${type}"`] : [];
      });
      return details.length > 0 ? { reason: 'restricted volume types', detail: details.join(', ') } : null;
    },
  },
  {
    level: 'restricted',
    id: 'runAsNonRoot',
    run(pod) {
      const podValue = pod.spec.securityContext?.runAsNonRoot;
      const explicitFalse = failing(pod.spec, (_c, sc) => sc.runAsNonRoot === false);
      const unset = podValue === true ? [] : failing(pod.spec, (_c, sc) => sc.runAsNonRoot === undefined);
      const details: string[] = [];
      if (podValue === false) details.push('pod must not set securityContext.runAsNonRoot=false');
      if (explicitFalse.length > 0) details.push(`${containersText(explicitFalse)} must not set securityContext.runAsNonRoot=false`);
      if (podValue !== true && podValue !== false && unset.length > 0) details.push(`pod or ${containersText(unset)} must set securityContext.runAsNonRoot=true`);
      return details.length > 0 ? { reason: 'runAsNonRoot != true', detail: details.join('; ') } : null;
    },
  },
  {
    level: 'restricted',
    id: 'runAsUser',
    run(pod) {
      const details: string[] = [];
      if (pod.spec.securityContext?.runAsUser === 0) details.push('pod must not set runAsUser=0');
      const names = failing(pod.spec, (_c, sc) => sc.runAsUser === 0);
      if (names.length > 0) details.push(`${containersText(names)} must not set runAsUser=0`);
      return details.length > 0 ? { reason: 'runAsUser=0', detail: details.join('; ') } : null;
    },
  },
  {
    level: 'restricted',
    id: 'seccompProfile_restricted',
    run(pod) {
      const allowed = (type: string | undefined): boolean => type === 'RuntimeDefault' || type === 'Localhost';
      const podType = pod.spec.securityContext?.seccompProfile?.type;
      const details: string[] = [];
      if (podType !== undefined && !allowed(podType)) details.push(`pod must not set securityContext.seccompProfile.type to "${podType}"`);
      const explicit = failing(pod.spec, (_c, sc) => sc.seccompProfile?.type !== undefined && !allowed(sc.seccompProfile.type));
      if (explicit.length > 0) details.push(`${containersText(explicit)} must not set securityContext.seccompProfile.type to ${quoted([...new Set(containers(pod.spec).map((c) => c.securityContext?.seccompProfile?.type).filter((t): t is string => t !== undefined && !allowed(t)))])}`);
      if (!allowed(podType)) {
        const unset = failing(pod.spec, (_c, sc) => sc.seccompProfile?.type === undefined);
        if (unset.length > 0 && podType === undefined) details.push(`pod or ${containersText(unset)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`);
      }
      return details.length > 0 ? { reason: 'seccompProfile', detail: details.join('; ') } : null;
    },
  },
];

/** What a pod (or pod template) does that `level` forbids, in Kubernetes' order; empty when it may run. */
export function podSecurityFindings(level: PodSecurityLevel, pod: PodView): Finding[] {
  if (level === 'privileged') return [];
  const replaced = new Set(level === 'restricted' ? CHECKS.flatMap((c) => (c.replacedBy ? [c.id] : [])) : []);
  const findings: Finding[] = [];
  for (const check of CHECKS) {
    if (check.level === 'restricted' && level === 'baseline') continue;
    if (replaced.has(check.id)) continue;
    const found = check.run(pod);
    if (found) findings.push(found);
  }
  return findings;
}

export function findingsText(findings: readonly Finding[]): string {
  return findings.map((f) => `${f.reason} (${f.detail})`).join(', ');
}
