// The pod group an importer makes for a trace row: everything a trace does not say takes the
// workload's defaults (no labels, selectors, tolerations or affinity beyond what is given).
import type { PodGroup } from '../workload.js';

export type ImportedPods = Pick<PodGroup, 'name' | 'atMs' | 'durationMs' | 'cpu' | 'memory' | 'priority'> & Partial<PodGroup>;

export function podGroupOf(p: ImportedPods): PodGroup {
  return { count: 1, everyMs: 0, labels: {}, nodeSelector: {}, tolerations: [], affinity: undefined, ...p };
}
