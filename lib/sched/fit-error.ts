// The FailedScheduling message, worded as kube-scheduler's FitError.Error():
// "0/N nodes are available: <PreFilter message | sorted "count reason" list>." followed by
// " <PostFilter message>." when PostFilter (preemption) ran.
import type { Status } from './framework/status.js';

export interface FitDiagnosis {
  readonly nodeToStatus: ReadonlyMap<string, Status>;
  readonly preFilterMsg?: string;
  readonly postFilterMsg?: string;
}

export const NO_NODE_AVAILABLE = (n: number): string => `0/${n} nodes are available`;

/** "3 Insufficient memory", ... sorted as Go's sort.Strings sorts them (byte order). */
export function sortedReasonHistogram(nodeToStatus: ReadonlyMap<string, Status>): string[] {
  const counts = new Map<string, number>();
  for (const status of nodeToStatus.values()) {
    for (const reason of status.reasons) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  const out: string[] = [];
  for (const [reason, count] of counts) out.push(`${count} ${reason}`);
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export function fitErrorMessage(numAllNodes: number, diagnosis: FitDiagnosis): string {
  let msg = `${NO_NODE_AVAILABLE(numAllNodes)}:`;
  const preFilterMsg = diagnosis.preFilterMsg ?? '';
  if (preFilterMsg !== '') {
    msg += ` ${preFilterMsg}.`;
  } else {
    const reasons = sortedReasonHistogram(diagnosis.nodeToStatus);
    if (reasons.length > 0) msg += ` ${reasons.join(', ')}.`;
  }
  const postFilterMsg = diagnosis.postFilterMsg ?? '';
  if (postFilterMsg !== '') msg += ` ${postFilterMsg}.`;
  return msg;
}

/**
 * The message DefaultPreemption reports when no candidate exists: "preemption: " + the fit
 * message over the preemption verdicts. It becomes the FitError's postFilterMsg, which is
 * why Kubernetes' events end in "..".
 */
export function preemptionMessage(numAllNodes: number, nodeToStatus: ReadonlyMap<string, Status>): string {
  return `preemption: ${fitErrorMessage(numAllNodes, { nodeToStatus })}`;
}
