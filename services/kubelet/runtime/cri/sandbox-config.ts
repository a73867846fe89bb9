// A pod as a CRI PodSandboxConfig, as the kubelet builds it (kuberuntime_sandbox.go): metadata,
// hostname, the pod's log directory, DNS from the pod's dnsPolicy and dnsConfig, host ports,
// labels that find the pod again, its cgroup parent and its namespaces and sysctls.
import { join } from 'node:path';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { ResolvConf } from '../../../../lib/host/resolv-conf.js';
import type { DNSConfig, NamespaceMode, PodSandboxConfig, PortMapping, Protocol } from '../../../../lib/cri/types.js';
import { POD_NAME_LABEL, POD_NAMESPACE_LABEL, POD_TERMINATION_GRACE_PERIOD_ANNOTATION, POD_UID_LABEL } from './labels.js';
import { podCgroupParent } from './resources.js';

export interface SandboxSettings {
  /** The node's name: the hostname of host-network pods. */
  nodeName: string;
  /** Parent of every pod's log directory (/var/log/pods on a real node). */
  podLogDir: string;
  /** The node's cgroup root, under which pods get <qos>/pod<uid>. */
  cgroupRoot: string;
  /** Cluster DNS server addresses (--cluster-dns); empty: ClusterFirst pods resolve as the node does. */
  clusterDNS: readonly string[];
  /** --cluster-domain. */
  clusterDomain: string;
  /** The node's resolver (--resolv-conf): what Default pods get, and the search list ClusterFirst pods add; absent: none. */
  hostDNS?: ResolvConf;
}

/** <podLogDir>/<namespace>_<name>_<uid>: where the pod's container logs go. */
export function podLogDirectory(podLogDir: string, namespace: string, name: string, uid: string): string {
  return join(podLogDir, `${namespace}_${name}_${uid}`);
}

/** The pod's hostname: spec.hostname, else its name, cut to 63 characters (host-network pods: the node's). */
function hostname(pod: Pod, settings: SandboxSettings): string {
  if (pod.spec?.hostNetwork) return settings.nodeName;
  const name = pod.spec?.hostname || pod.metadata?.name || '';
  return name.length > 63 ? name.slice(0, 63).replace(/[-.]+$/, '') : name;
}

/**
 * The resolver the pod gets (pkg/kubelet/network/dns): undefined means the node's own resolv.conf.
 * ClusterFirst: the cluster DNS, the namespace's search list then the node's, ndots:5; Default
 * (and ClusterFirst for host-network pods, or without --cluster-dns): the node's resolver; None:
 * nothing. The pod's dnsConfig is then added: nameservers and searches appended, options by name.
 */
export function dnsConfig(pod: Pod, settings: SandboxSettings): DNSConfig | undefined {
  const policy = pod.spec?.dnsPolicy ?? 'ClusterFirst';
  const namespace = pod.metadata?.namespace ?? 'default';
  const host = settings.hostDNS;
  const extra = pod.spec?.dnsConfig;
  let config: DNSConfig | undefined;
  const clusterFirst = policy === 'ClusterFirstWithHostNet' || (policy === 'ClusterFirst' && !pod.spec?.hostNetwork);
  if (clusterFirst && settings.clusterDNS.length > 0) {
    const domain = settings.clusterDomain;
    config = { servers: [...settings.clusterDNS], searches: [...new Set([`${namespace}.svc.${domain}`, `svc.${domain}`, domain, ...(host?.searches ?? [])])], options: ['ndots:5'] };
  } else if (policy === 'None') {
    config = { servers: [], searches: [], options: [] };
  } else if (extra) {
    config = { servers: [...(host?.nameservers ?? [])], searches: [...(host?.searches ?? [])], options: [...(host?.options ?? [])] };
  }
  if (extra) {
    config ??= { servers: [], searches: [], options: [] };
    config.servers = [...new Set([...(config.servers ?? []), ...(extra.nameservers ?? [])])];
    config.searches = [...new Set([...(config.searches ?? []), ...(extra.searches ?? [])])];
    const options = new Map<string, string>();
    for (const option of config.options ?? []) options.set(option.split(':')[0]!, option);
    for (const option of extra.options ?? []) options.set(option.name ?? '', option.value !== undefined ? `${option.name}:${option.value}` : (option.name ?? ''));
    config.options = [...options.values()].filter(Boolean);
  }
  return config;
}

function portMappings(pod: Pod): PortMapping[] {
  const out: PortMapping[] = [];
  for (const container of pod.spec?.containers ?? []) {
    for (const port of container.ports ?? []) {
      if (!port.hostPort) continue;
      out.push({ protocol: (port.protocol ?? 'TCP') as Protocol, containerPort: port.containerPort, hostPort: port.hostPort, hostIp: port.hostIP ?? '' });
    }
  }
  return out;
}

export function sandboxConfig(pod: Pod, attempt: number, settings: SandboxSettings): PodSandboxConfig {
  const name = pod.metadata?.name ?? '';
  const namespace = pod.metadata?.namespace ?? '';
  const uid = pod.metadata?.uid ?? '';
  const spec = pod.spec;
  const security = spec?.securityContext;
  const namespaces = {
    network: (spec?.hostNetwork ? 'NODE' : 'POD') as NamespaceMode,
    pid: (spec?.hostPID ? 'NODE' : spec?.shareProcessNamespace ? 'POD' : 'CONTAINER') as NamespaceMode,
    ipc: (spec?.hostIPC ? 'NODE' : 'POD') as NamespaceMode,
  };
  const dns = dnsConfig(pod, settings);
  return {
    metadata: { name, namespace, uid, attempt },
    hostname: hostname(pod, settings),
    logDirectory: podLogDirectory(settings.podLogDir, namespace, name, uid),
    ...(dns ? { dnsConfig: dns } : {}),
    portMappings: portMappings(pod),
    labels: { ...(pod.metadata?.labels ?? {}), [POD_NAME_LABEL]: name, [POD_NAMESPACE_LABEL]: namespace, [POD_UID_LABEL]: uid },
    annotations: {
      ...(pod.metadata?.annotations ?? {}),
      ...(spec?.terminationGracePeriodSeconds !== undefined ? { [POD_TERMINATION_GRACE_PERIOD_ANNOTATION]: String(spec.terminationGracePeriodSeconds) } : {}),
    },
    linux: {
      cgroupParent: podCgroupParent(settings.cgroupRoot, pod),
      securityContext: {
        namespaceOptions: namespaces,
        ...(security?.runAsUser !== undefined ? { runAsUser: { value: security.runAsUser } } : {}),
        ...(security?.runAsGroup !== undefined ? { runAsGroup: { value: security.runAsGroup } } : {}),
        ...(security?.supplementalGroups ? { supplementalGroups: [...security.supplementalGroups] } : {}),
      },
      sysctls: Object.fromEntries((security?.sysctls ?? []).map((s) => [s.name, s.value])),
    },
  };
}
