// Kubernetes prints structured bad values with Go's %#v verb ("map[string]string{"app":"web"}"),
// and kubectl users compare those messages; these helpers render the same text for the few
// shapes that appear in common error messages.
import { isPlainObject } from '../object.js';
import { scalarText } from './json.js';

/** A bad value that prints as the given Go syntax (field-errors prints it verbatim). */
export class GoValue {
  constructor(private readonly text: string) {}

  toString(): string {
    return this.text;
  }
}

function quote(value: unknown): string {
  return JSON.stringify(scalarText(value));
}

function goInt(value: unknown): string {
  return typeof value === 'number' && Number.isFinite(value) ? String(Math.trunc(value)) : '0';
}

/** map[string]string{...} with keys sorted, or map[string]string(nil) when absent. */
export function goStringMapText(value: unknown): string {
  if (!isPlainObject(value)) return 'map[string]string(nil)';
  const entries = Object.keys(value)
    .sort()
    .map((k) => `${quote(k)}:${quote(value[k])}`);
  return `map[string]string{${entries.join(', ')}}`;
}

function goStringSliceText(value: unknown): string {
  if (!Array.isArray(value)) return '[]string(nil)';
  return `[]string{${value.map(quote).join(', ')}}`;
}

export function goStringMap(value: unknown): GoValue {
  return new GoValue(goStringMapText(value));
}

/** v1.LabelSelector{...} as the apiserver prints a selector in "field is immutable" errors. */
export function goLabelSelector(value: unknown): GoValue {
  if (!isPlainObject(value)) return new GoValue('null');
  const expressions = value.matchExpressions;
  let exprText = '[]v1.LabelSelectorRequirement(nil)';
  if (Array.isArray(expressions)) {
    const items = expressions.map((e) => {
      const r = isPlainObject(e) ? e : {};
      return `v1.LabelSelectorRequirement{Key:${quote(r.key)}, Operator:${quote(r.operator)}, Values:${goStringSliceText(r.values)}}`;
    });
    exprText = `[]v1.LabelSelectorRequirement{${items.join(', ')}}`;
  }
  return new GoValue(`v1.LabelSelector{MatchLabels:${goStringMapText(value.matchLabels)}, MatchExpressions:${exprText}}`);
}

/** intstr.IntOrString{...}: Type 0 holds an int, Type 1 a string. */
export function goIntOrString(value: unknown): GoValue {
  if (typeof value === 'string') return new GoValue(`intstr.IntOrString{Type:1, IntVal:0, StrVal:${quote(value)}}`);
  return new GoValue(`intstr.IntOrString{Type:0, IntVal:${goInt(value)}, StrVal:""}`);
}

/** The (protocol, port) key the service validation reports for duplicate ports. */
export function goServicePortKey(protocol: string, port: number): GoValue {
  return new GoValue(
    `core.ServicePort{Name:"", Protocol:${quote(protocol)}, AppProtocol:(*string)(nil), Port:${goInt(port)}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`,
  );
}

export function goTaint(taint: Record<string, unknown>): GoValue {
  const added = taint.timeAdded === undefined || taint.timeAdded === null ? '(*v1.Time)(nil)' : quote(taint.timeAdded);
  return new GoValue(`core.Taint{Key:${quote(taint.key)}, Value:${quote(taint.value)}, Effect:${quote(taint.effect)}, TimeAdded:${added}}`);
}

/** A Go string slice ([]string{"a", "b"}), used for list-valued bad values. */
export function goStringSlice(value: unknown, elementType = 'string'): GoValue {
  const text = goStringSliceText(value);
  return new GoValue(elementType === 'string' ? text : text.replace('[]string', `[]${elementType}`));
}

/**
 * A workload's strategy struct (apps.DeploymentStrategy, apps.DaemonSetUpdateStrategy) in an
 * "Unsupported value" error. Go prints a set rolling-update pointer as a memory address, which
 * no client can predict; a fixed placeholder stands in for it.
 */
export function goStrategy(goType: string, rollingType: string, strategy: Record<string, unknown>): GoValue {
  const rolling = isPlainObject(strategy.rollingUpdate) ? `(*apps.${rollingType})(0xc000000000)` : `(*apps.${rollingType})(nil)`;
  return new GoValue(`apps.${goType}{Type:${quote(strategy.type)}, RollingUpdate:${rolling}}`);
}
