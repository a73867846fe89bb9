// rudder explain pod NAME: why the scheduler put a pod where it did (or nowhere), as
// kube-scheduler-simulator shows it: per node the filter verdict and each score plugin's score.
// The pod's scheduler.rudder.dev/explanation annotation (written when the pod asks with
// scheduler.rudder.dev/explain: "true") is used first; otherwise the running scheduler's
// /debug/explain endpoint, which keeps the last attempt of recent pods; it is asked with the
// kubeconfig's token, which the scheduler checks with the apiserver.
import type { Pod } from 'kubernetes-types/core/v1.js';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { findResource } from '../../lib/api/resources.js';
import { StatusError } from '../../lib/api/status.js';
import { adminCall } from '../../lib/client/admin.js';
import { loadKubeconfig } from '../../lib/client/kubeconfig.js';
import { RestClient } from '../../lib/client/rest-client.js';
import { EXPLANATION_ANNOTATION, type Explanation } from '../../services/scheduler/explanations.js';
import { kubeconfigPath, pkiDir } from '../cluster/components.js';
import { readState } from '../cluster/state.js';

const PODS = findResource('', 'v1', 'pods')!;

export interface ExplainOptions {
  dataDir: string;
  name: string;
  namespace: string;
  output: string;
}

async function fromScheduler(dataDir: string, token: string, namespace: string, name: string): Promise<Explanation | string> {
  const state = readState(dataDir);
  const scheduler = state?.components.find((c) => c.name === 'scheduler');
  if (!scheduler) return 'no scheduler is recorded for this cluster (is it running? see rudder status)';
  const caPem = readFileSync(join(pkiDir(dataDir), 'ca.crt'), 'utf8');
  try {
    const answer = await adminCall(scheduler.url, caPem, token, 'GET', `/debug/explain/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`);
    if (answer.status === 401) return `the scheduler did not accept the kubeconfig's credentials (it asks the apiserver about the token): ${answer.body}`;
    if (answer.status === 404) return `the scheduler has no recent attempt for pod ${namespace}/${name} (ask for one next time with the annotation scheduler.rudder.dev/explain: "true")`;
    if (answer.status !== 200) return `the scheduler answered ${answer.status}: ${answer.body}`;
    return JSON.parse(answer.body) as Explanation;
  } catch (error) {
    return `cannot reach the scheduler at ${scheduler.url}: ${(error as Error).message}`;
  }
}

export function explanationTable(explanation: Explanation): string {
  const plugins = [...new Set(explanation.nodes.flatMap((n) => Object.keys(n.scores ?? {})))].sort();
  const header = ['NODE', 'FILTER', ...plugins.map((p) => p.toUpperCase()), 'SCORE'];
  const rows = explanation.nodes.map((n) => [
    n.node + (n.node === explanation.selectedNode ? ' (selected)' : ''),
    n.verdict === 'Feasible' ? 'passed' : `${n.plugin ?? n.verdict}: ${(n.reasons ?? []).join(', ')}`,
    ...plugins.map((p) => (n.scores?.[p] === undefined ? '-' : String(n.scores[p]))),
    n.finalScore === undefined ? '-' : String(n.finalScore),
  ]);
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const lines = all.map((r) => r.map((cell, i) => cell.padEnd(widths[i]! + 3)).join('').trimEnd());
  const outcome = explanation.result === 'Scheduled' ? `scheduled to ${explanation.selectedNode}` : `${explanation.result}: ${explanation.message ?? ''}`;
  return [
    `Pod ${explanation.pod} (profile ${explanation.profile}) at ${explanation.time}: ${outcome}`,
    `${explanation.evaluatedNodes} node(s) evaluated, ${explanation.feasibleNodes} feasible`,
    '',
    ...lines,
    '',
  ].join('\n');
}

export async function explain(options: ExplainOptions): Promise<number> {
  const dataDir = resolve(options.dataDir);
  const kubeconfig = readState(dataDir)?.kubeconfig ?? kubeconfigPath(dataDir);
  const access = loadKubeconfig(kubeconfig);
  const client = new RestClient({ ...access, maxRetries: 2 });
  let pod: Pod;
  try {
    pod = await client.get<Pod>(PODS, { namespace: options.namespace, name: options.name });
  } catch (error) {
    process.stderr.write(`rudder: ${error instanceof StatusError ? error.message : `cannot read pod ${options.namespace}/${options.name}: ${(error as Error).message}`}\n`);
    return 1;
  } finally {
    await client.close();
  }
  const annotation = pod.metadata?.annotations?.[EXPLANATION_ANNOTATION];
  const explanation = annotation ? (JSON.parse(annotation) as Explanation) : await fromScheduler(dataDir, access.token ?? '', options.namespace, options.name);
  if (typeof explanation === 'string') {
    process.stderr.write(`rudder: ${explanation}\n`);
    return 1;
  }
  process.stdout.write(options.output === 'json' ? `${JSON.stringify(explanation, null, 2)}\n` : explanationTable(explanation));
  return 0;
}
