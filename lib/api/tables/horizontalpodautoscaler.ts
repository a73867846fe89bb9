// HorizontalPodAutoscaler rows: the scale target, each metric as current/target (two at most, then
// "+ N more..."), the replica bounds and the current replicas. autoscaling/v1 objects print as the
// v2 objects they are stored as, as Kubernetes prints its internal version.
import type { HorizontalPodAutoscaler, MetricSpec, MetricStatus, MetricTarget, MetricValueStatus } from 'kubernetes-types/autoscaling/v2.js';
import { hpaV1ToV2 } from '../conversion/hpa.js';
import type { KubeObject } from '../object.js';
import { ageColumn, column, nameColumn } from './columns.js';
import { timestampSince } from './duration.js';
import type { Printer } from './types.js';

const SHOWN_METRICS = 2;

function quantity(value: unknown): string {
  return value === undefined || value === null ? '0' : String(value);
}

function utilizationOrValue(name: string, target: MetricTarget, current: MetricValueStatus | undefined, has: boolean): string {
  if (target.averageValue !== undefined && target.averageValue !== null) {
    return `${name}: ${has ? quantity(current?.averageValue) : '<unknown>'}/${quantity(target.averageValue)}`;
  }
  const now = has && current?.averageUtilization !== undefined ? `${current.averageUtilization}%` : '<unknown>';
  const wanted = target.averageUtilization !== undefined ? `${target.averageUtilization}%` : '<auto>';
  return `${name}: ${now}/${wanted}`;
}

function formatMetric(spec: MetricSpec, status: MetricStatus | undefined): string {
  switch (spec.type) {
    case 'External':
    case 'Object': {
      const source = spec.type === 'External' ? spec.external : spec.object;
      const current = spec.type === 'External' ? status?.external?.current : status?.object?.current;
      const present = spec.type === 'External' ? status?.external !== undefined : status?.object !== undefined;
      const target = source?.target;
      if (target?.averageValue !== undefined && target.averageValue !== null) {
        const now = present && current?.averageValue !== undefined ? quantity(current.averageValue) : '<unknown>';
        return `${now}/${quantity(target.averageValue)} (avg)`;
      }
      return `${present ? quantity(current?.value) : '<unknown>'}/${quantity(target?.value)}`;
    }
    case 'Pods':
      return `${status?.pods ? quantity(status.pods.current.averageValue) : '<unknown>'}/${quantity(spec.pods?.target.averageValue)}`;
    case 'Resource':
      return utilizationOrValue(spec.resource?.name ?? '', spec.resource?.target ?? { type: '' }, status?.resource?.current, status?.resource !== undefined);
    case 'ContainerResource':
      return utilizationOrValue(spec.containerResource?.name ?? '', spec.containerResource?.target ?? { type: '' }, status?.containerResource?.current, status?.containerResource !== undefined);
    default:
      return '<unknown type>';
  }
}

/** formatHPAMetrics: a metric's status is the one at the same index. */
function targets(specs: readonly MetricSpec[], statuses: readonly MetricStatus[]): string {
  if (specs.length === 0) return '<none>';
  const list = specs.map((spec, i) => formatMetric(spec, statuses[i]));
  if (list.length <= SHOWN_METRICS) return list.join(', ');
  return `${list.slice(0, SHOWN_METRICS).join(', ')} + ${list.length - SHOWN_METRICS} more...`;
}

export const horizontalPodAutoscalerPrinter: Printer = {
  columns: [
    nameColumn,
    column('Reference', 'string', 'The object whose scale the autoscaler sets (kind/name).'),
    column('Targets', 'string', 'Each metric, current/target.'),
    column('MinPods', 'string', 'The lower limit of replicas.'),
    column('MaxPods', 'string', 'The upper limit of replicas.'),
    column('Replicas', 'string', 'The current number of replicas.'),
    ageColumn,
  ],
  cells(obj: KubeObject, now: Date): unknown[] {
    const hpa = (obj.apiVersion === 'autoscaling/v1' ? hpaV1ToV2(obj) : obj) as HorizontalPodAutoscaler;
    const spec = hpa.spec;
    const minReplicas = spec?.minReplicas;
    return [
      hpa.metadata?.name ?? '',
      `${spec?.scaleTargetRef?.kind ?? ''}/${spec?.scaleTargetRef?.name ?? ''}`,
      targets(spec?.metrics ?? [], hpa.status?.currentMetrics ?? []),
      minReplicas === undefined || minReplicas === null ? '<unset>' : String(minReplicas),
      spec?.maxReplicas ?? 0,
      hpa.status?.currentReplicas ?? 0,
      timestampSince(hpa.metadata?.creationTimestamp, now),
    ];
  },
};
