// NodeAffinity: Filter applies spec.nodeSelector and required node affinity (plus the
// profile's addedAffinity); PreFilter narrows to nodes named by metadata.name matchFields;
// Score sums the weights of matching preferred terms, normalised so the best node gets 100.
import type { NodeAffinity as NodeAffinityObject } from 'kubernetes-types/core/v1.js';
import type {
  ClusterEvent,
  EnqueueExtensions,
  FilterPlugin,
  FrameworkHandle,
  PreFilterPlugin,
  PreScorePlugin,
  ScorePlugin,
} from '../framework/interfaces.js';
import { MAX_NODE_SCORE, PreFilterResult } from '../framework/interfaces.js';
import { Code, Status } from '../framework/status.js';
import type { NodeInfo } from '../node-info.js';
import { compileNodeSelector, compilePreferredTerms, nodeSelectorMatches, preferredScore, type CompiledTerm, type WeightedTerm } from '../node-selector.js';
import type { PodInfo } from '../types.js';
import { argsObject, PluginArgsError } from './helper/args.js';
import { defaultNormalizeScore } from './helper/normalize.js';

export const NAME = 'NodeAffinity';
export const ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector";
export const ERR_REASON_ENFORCED = "node(s) didn't match scheduler-enforced node affinity";
export const ERR_REASON_CONFLICT = 'pod affinity terms conflict';

const REJECT_POD = new Status(Code.UnschedulableAndUnresolvable, [ERR_REASON_POD], NAME);
const REJECT_ENFORCED = new Status(Code.UnschedulableAndUnresolvable, [ERR_REASON_ENFORCED], NAME);
const SKIP = new Status(Code.Skip, [], NAME);

export interface NodeAffinityArgs {
  addedAffinity?: NodeAffinityObject;
}

/** GetRequiredNodeAffinity(pod).Match: nodeSelector labels and the required terms. */
export function podMatchesNodeSelectorAndAffinity(podInfo: PodInfo, nodeInfo: NodeInfo): boolean {
  const labels = nodeInfo.labels;
  for (const key in podInfo.nodeSelector) if (labels[key] !== podInfo.nodeSelector[key]) return false;
  const required = podInfo.requiredNodeAffinity;
  return required === undefined || nodeSelectorMatches(required, labels, nodeInfo.name);
}

export function newNodeAffinity(rawArgs: unknown, _handle: FrameworkHandle): PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin & EnqueueExtensions {
  const o = argsObject(NAME, rawArgs);
  const added = o.addedAffinity as NodeAffinityObject | undefined;
  if (added !== undefined && (typeof added !== 'object' || added === null)) throw new PluginArgsError(`${NAME}: addedAffinity must be a NodeAffinity object`);
  const addedRequired: CompiledTerm[] | undefined = added?.requiredDuringSchedulingIgnoredDuringExecution
    ? compileNodeSelector(added.requiredDuringSchedulingIgnoredDuringExecution)
    : undefined;
  const addedPreferred: WeightedTerm[] | undefined = added?.preferredDuringSchedulingIgnoredDuringExecution
    ? compilePreferredTerms(added.preferredDuringSchedulingIgnoredDuringExecution)
    : undefined;

  return {
    name: NAME,
    preFilter(_state, podInfo) {
      const required = podInfo.pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
      const noNodeAffinity = required === undefined;
      if (noNodeAffinity && addedRequired === undefined && podInfo.pod.spec?.nodeSelector === undefined) return SKIP;
      if (noNodeAffinity || required.nodeSelectorTerms.length === 0) return null;
      let nodeNames: Set<string> | undefined;
      for (const term of required.nodeSelectorTerms) {
        let termNames: Set<string> | undefined;
        for (const r of term.matchFields ?? []) {
          if (r.key !== 'metadata.name' || r.operator !== 'In') continue;
          const values = new Set(r.values ?? []);
          termNames = termNames ? new Set([...termNames].filter((n) => values.has(n))) : values;
        }
        // A term without a metadata.name In requirement admits every node (terms are ORed).
        if (!termNames) return null;
        nodeNames = nodeNames ?? new Set();
        for (const n of termNames) nodeNames.add(n);
      }
      if (nodeNames && nodeNames.size === 0) return new Status(Code.UnschedulableAndUnresolvable, [ERR_REASON_CONFLICT], NAME);
      return nodeNames ? new PreFilterResult(nodeNames) : null;
    },
    filter(_state, podInfo, nodeInfo) {
      if (addedRequired && !nodeSelectorMatches(addedRequired, nodeInfo.labels, nodeInfo.name)) return REJECT_ENFORCED;
      return podMatchesNodeSelectorAndAffinity(podInfo, nodeInfo) ? null : REJECT_POD;
    },
    preScore(_state, podInfo) {
      if (podInfo.preferredNodeAffinity.length === 0 && addedPreferred === undefined) return SKIP;
      return null;
    },
    score(_state, podInfo, nodeInfo) {
      let count = 0;
      if (addedPreferred) count += preferredScore(addedPreferred, nodeInfo.labels, nodeInfo.name);
      if (podInfo.preferredNodeAffinity.length > 0) count += preferredScore(podInfo.preferredNodeAffinity, nodeInfo.labels, nodeInfo.name);
      return count;
    },
    normalizeScore(_state, _podInfo, scores) {
      defaultNormalizeScore(MAX_NODE_SCORE, false, scores);
      return null;
    },
    eventsToRegister: (): ClusterEvent[] => [{ resource: 'Node', actionType: ['Add', 'UpdateNodeLabel'] }],
  };
}
