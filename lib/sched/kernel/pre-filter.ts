// NodeAffinity's PreFilter verdict when it runs natively: required terms that each name nodes
// through metadata.name In, but no node at all, reject the pod up front.
import { Code, Status } from '../framework/status.js';
import type { PodInfo } from '../types.js';

const CONFLICT = 'pod affinity terms conflict';

export function nodeAffinityPreFilter(podInfo: PodInfo): Status | undefined {
  const terms = podInfo.pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (!terms || terms.length === 0) return undefined;
  const names = new Set<string>();
  for (const term of terms) {
    let termNames: Set<string> | undefined;
    for (const r of term.matchFields ?? []) {
      if (r.key !== 'metadata.name' || r.operator !== 'In') continue;
      const values = new Set(r.values ?? []);
      termNames = termNames ? new Set([...termNames].filter((n) => values.has(n))) : values;
    }
    if (!termNames) return undefined;
    for (const n of termNames) names.add(n);
  }
  return names.size === 0 ? new Status(Code.UnschedulableAndUnresolvable, [CONFLICT], 'NodeAffinity') : undefined;
}
