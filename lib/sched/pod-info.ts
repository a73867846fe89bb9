// Builds a PodInfo from a Pod once, so plugins never re-parse a pod per node.
import type { Pod, PodAffinityTerm, WeightedPodAffinityTerm } from 'kubernetes-types/core/v1.js';
import type { LabelSelector as LabelSelectorObject } from 'kubernetes-types/meta/v1.js';
import { labelSelectorFromObject } from '../api/selectors/label-selector-object.js';
import { nothingSelector, type LabelSelector } from '../api/selectors/label-selector.js';
import { compileNodeSelector, compilePreferredTerms } from './node-selector.js';
import { podRequests } from './resources.js';
import type { AffinityTerm, HostPort, PodInfo, WeightedAffinityTerm } from './types.js';

function selectorOf(object: LabelSelectorObject | null | undefined): LabelSelector {
  try {
    return labelSelectorFromObject(object);
  } catch {
    return nothingSelector();
  }
}

function affinityTerm(namespace: string, term: PodAffinityTerm): AffinityTerm {
  const named = term.namespaces ?? [];
  const namespaces = new Set(named.length === 0 && !term.namespaceSelector ? [namespace] : named);
  return {
    namespaces,
    namespaceSelector: selectorOf(term.namespaceSelector),
    selector: selectorOf(term.labelSelector),
    topologyKey: term.topologyKey,
  };
}

function weightedTerms(namespace: string, terms: readonly WeightedPodAffinityTerm[] | undefined): WeightedAffinityTerm[] {
  return (terms ?? []).map((t) => ({ ...affinityTerm(namespace, t.podAffinityTerm), weight: t.weight }));
}

/** normalizedImageName in ImageLocality: an untagged, undigested image means ":latest". */
export function normalizedImageName(name: string): string {
  return name.lastIndexOf(':') <= name.lastIndexOf('/') ? `${name}:latest` : name;
}

export function podInfoFromPod(pod: Pod): PodInfo {
  const namespace = pod.metadata?.namespace ?? 'default';
  const name = pod.metadata?.name ?? '';
  const spec = pod.spec;
  const hostPorts: HostPort[] = [];
  const images: string[] = [];
  for (const list of [spec?.initContainers ?? [], spec?.containers ?? []]) {
    const init = list === spec?.initContainers;
    for (const c of list) {
      if (c.image) images.push(normalizedImageName(c.image));
      // GetHostPorts: an init container holds its ports only if it runs as long as the pod (a sidecar).
      if (init && c.restartPolicy !== 'Always') continue;
      for (const p of c.ports ?? []) {
        if (p.hostPort !== undefined && p.hostPort > 0) {
          hostPorts.push({ ip: p.hostIP || '0.0.0.0', protocol: p.protocol || 'TCP', port: p.hostPort });
        }
      }
    }
  }
  const affinity = spec?.affinity;
  const required = affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  const podAffinity = affinity?.podAffinity;
  const antiAffinity = affinity?.podAntiAffinity;
  return {
    pod,
    key: `${namespace}/${name}`,
    uid: pod.metadata?.uid ?? '',
    namespace,
    name,
    labels: pod.metadata?.labels ?? {},
    priority: spec?.priority ?? 0,
    requests: podRequests(pod),
    nonZeroRequests: podRequests(pod, true),
    hostPorts,
    tolerations: spec?.tolerations ?? [],
    nodeSelector: spec?.nodeSelector ?? {},
    requiredNodeAffinity: required ? compileNodeSelector(required) : undefined,
    preferredNodeAffinity: compilePreferredTerms(affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []),
    requiredAffinityTerms: (podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => affinityTerm(namespace, t)),
    requiredAntiAffinityTerms: (antiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => affinityTerm(namespace, t)),
    preferredAffinityTerms: weightedTerms(namespace, podAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
    preferredAntiAffinityTerms: weightedTerms(namespace, antiAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
    hasPodAffinity: podAffinity !== undefined || antiAffinity !== undefined,
    topologySpreadConstraints: spec?.topologySpreadConstraints ?? [],
    schedulingGates: (spec?.schedulingGates ?? []).map((g) => g.name),
    images,
    nodeName: spec?.nodeName ?? '',
  };
}
