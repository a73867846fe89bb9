// Cell formats shared by several printers, spelled the way Kubernetes' printers spell them.
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import type { Container } from 'kubernetes-types/core/v1.js';

function byKey(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** "app=web,tier=front" sorted by key, "<none>" for no labels (labels.FormatLabels). */
export function formatLabels(labels: Record<string, string> | undefined | null): string {
  const keys = Object.keys(labels ?? {}).sort(byKey);
  if (keys.length === 0) return '<none>';
  return keys.map((key) => `${key}=${labels![key]}`).join(',');
}

/**
 * A label selector as a selector string ("app=web,tier in (a,b),!legacy"), requirements sorted
 * by key; undefined when the selector cannot be a selector (unknown operator, wrong value count).
 * Both a missing and an empty selector give "".
 */
export function labelSelectorString(selector: LabelSelector | undefined | null): string | undefined {
  if (!selector) return '';
  const requirements: { key: string; text: string }[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    requirements.push({ key, text: `${key}=${value}` });
  }
  for (const expression of selector.matchExpressions ?? []) {
    const values = [...(expression.values ?? [])].sort(byKey);
    const key = expression.key;
    switch (expression.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) return undefined;
        requirements.push({ key, text: `${key} ${expression.operator === 'In' ? 'in' : 'notin'} (${values.join(',')})` });
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) return undefined;
        requirements.push({ key, text: expression.operator === 'Exists' ? key : `!${key}` });
        break;
      default:
        return undefined;
    }
  }
  // A stable sort keeps several requirements on one key in the order they were written.
  return requirements
    .sort((a, b) => byKey(a.key, b.key))
    .map((r) => r.text)
    .join(',');
}

/** A workload's selector: "<none>" when it selects nothing, "<error>" when it is not valid (metav1.FormatLabelSelector). */
export function formatLabelSelector(selector: LabelSelector | undefined | null): string {
  const text = labelSelectorString(selector);
  if (text === undefined) return '<error>';
  return text === '' ? '<none>' : text;
}

/** Container names and images, each comma-joined in pod order. */
export function containerCells(containers: readonly Container[] | undefined): [names: string, images: string] {
  const list = containers ?? [];
  return [list.map((c) => c.name).join(','), list.map((c) => c.image ?? '').join(',')];
}

/** The first `max` items, then " + N more..." for the rest; "<unset>" for none. */
export function listWithMore(items: readonly string[], max: number): string {
  const shown = items.slice(0, max).join(',');
  if (items.length > max) return `${shown} + ${items.length - max} more...`;
  return shown === '' ? '<unset>' : shown;
}

/** host:port as Go's net.JoinHostPort writes it: IPv6 hosts in brackets. */
export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
