// What simulated containers do, as data (KWOK's stages): each stage names the pods it applies to
// and a delay; for each kind of step a pod takes the first stage that selects it, in file order.
//   start  created -> running          ready  running -> ready
//   exit   running -> exited(exitCode) stop   asked to stop -> exited (never beyond the grace period)
// The defaults are KWOK's: every pod starts and becomes ready at once; pods owned by a Job
// complete (exit 0); nothing else ever exits on its own.
import { readFileSync } from 'node:fs';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { parse as parseYaml } from 'yaml';
import { parseDuration } from '../../../../lib/config/duration.js';

export const STAGE_STEPS = ['start', 'ready', 'exit', 'stop'] as const;
export type StageStep = (typeof STAGE_STEPS)[number];

export interface StageSelector {
  /** Kinds of the pod's controller owner (e.g. Job); any owner kind when absent. */
  ownerKinds?: string[];
  /** Labels the pod must carry with these values. */
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface Stage {
  name: string;
  step: StageStep;
  selector: StageSelector;
  delayMs: number;
  /** A uniformly random extra delay up to this. */
  jitterMs: number;
  /** For exit stages: the containers' exit code (0: Completed, otherwise Error). */
  exitCode: number;
}

export const DEFAULT_STAGES: readonly Stage[] = [
  { name: 'pod-start', step: 'start', selector: {}, delayMs: 0, jitterMs: 0, exitCode: 0 },
  { name: 'pod-ready', step: 'ready', selector: {}, delayMs: 0, jitterMs: 0, exitCode: 0 },
  { name: 'job-complete', step: 'exit', selector: { ownerKinds: ['Job'] }, delayMs: 0, jitterMs: 0, exitCode: 0 },
  { name: 'pod-stop', step: 'stop', selector: {}, delayMs: 0, jitterMs: 0, exitCode: 0 },
];

function stringMap(value: unknown, where: string): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${where}: expected a map of strings`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw new Error(`${where}.${k}: expected a string`);
    out[k] = v;
  }
  return out;
}

function duration(value: unknown, where: string): number {
  if (value === undefined) return 0;
  if (typeof value !== 'string') throw new Error(`${where}: expected a duration such as "2s"`);
  try {
    return parseDuration(value);
  } catch (error) {
    throw new Error(`${where}: ${(error as Error).message}`);
  }
}

/** Reads stages from parsed YAML ({stages: [...]}) and checks every field. */
export function parseStages(document: unknown): Stage[] {
  const list = (document as { stages?: unknown } | null)?.stages;
  if (!Array.isArray(list)) throw new Error('stages: expected a list under "stages"');
  return list.map((raw, i) => {
    const where = `stages[${i}]`;
    if (!raw || typeof raw !== 'object') throw new Error(`${where}: expected a mapping`);
    const entry = raw as Record<string, unknown>;
    const step = entry.step;
    if (typeof step !== 'string' || !(STAGE_STEPS as readonly string[]).includes(step)) throw new Error(`${where}.step: expected one of ${STAGE_STEPS.join(', ')}`);
    const selectorRaw = (entry.selector ?? {}) as Record<string, unknown>;
    const ownerKinds = selectorRaw.ownerKinds;
    if (ownerKinds !== undefined && (!Array.isArray(ownerKinds) || ownerKinds.some((k) => typeof k !== 'string'))) throw new Error(`${where}.selector.ownerKinds: expected a list of kinds`);
    const selector: StageSelector = {};
    if (ownerKinds) selector.ownerKinds = ownerKinds as string[];
    const labels = stringMap(selectorRaw.labels, `${where}.selector.labels`);
    if (labels) selector.labels = labels;
    const annotations = stringMap(selectorRaw.annotations, `${where}.selector.annotations`);
    if (annotations) selector.annotations = annotations;
    const exitCode = entry.exitCode ?? 0;
    if (typeof exitCode !== 'number' || !Number.isInteger(exitCode) || exitCode < 0 || exitCode > 255) throw new Error(`${where}.exitCode: expected an integer 0-255`);
    return {
      name: typeof entry.name === 'string' ? entry.name : `${step}-${i}`,
      step: step as StageStep,
      selector,
      delayMs: duration(entry.delay, `${where}.delay`),
      jitterMs: duration(entry.jitter, `${where}.jitter`),
      exitCode,
    };
  });
}

export function loadStages(path: string): Stage[] {
  return parseStages(parseYaml(readFileSync(path, 'utf8')));
}

function mapMatches(required: Record<string, string> | undefined, actual: Record<string, string> | undefined): boolean {
  if (!required) return true;
  for (const [k, v] of Object.entries(required)) if (actual?.[k] !== v) return false;
  return true;
}

export function stageSelects(selector: StageSelector, pod: Pod): boolean {
  if (selector.ownerKinds) {
    const owner = pod.metadata?.ownerReferences?.find((o) => o.controller) ?? pod.metadata?.ownerReferences?.[0];
    if (!owner || !selector.ownerKinds.includes(owner.kind)) return false;
  }
  return mapMatches(selector.labels, pod.metadata?.labels) && mapMatches(selector.annotations, pod.metadata?.annotations);
}

/** The pod's stage for each step (undefined: the step never happens on its own). */
export type PodStages = Partial<Record<StageStep, Stage>>;

export function stagesFor(stages: readonly Stage[], pod: Pod): PodStages {
  const chosen: PodStages = {};
  for (const stage of stages) if (!chosen[stage.step] && stageSelects(stage.selector, pod)) chosen[stage.step] = stage;
  return chosen;
}

/** The stage's delay with its jitter drawn. */
export function stageDelay(stage: Stage, random: () => number): number {
  return stage.delayMs + (stage.jitterMs > 0 ? random() * stage.jitterMs : 0);
}
