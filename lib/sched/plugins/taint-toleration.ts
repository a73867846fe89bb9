// TaintToleration: Filter rejects nodes with an untolerated NoSchedule/NoExecute taint;
// Score counts untolerated PreferNoSchedule taints, normalised in reverse (fewer is better).
import type { Toleration } from 'kubernetes-types/core/v1.js';
import type { ClusterEvent, EnqueueExtensions, FilterPlugin, FrameworkHandle, PreScorePlugin, ScorePlugin } from '../framework/interfaces.js';
import { MAX_NODE_SCORE } from '../framework/interfaces.js';
import { Code, Status } from '../framework/status.js';
import { findUntoleratedTaint, taintToleratedBy } from '../taints.js';
import { defaultNormalizeScore } from './helper/normalize.js';

export const NAME = 'TaintToleration';
const PRE_SCORE_KEY = `PreScore${NAME}`;
/** Kubernetes 1.36 no longer names the taint in the reason. */
export const ERR_REASON_UNTOLERATED = 'node(s) had untolerated taint(s)';
const REJECT_TAINTED = new Status(Code.UnschedulableAndUnresolvable, [ERR_REASON_UNTOLERATED], NAME);

export function newTaintToleration(_args: unknown, _handle: FrameworkHandle): FilterPlugin & PreScorePlugin & ScorePlugin & EnqueueExtensions {
  const preferNoScheduleTolerations = (tolerations: readonly Toleration[]): Toleration[] =>
    tolerations.filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
  return {
    name: NAME,
    filter(_state, podInfo, nodeInfo) {
      if (nodeInfo.taints.length === 0) return null;
      const taint = findUntoleratedTaint(nodeInfo.taints, podInfo.tolerations, (t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');
      return taint ? REJECT_TAINTED : null;
    },
    preScore(state, podInfo) {
      state.write(PRE_SCORE_KEY, preferNoScheduleTolerations(podInfo.tolerations));
      return null;
    },
    score(state, podInfo, nodeInfo) {
      if (nodeInfo.taints.length === 0) return 0;
      const tolerations = state.read<Toleration[]>(PRE_SCORE_KEY) ?? preferNoScheduleTolerations(podInfo.tolerations);
      let count = 0;
      for (const taint of nodeInfo.taints) {
        if (taint.effect === 'PreferNoSchedule' && !taintToleratedBy(taint, tolerations)) count++;
      }
      return count;
    },
    normalizeScore(_state, _podInfo, scores) {
      defaultNormalizeScore(MAX_NODE_SCORE, true, scores);
      return null;
    },
    eventsToRegister: (): ClusterEvent[] => [{ resource: 'Node', actionType: ['Add', 'UpdateNodeTaint'] }],
  };
}
