// The scheduling loop's SchedulingProfile over one lib/sched Framework (one profile of the
// KubeSchedulerConfiguration).
import { codeName, CycleState, Code, type Framework, type FindNodesResult, type Status } from '../../lib/sched/framework/index.js';
import { fitErrorMessage } from '../../lib/sched/fit-error.js';
import type { PodInfo, Snapshot } from '../../lib/sched/types.js';
import type { FindNodesOutcome, PluginVerdict, PostFilterOutcome, SchedulingProfile } from './profile.js';

function verdict(status: Status): PluginVerdict {
  return { code: codeName(status.code) as PluginVerdict['code'], reasons: [...status.reasons], plugin: status.plugin || undefined };
}

function failure(status: Status): Error {
  return status.error ?? new Error(status.reasons.join(', ') || codeName(status.code));
}

export class FrameworkSchedulingProfile implements SchedulingProfile {
  constructor(readonly framework: Framework) {}

  get schedulerName(): string {
    return this.framework.profileName;
  }

  findNodes(podInfo: PodInfo, snapshot: Snapshot, options: { explain: boolean }): FindNodesOutcome {
    const result = this.framework.findNodes(podInfo, snapshot, new CycleState(), { wantPluginScores: options.explain, alwaysScore: options.explain });
    if (result.status.code === Code.Error) throw failure(result.status);
    const nodeToStatus = new Map<string, PluginVerdict>();
    for (const [node, status] of result.diagnosis.nodeToStatus) nodeToStatus.set(node, verdict(status));
    return {
      feasible: result.feasible.map((n) => ({
        name: n.name,
        score: n.score,
        ...(n.pluginScores ? { pluginScores: Object.fromEntries(n.pluginScores.map((p) => [p.name, p.score])) } : {}),
      })),
      nodeToStatus,
      unschedulablePlugins: result.diagnosis.unschedulablePlugins,
      evaluatedNodes: result.evaluatedNodes,
      feasibleNodes: result.feasibleNodes,
      cycle: result,
    };
  }

  reserve(cycle: unknown, podInfo: PodInfo, nodeName: string): string | undefined {
    const status = this.framework.runReservePluginsReserve((cycle as FindNodesResult).state, podInfo, nodeName);
    return status.code === Code.Success ? undefined : status.reasons.join(', ');
  }

  unreserve(cycle: unknown, podInfo: PodInfo, nodeName: string): void {
    this.framework.runReservePluginsUnreserve((cycle as FindNodesResult).state, podInfo, nodeName);
  }

  async permitAndBind(cycle: unknown, podInfo: PodInfo, nodeName: string): Promise<void> {
    const state = (cycle as FindNodesResult).state;
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

  postBind(cycle: unknown, podInfo: PodInfo, nodeName: string): void {
    this.framework.runPostBindPlugins((cycle as FindNodesResult).state, podInfo, nodeName);
  }

  async postFilter(cycle: unknown, podInfo: PodInfo, _snapshot: Snapshot, _outcome: FindNodesOutcome): Promise<PostFilterOutcome | undefined> {
    if (!this.framework.hasPostFilterPlugins()) return undefined;
    const result = cycle as FindNodesResult;
    const post = await this.framework.runPostFilterPlugins(result.state, podInfo, result.diagnosis.nodeToStatus);
    const outcome: PostFilterOutcome = {};
    if (post.nominatedNodeName) outcome.nominatedNodeName = post.nominatedNodeName;
    const message = post.status?.reasons.join(', ');
    if (message) outcome.message = message;
    return outcome;
  }

  fitError(_podInfo: PodInfo, numAllNodes: number, outcome: FindNodesOutcome, postFilterMessage?: string): string {
    const result = outcome.cycle as FindNodesResult;
    if (postFilterMessage !== undefined) result.diagnosis.postFilterMsg = postFilterMessage;
    return fitErrorMessage(numAllNodes, result.diagnosis);
  }
}
