// Validation of a defaulted KubeSchedulerConfiguration; messages name the field as
// Kubernetes' field errors do ("profiles[1].schedulerName: Duplicate value: ...").
import { EXTENSION_POINTS } from '../framework/extension-points.js';
import { API_VERSION, KIND, type KubeSchedulerConfiguration } from './types.js';

export function validateConfiguration(cfg: KubeSchedulerConfiguration): string[] {
  const errs: string[] = [];
  const q = (v: unknown): string => JSON.stringify(v);
  if (cfg.apiVersion !== API_VERSION) errs.push(`apiVersion: Unsupported value: ${q(cfg.apiVersion)}: supported values: "${API_VERSION}"`);
  if (cfg.kind !== KIND) errs.push(`kind: Unsupported value: ${q(cfg.kind)}: supported values: "${KIND}"`);
  if (!Number.isInteger(cfg.parallelism) || cfg.parallelism <= 0) errs.push(`parallelism: Invalid value: ${q(cfg.parallelism)}: should be an integer value greater than zero`);
  const checkPercentage = (path: string, v: unknown): void => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 100) errs.push(`${path}: Invalid value: ${q(v)}: not in valid range [0-100]`);
  };
  checkPercentage('percentageOfNodesToScore', cfg.percentageOfNodesToScore);
  if (typeof cfg.podInitialBackoffSeconds !== 'number' || cfg.podInitialBackoffSeconds <= 0) {
    errs.push(`podInitialBackoffSeconds: Invalid value: ${q(cfg.podInitialBackoffSeconds)}: must be greater than 0`);
  }
  if (typeof cfg.podMaxBackoffSeconds !== 'number' || cfg.podMaxBackoffSeconds < cfg.podInitialBackoffSeconds) {
    errs.push(`podMaxBackoffSeconds: Invalid value: ${q(cfg.podMaxBackoffSeconds)}: must be greater than or equal to PodInitialBackoffSeconds`);
  }
  const names = new Set<string>();
  let queueSort: string | undefined;
  cfg.profiles.forEach((p, i) => {
    const path = `profiles[${i}]`;
    if (typeof p.schedulerName !== 'string' || p.schedulerName === '') errs.push(`${path}.schedulerName: Required value`);
    else if (names.has(p.schedulerName)) errs.push(`${path}.schedulerName: Duplicate value: ${q(p.schedulerName)}`);
    else names.add(p.schedulerName);
    if (p.percentageOfNodesToScore !== undefined) checkPercentage(`${path}.percentageOfNodesToScore`, p.percentageOfNodesToScore);
    const plugins = p.plugins ?? {};
    for (const point of [...EXTENSION_POINTS, 'multiPoint'] as const) {
      const set = plugins[point];
      if (set === undefined) continue;
      for (const [kind, list] of [
        ['enabled', set.enabled],
        ['disabled', set.disabled],
      ] as const) {
        if (list === undefined) continue;
        if (!Array.isArray(list)) {
          errs.push(`${path}.plugins.${point}.${kind}: Invalid value: must be a list`);
          continue;
        }
        list.forEach((e, j) => {
          if (!e || typeof e.name !== 'string' || e.name === '') errs.push(`${path}.plugins.${point}.${kind}[${j}].name: Required value`);
          if (e && e.weight !== undefined && (typeof e.weight !== 'number' || !Number.isInteger(e.weight) || e.weight < 0 || e.weight > 100)) {
            errs.push(`${path}.plugins.${point}.${kind}[${j}].weight: Invalid value: ${q(e.weight)}: must be in range [0, 100]`);
          }
        });
      }
    }
    const configured = new Set<string>();
    (p.pluginConfig ?? []).forEach((c, j) => {
      if (!c || typeof c.name !== 'string' || c.name === '') errs.push(`${path}.pluginConfig[${j}].name: Required value`);
      else if (configured.has(c.name)) errs.push(`${path}.pluginConfig[${j}]: Duplicate value: ${q(c.name)}`);
      else configured.add(c.name);
    });
    // All profiles must share one queue sort plugin: there is one queue.
    const qs = queueSortOf(p.plugins ?? {});
    if (queueSort === undefined) queueSort = qs;
    else if (qs !== queueSort) errs.push(`${path}.plugins.queueSort: Invalid value: ${q(qs)}: queueSort must be the same for all profiles`);
  });
  return errs;
}

function queueSortOf(plugins: NonNullable<KubeSchedulerConfiguration['profiles'][number]['plugins']>): string {
  const explicit = plugins.queueSort?.enabled?.[0]?.name;
  if (explicit) return explicit;
  const disabled = new Set((plugins.queueSort?.disabled ?? []).map((d) => d.name));
  if (disabled.has('*')) return '';
  return (plugins.multiPoint?.enabled ?? []).find((e) => e.name === 'PrioritySort' && !disabled.has(e.name))?.name ?? '';
}
