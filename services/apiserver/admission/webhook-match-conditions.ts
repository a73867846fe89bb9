// A webhook's matchConditions: CEL expressions over `object`, `oldObject` and `request` (the
// AdmissionRequest without its objects), all of which must be true for the webhook to be called.
// As in Kubernetes, one false condition skips the webhook even when another fails to evaluate; a
// failure without a false one is an error that the webhook's failurePolicy decides (webhook-call.ts).
import { toCel } from '../../../lib/api/crd/cel-rules.js';
import type { AdmissionRequest } from './admission-review.js';
import type { Webhook } from './webhook-configurations.js';

export type ConditionsResult = { matched: boolean } | { error: string };

const MATCHED: ConditionsResult = { matched: true };

export function evaluateMatchConditions(hook: Webhook, request: AdmissionRequest): ConditionsResult {
  if (hook.matchConditions.length === 0) return MATCHED;
  const { object, oldObject, ...rest } = request;
  const context = { object: toCel(object, undefined), oldObject: toCel(oldObject, undefined), request: toCel(rest, undefined) };
  let error: string | undefined;
  for (const condition of hook.matchConditions) {
    const { program } = condition;
    if (program instanceof Error) {
      error ??= `compilation failed for expression ${JSON.stringify(condition.name)}: ${program.message.split('\n', 1)[0]}`;
      continue;
    }
    let result: unknown;
    try {
      result = program(context);
    } catch (failure) {
      error ??= `expression '${condition.name}' resulted in error: ${failure instanceof Error ? failure.message.split('\n', 1)[0] : String(failure)}`;
      continue;
    }
    if (typeof result !== 'boolean') {
      error ??= `expression '${condition.name}' must evaluate to a bool, got ${typeof result}`;
      continue;
    }
    if (!result) return { matched: false };
  }
  return error === undefined ? MATCHED : { error };
}
