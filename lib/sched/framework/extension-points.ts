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
  /** Plugins enabled explicitly at each extension point, in order. */
  readonly plugins: Readonly<Record<ExtensionPoint, readonly EnabledPlugin[]>>;
  /** Plugins enabled at every extension point they implement (multiPoint). */
  readonly multiPoint?: readonly EnabledPlugin[];
  /** Per extension point, plugins ("*" = all multiPoint ones) not to expand there. */
  readonly disabled?: Readonly<Partial<Record<ExtensionPoint, readonly string[]>>>;
  /** Args by plugin name. */
  readonly pluginConfig: Readonly<Record<string, unknown>>;
}

export function emptyPlugins(): Record<ExtensionPoint, EnabledPlugin[]> {
  const p = {} as Record<ExtensionPoint, EnabledPlugin[]>;
  for (const e of EXTENSION_POINTS) p[e] = [];
  return p;
}

/**
 * expandMultiPointPlugins: per extension point, the plugins in this order: multiPoint plugins
 * also enabled explicitly there (explicit entry wins, in explicit order), then the other
 * multiPoint plugins that implement the point and are not disabled there, then the rest of
 * the explicit ones. A plugin in multiPoint twice is an error.
 */
export function expandProfile(
  profile: FrameworkProfile,
  implementsPoint: (pluginName: string, point: ExtensionPoint) => boolean,
): Record<ExtensionPoint, EnabledPlugin[]> {
  const out = emptyPlugins();
  const multi = profile.multiPoint ?? [];
  for (const point of EXTENSION_POINTS) {
    const explicit = profile.plugins[point];
    const explicitNames = new Set(explicit.map((e) => e.name));
    const disabled = new Set(profile.disabled?.[point] ?? []);
    if (disabled.has('*') || multi.length === 0) {
      out[point] = explicit.slice();
      continue;
    }
    const overrides = new Set<string>();
    const fromMulti: EnabledPlugin[] = [];
    const seen = new Set<string>();
    for (const e of multi) {
      if (!implementsPoint(e.name, point)) continue;
      if (disabled.has(e.name)) continue;
      if (explicitNames.has(e.name)) {
        overrides.add(e.name);
        continue;
      }
      if (seen.has(e.name)) throw new Error(`plugin ${JSON.stringify(e.name)} already registered as "${point}" (profile ${profile.schedulerName})`);
      seen.add(e.name);
      fromMulti.push(e);
    }
    out[point] = [...explicit.filter((e) => overrides.has(e.name)), ...fromMulti, ...explicit.filter((e) => !overrides.has(e.name))];
  }
  // A multiPoint weight applies unless the score extension point set one explicitly.
  const multiWeight = new Map(multi.map((e) => [e.name, e.weight]));
  out.score = out.score.map((e) => ({ name: e.name, weight: e.weight || multiWeight.get(e.name) || 1 }));
  return out;
}
