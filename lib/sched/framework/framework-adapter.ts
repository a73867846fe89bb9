// The scheduling loop's SchedulingProfile over one lib/sched Framework (one profile of the
// KubeSchedulerConfiguration).
import { codeName, CycleState, Code, type Framework, type FindNodesResult, type Status } from './index.js';
import { fitErrorMessage } from '../fit-error.js';
import type { PodInfo, Snapshot } from '../types.js';
import type { FindNodesOptions, PostFilterOutcome, SchedulingProfile } from './scheduling-framework.js';

function failure(status: Status): Error {
  return status.error ?? new Error(status.reasons.join(', ') || codeName(status.code));
}

export class FrameworkSchedulingProfile implements SchedulingProfile {
  constructor(readonly framework: Framework) {}

  get schedulerName(): string {
    return this.framework.profileName;
  }

  findNodes(podInfo: PodInfo, snapshot: Snapshot, options: FindNodesOptions): FindNodesResult {
    const result = this.framework.findNodes(podInfo, snapshot, new CycleState(), { wantPluginScores: options.pluginScores, alwaysScore: options.alwaysScore });
    if (result.status.code === Code.Error) throw failure(result.status);
    return result;
  }

  reserve(state: CycleState, podInfo: PodInfo, nodeName: string): string | undefined {
    const status = this.framework.runReservePluginsReserve(state, podInfo, nodeName);
    return status.code === Code.Success ? undefined : status.reasons.join(', ');
  }

  unreserve(state: CycleState, podInfo: PodInfo, nodeName: string): void {
    this.framework.runReservePluginsUnreserve(state, podInfo, nodeName);
  }

  async permitAndBind(state: CycleState, podInfo: PodInfo, nodeName: string): Promise<void> {
    let permit = this.framework.runPermitPlugins(state, podInfo, nodeName);
    if (permit.code === Code.Wait) permit = await this.framework.waitOnPermit(podInfo);
    if (permit.code !== Code.Success) throw failure(permit);
    const preBind = await this.framework.runPreBindPlugins(state, podInfo, nodeName);
    if (preBind.code !== Code.Success) throw failure(preBind);
    const bind = await this.framework.runBindPlugins(state, podInfo, nodeName);
    // Every bind plugin skipped the pod: as in kube-scheduler, the binding cycle fails.
    if (bind.code === Code.Skip) throw new Error('no bind plugin bound the pod');
    if (bind.code !== Code.Success) throw failure(bind);
  }

  postBind(state: CycleState, podInfo: PodInfo, nodeName: string): void {
    this.framework.runPostBindPlugins(state, podInfo, nodeName);
  }

  async postFilter(attempt: FindNodesResult, podInfo: PodInfo): Promise<PostFilterOutcome | undefined> {
    if (!this.framework.hasPostFilterPlugins()) return undefined;
    const post = await this.framework.runPostFilterPlugins(attempt.state, podInfo, attempt.diagnosis.nodeToStatus);
    const outcome: PostFilterOutcome = {};
    if (post.nominatedNodeName) outcome.nominatedNodeName = post.nominatedNodeName;
    const message = post.status?.reasons.join(', ');
    if (message) outcome.message = message;
    return outcome;
  }

  fitError(attempt: FindNodesResult, numAllNodes: number, postFilterMessage?: string): string {
    if (postFilterMessage !== undefined) attempt.diagnosis.postFilterMsg = postFilterMessage;
    return fitErrorMessage(numAllNodes, attempt.diagnosis);
  }
}
