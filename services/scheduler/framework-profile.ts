// The scheduling loop's SchedulingProfile over one lib/sched Framework (one profile of the
// KubeSchedulerConfiguration).
import { codeName, CycleState, Code, type Framework, type FindNodesResult, type Status } from '../../lib/sched/framework/index.js';
import type { PodInfo, Snapshot } from '../../lib/sched/types.js';
import type { Binder } from './binder.js';
import type { FindNodesOutcome, PluginVerdict, PostFilterOutcome, SchedulingProfile } from './profile.js';

function verdict(status: Status): PluginVerdict {
  return { code: codeName(status.code) as PluginVerdict['code'], reasons: [...status.reasons], plugin: status.plugin || undefined };
}

function failure(status: Status): Error {
  return status.error ?? new Error(status.reasons.join(', ') || codeName(status.code));
}

export class FrameworkSchedulingProfile implements SchedulingProfile {
  constructor(
    readonly framework: Framework,
    private readonly binder: Binder,
  ) {}

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
    // No bind plugin took it (DefaultBinder not enabled): bind through the API as DefaultBinder does.
    if (bind.code === Code.Skip) await this.binder.bind(podInfo.pod, nodeName);
    else if (bind.code !== Code.Success) throw failure(bind);
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
    return fitErrorText(numAllNodes, result.diagnosis.nodeToStatus, result.diagnosis.preFilterMsg, result.diagnosis.postFilterMsg);
  }
}

/** kube-scheduler's FitError text: "0/N nodes are available: " + reasons counted over nodes, sorted. */
function fitErrorText(numAllNodes: number, nodeToStatus: ReadonlyMap<string, Status>, preFilterMsg: string, postFilterMsg: string): string {
  let text = `0/${numAllNodes} nodes are available`;
  if (preFilterMsg) text += `: ${preFilterMsg}.`;
  else {
    const counts = new Map<string, number>();
    for (const status of nodeToStatus.values()) for (const reason of status.reasons) counts.set(reason, (counts.get(reason) ?? 0) + 1);
    const reasons = [...counts].map(([reason, n]) => `${n} ${reason}`).sort();
    text += reasons.length > 0 ? `: ${reasons.join(', ')}.` : '.';
  }
  if (postFilterMsg) text += ` ${postFilterMsg}`;
  return text;
}
