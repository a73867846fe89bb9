// The pod's /etc/hosts as the kubelet writes it (kubelet_pods.go managedHostsFileContent): the
// loopback and IPv6 names, the pod's own address with its hostname (fully qualified when the
// pod has a subdomain) and the pod's hostAliases. Host-network pods keep the node's file.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Pod } from 'kubernetes-types/core/v1.js';

export function etcHostsContent(pod: Pod, podIPs: readonly string[], clusterDomain: string): string {
  const hostname = (pod.spec?.hostname || pod.metadata?.name || '').slice(0, 63);
  const subdomain = pod.spec?.subdomain;
  const names = subdomain ? `${hostname}.${subdomain}.${pod.metadata?.namespace ?? ''}.svc.${clusterDomain}\t${hostname}` : hostname;
  const lines = [
    '# Kubernetes-managed hosts file.',
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'fe00::0\tip6-mcastprefix',
    'fe00::1\tip6-allnodes',
    'fe00::2\tip6-allrouters',
    ...podIPs.map((ip) => `${ip}\t${names}`),
  ];
  const aliases = pod.spec?.hostAliases ?? [];
  if (aliases.length > 0) {
    lines.push('', '# Entries added by HostAliases.');
    for (const alias of aliases) lines.push(`${alias.ip ?? ''}\t${(alias.hostnames ?? []).join('\t')}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Writes the file at `path` (the pod's <pod dir>/etc-hosts). */
export function writeEtcHosts(path: string, pod: Pod, podIPs: readonly string[], clusterDomain: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, etcHostsContent(pod, podIPs, clusterDomain), { mode: 0o644 });
}
