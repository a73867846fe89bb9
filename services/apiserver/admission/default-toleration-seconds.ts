// DefaultTolerationSeconds admission (plugin/pkg/admission/defaulttolerationseconds): a new pod that
// does not tolerate the not-ready and unreachable NoExecute taints gets tolerations for them with
// 300 seconds, so the pods of a failed node are evicted five minutes after the node fails.
import { isPlainObject } from '../../../lib/api/object.js';
import type { AdmissionPlugin } from './plugin.js';

export const DEFAULT_TOLERATION_SECONDS = 300;
const TAINTS = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'];

function unset(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

/** Adds the missing tolerations to a pod spec (a toleration without key or effect covers them). */
export function addDefaultTolerations(spec: Record<string, unknown>): void {
  if (spec.tolerations !== undefined && spec.tolerations !== null && !Array.isArray(spec.tolerations)) return;
  const existing = ((spec.tolerations as unknown[] | undefined) ?? []).filter(isPlainObject);
  const tolerates = (key: string): boolean => existing.some((t) => (t.key === key || unset(t.key)) && (t.effect === 'NoExecute' || unset(t.effect)));
  const added = TAINTS.filter((key) => !tolerates(key)).map((key) => ({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: DEFAULT_TOLERATION_SECONDS }));
  if (added.length === 0) return;
  spec.tolerations = [...((spec.tolerations as unknown[] | undefined) ?? []), ...added];
}

export function defaultTolerationSeconds(): AdmissionPlugin {
  return {
    name: 'DefaultTolerationSeconds',
    admit({ info, operation, subresource, object }) {
      if (operation !== 'CREATE' || subresource !== undefined || info.group !== '' || info.resource !== 'pods' || !object) return;
      if (isPlainObject(object.spec)) addDefaultTolerations(object.spec);
    },
  };
}
