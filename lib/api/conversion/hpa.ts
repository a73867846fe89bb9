// autoscaling/v1 and autoscaling/v2 HorizontalPodAutoscalers are one object in two shapes
// (Kubernetes stores v2 and converts: pkg/apis/autoscaling/v1/conversion.go). v1 can say only
// "target this CPU utilization"; what else a v2 object holds (other metrics, their current values,
// conditions, behavior) travels through v1 in annotations, so a v1 client that reads, edits and
// writes an object back keeps it.
import { isPlainObject, type KubeObject } from '../object.js';

type Rec = Record<string, unknown>;

export const METRICS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/metrics';
export const CURRENT_METRICS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/current-metrics';
export const CONDITIONS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/conditions';
export const BEHAVIOR_ANNOTATION = 'autoscaling.alpha.kubernetes.io/behavior';
const TOLERANCE_ANNOTATIONS = ['autoscaling.alpha.kubernetes.io/scale-down-tolerance', 'autoscaling.alpha.kubernetes.io/scale-up-tolerance'];
const ROUND_TRIP = [METRICS_ANNOTATION, CURRENT_METRICS_ANNOTATION, CONDITIONS_ANNOTATION, BEHAVIOR_ANNOTATION, ...TOLERANCE_ANNOTATIONS];

/** v1 without a CPU target and without other metrics means this one (autoscaling.DefaultCPUUtilization). */
const DEFAULT_CPU_UTILIZATION = 80;

function rec(value: unknown): Rec | undefined {
  return isPlainObject(value) ? value : undefined;
}

/** Copies the keys of `from` whose values are set, in the order given (Go's field order). */
function pick(keys: readonly (readonly [string, unknown])[]): Rec {
  const out: Rec = {};
  for (const [key, value] of keys) if (value !== undefined && value !== null) out[key] = value;
  return out;
}

function cpuUtilizationMetric(utilization: unknown): Rec {
  return { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: utilization } } };
}

function isCpuUtilizationTarget(metric: Rec): boolean {
  const resource = rec(metric.resource);
  return metric.type === 'Resource' && resource?.name === 'cpu' && typeof rec(resource.target)?.averageUtilization === 'number';
}

function identifier(name: unknown, selector: unknown): Rec {
  return pick([
    ['name', name],
    ['selector', selector],
  ]);
}

// --- metric specs ---

function v2MetricToV1(metric: Rec): Rec {
  const out: Rec = { type: metric.type };
  const object = rec(metric.object);
  if (object) {
    const target = rec(object.target) ?? {};
    const id = rec(object.metric) ?? {};
    out.object = pick([
      ['target', object.describedObject ?? {}],
      ['metricName', id.name ?? ''],
      ['targetValue', target.value ?? '0'],
      ['selector', id.selector],
      ['averageValue', target.averageValue],
    ]);
  }
  const pods = rec(metric.pods);
  if (pods) {
    const id = rec(pods.metric) ?? {};
    out.pods = pick([
      ['metricName', id.name ?? ''],
      ['targetAverageValue', rec(pods.target)?.averageValue ?? '0'],
      ['selector', id.selector],
    ]);
  }
  const resource = rec(metric.resource);
  if (resource) {
    const target = rec(resource.target) ?? {};
    out.resource = pick([
      ['name', resource.name],
      ['targetAverageUtilization', target.averageUtilization],
      ['targetAverageValue', target.averageValue],
    ]);
  }
  const container = rec(metric.containerResource);
  if (container) {
    const target = rec(container.target) ?? {};
    out.containerResource = pick([
      ['name', container.name],
      ['targetAverageUtilization', target.averageUtilization],
      ['targetAverageValue', target.averageValue],
      ['container', container.container],
    ]);
  }
  const external = rec(metric.external);
  if (external) {
    const target = rec(external.target) ?? {};
    const id = rec(external.metric) ?? {};
    out.external = pick([
      ['metricName', id.name ?? ''],
      ['metricSelector', id.selector],
      ['targetValue', target.value],
      ['targetAverageValue', target.averageValue],
    ]);
  }
  return out;
}

function v1MetricToV2(metric: Rec): Rec {
  const out: Rec = { type: metric.type };
  const object = rec(metric.object);
  if (object) {
    out.object = {
      describedObject: object.target ?? {},
      metric: identifier(object.metricName, object.selector),
      target: pick([
        ['type', object.averageValue === undefined || object.averageValue === null ? 'Value' : 'AverageValue'],
        ['value', object.targetValue],
        ['averageValue', object.averageValue],
      ]),
    };
  }
  const pods = rec(metric.pods);
  if (pods) {
    out.pods = { metric: identifier(pods.metricName, pods.selector), target: pick([['type', 'AverageValue'], ['averageValue', pods.targetAverageValue]]) };
  }
  for (const key of ['resource', 'containerResource'] as const) {
    const source = rec(metric[key]);
    if (!source) continue;
    const utilization = source.targetAverageUtilization;
    out[key] = pick([
      ['name', source.name],
      ['container', key === 'containerResource' ? source.container : undefined],
      [
        'target',
        pick([
          ['type', utilization === undefined || utilization === null ? 'AverageValue' : 'Utilization'],
          ['averageUtilization', utilization],
          ['averageValue', source.targetAverageValue],
        ]),
      ],
    ]);
  }
  const external = rec(metric.external);
  if (external) {
    out.external = {
      metric: identifier(external.metricName, external.metricSelector),
      target: pick([
        ['type', external.targetValue === undefined || external.targetValue === null ? 'AverageValue' : 'Value'],
        ['value', external.targetValue],
        ['averageValue', external.targetAverageValue],
      ]),
    };
  }
  return out;
}

// --- metric statuses ---

function v2StatusToV1(metric: Rec): Rec {
  const out: Rec = { type: metric.type };
  const object = rec(metric.object);
  if (object) {
    const current = rec(object.current) ?? {};
    const id = rec(object.metric) ?? {};
    out.object = pick([
      ['target', object.describedObject ?? {}],
      ['metricName', id.name ?? ''],
      ['currentValue', current.value ?? '0'],
      ['selector', id.selector],
      ['averageValue', current.averageValue],
    ]);
  }
  const pods = rec(metric.pods);
  if (pods) {
    const id = rec(pods.metric) ?? {};
    out.pods = pick([
      ['metricName', id.name ?? ''],
      ['currentAverageValue', rec(pods.current)?.averageValue ?? '0'],
      ['selector', id.selector],
    ]);
  }
  for (const key of ['resource', 'containerResource'] as const) {
    const source = rec(metric[key]);
    if (!source) continue;
    const current = rec(source.current) ?? {};
    out[key] = pick([
      ['name', source.name],
      ['currentAverageUtilization', current.averageUtilization],
      ['currentAverageValue', current.averageValue ?? '0'],
      ['container', key === 'containerResource' ? source.container : undefined],
    ]);
  }
  const external = rec(metric.external);
  if (external) {
    const current = rec(external.current) ?? {};
    const id = rec(external.metric) ?? {};
    out.external = pick([
      ['metricName', id.name ?? ''],
      ['metricSelector', id.selector],
      ['currentValue', current.value ?? '0'],
      ['currentAverageValue', current.averageValue],
    ]);
  }
  return out;
}

function v1StatusToV2(metric: Rec): Rec {
  const out: Rec = { type: metric.type };
  const object = rec(metric.object);
  if (object) {
    out.object = {
      metric: identifier(object.metricName, object.selector),
      current: pick([
        ['value', object.currentValue],
        ['averageValue', object.averageValue],
      ]),
      describedObject: object.target ?? {},
    };
  }
  const pods = rec(metric.pods);
  if (pods) out.pods = { metric: identifier(pods.metricName, pods.selector), current: pick([['averageValue', pods.currentAverageValue]]) };
  for (const key of ['resource', 'containerResource'] as const) {
    const source = rec(metric[key]);
    if (!source) continue;
    out[key] = pick([
      ['name', source.name],
      ['container', key === 'containerResource' ? source.container : undefined],
      [
        'current',
        pick([
          ['averageValue', source.currentAverageValue],
          ['averageUtilization', source.currentAverageUtilization],
        ]),
      ],
    ]);
  }
  const external = rec(metric.external);
  if (external) {
    out.external = {
      metric: identifier(external.metricName, external.metricSelector),
      current: pick([
        ['value', external.currentValue],
        ['averageValue', external.currentAverageValue],
      ]),
    };
  }
  return out;
}

// --- behavior: the annotation holds Kubernetes' internal type, whose JSON keys are Go's field names ---

function renameKeys(value: unknown, rename: (key: string) => string): unknown {
  if (Array.isArray(value)) return value.map((item) => renameKeys(item, rename));
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [rename(key), renameKeys(item, rename)]));
}

const toGoField = (key: string): string => key.charAt(0).toUpperCase() + key.slice(1);
const fromGoField = (key: string): string => key.charAt(0).toLowerCase() + key.slice(1);

function parseJson(text: unknown): unknown {
  if (typeof text !== 'string') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    // An annotation a client mangled is ignored, as Go's conversion ignores what it cannot parse.
    return undefined;
  }
}

function withoutRoundTrip(annotations: unknown): Record<string, string> | undefined {
  const all = rec(annotations);
  if (!all) return undefined;
  const kept = Object.fromEntries(Object.entries(all).filter(([key]) => !ROUND_TRIP.includes(key))) as Record<string, string>;
  return kept;
}

/** A stored autoscaling/v2 HorizontalPodAutoscaler as autoscaling/v1 shows it. */
export function hpaV2ToV1(hpa: KubeObject): KubeObject {
  const spec = rec(hpa.spec) ?? {};
  const status = rec(hpa.status);
  const metrics = Array.isArray(spec.metrics) ? spec.metrics.filter(isPlainObject) : [];
  const cpu = metrics.find(isCpuUtilizationTarget);
  const others = metrics.filter((m) => !isCpuUtilizationTarget(m));
  const annotations: Record<string, string> = { ...(withoutRoundTrip(hpa.metadata?.annotations) ?? {}) };
  if (others.length > 0) annotations[METRICS_ANNOTATION] = JSON.stringify(others.map(v2MetricToV1));
  const currentMetrics = Array.isArray(status?.currentMetrics) ? status.currentMetrics.filter(isPlainObject) : [];
  if (currentMetrics.length > 0) annotations[CURRENT_METRICS_ANNOTATION] = JSON.stringify(currentMetrics.map(v2StatusToV1));
  if (rec(spec.behavior)) annotations[BEHAVIOR_ANNOTATION] = JSON.stringify(renameKeys(spec.behavior, toGoField));
  const conditions = Array.isArray(status?.conditions) ? status.conditions : [];
  if (conditions.length > 0) annotations[CONDITIONS_ANNOTATION] = JSON.stringify(conditions);

  const { annotations: _dropped, ...metadata } = hpa.metadata ?? {};
  const out: KubeObject = { ...hpa, apiVersion: 'autoscaling/v1', metadata: Object.keys(annotations).length > 0 ? { ...metadata, annotations } : metadata };
  out.spec = pick([
    ['scaleTargetRef', spec.scaleTargetRef],
    ['minReplicas', spec.minReplicas],
    ['maxReplicas', spec.maxReplicas],
    ['targetCPUUtilizationPercentage', cpu ? rec(rec(cpu.resource)?.target)?.averageUtilization : undefined],
  ]);
  if (status) {
    const cpuNow = currentMetrics.find((m) => m.type === 'Resource' && rec(m.resource)?.name === 'cpu');
    out.status = pick([
      ['observedGeneration', status.observedGeneration],
      ['lastScaleTime', status.lastScaleTime],
      ['currentReplicas', status.currentReplicas ?? 0],
      ['desiredReplicas', status.desiredReplicas ?? 0],
      ['currentCPUUtilizationPercentage', rec(rec(cpuNow?.resource)?.current)?.averageUtilization],
    ]);
  }
  return out;
}

/** An autoscaling/v1 HorizontalPodAutoscaler as the autoscaling/v2 object it is stored as. */
export function hpaV1ToV2(hpa: KubeObject): KubeObject {
  const spec = rec(hpa.spec) ?? {};
  const status = rec(hpa.status);
  const annotations = rec(hpa.metadata?.annotations) ?? {};
  const metrics: Rec[] = [];
  const others = parseJson(annotations[METRICS_ANNOTATION]);
  if (Array.isArray(others)) metrics.push(...others.filter(isPlainObject).map(v1MetricToV2));
  if (typeof spec.targetCPUUtilizationPercentage === 'number') metrics.push(cpuUtilizationMetric(spec.targetCPUUtilizationPercentage));
  if (metrics.length === 0) metrics.push(cpuUtilizationMetric(DEFAULT_CPU_UTILIZATION));
  const behavior = renameKeys(parseJson(annotations[BEHAVIOR_ANNOTATION]), fromGoField);

  const kept = withoutRoundTrip(hpa.metadata?.annotations);
  const { annotations: _dropped, ...metadata } = hpa.metadata ?? {};
  const out: KubeObject = { ...hpa, apiVersion: 'autoscaling/v2', metadata: kept && Object.keys(kept).length > 0 ? { ...metadata, annotations: kept } : metadata };
  out.spec = pick([
    ['scaleTargetRef', spec.scaleTargetRef],
    ['minReplicas', spec.minReplicas],
    ['maxReplicas', spec.maxReplicas],
    ['metrics', metrics],
    ['behavior', isPlainObject(behavior) && Object.keys(behavior).length > 0 ? behavior : undefined],
  ]);
  if (status) {
    const current: Rec[] = [];
    const fromAnnotation = parseJson(annotations[CURRENT_METRICS_ANNOTATION]);
    if (Array.isArray(fromAnnotation)) current.push(...fromAnnotation.filter(isPlainObject).map(v1StatusToV2));
    else if (typeof status.currentCPUUtilizationPercentage === 'number') {
      current.push({ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: status.currentCPUUtilizationPercentage } } });
    }
    const conditions = parseJson(annotations[CONDITIONS_ANNOTATION]);
    out.status = pick([
      ['observedGeneration', status.observedGeneration],
      ['lastScaleTime', status.lastScaleTime],
      ['currentReplicas', status.currentReplicas],
      ['desiredReplicas', status.desiredReplicas ?? 0],
      ['currentMetrics', current.length > 0 ? current : undefined],
      ['conditions', Array.isArray(conditions) && conditions.length > 0 ? conditions : undefined],
    ]);
  }
  return out;
}
