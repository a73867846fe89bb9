// A resolved scheduling profile: which plugins run at each extension point, in order, with
// score weights and args. lib/sched/config builds these from KubeSchedulerConfiguration.

export const EXTENSION_POINTS = [
  'preEnqueue',
  'queueSort',
  'preFilter',
  'filter',
  'postFilter',
  'preScore',
  'score',
  'reserve',
  'permit',
  'preBind',
  'bind',
  'postBind',
] as const;
export type ExtensionPoint = (typeof EXTENSION_POINTS)[number];

export interface EnabledPlugin {
  readonly name: string;
  /** Score weight (score extension point only); defaults to 1. */
  readonly weight?: number;
}

export interface FrameworkProfile {
  readonly schedulerName: string;
  /** 0 or undefined: adaptive (numFeasibleNodesToFind). */
  readonly percentageOfNodesToScore?: number;
  readonly plugins: Readonly<Record<ExtensionPoint, readonly EnabledPlugin[]>>;
  /** Args by plugin name. */
  readonly pluginConfig: Readonly<Record<string, unknown>>;
}

export function emptyPlugins(): Record<ExtensionPoint, EnabledPlugin[]> {
  const p = {} as Record<ExtensionPoint, EnabledPlugin[]>;
  for (const e of EXTENSION_POINTS) p[e] = [];
  return p;
}
