// ValidatingAdmissionWebhook: every matching validating webhook is called at once, after the
// object was mutated and validated, as kube-apiserver calls them; the first refusal to arrive is
// the request's answer. Without configured webhooks it returns at once, synchronously.
import type { AdmissionAttributes, AdmissionPlugin } from './plugin.js';
import { callWebhook } from './webhook-call.js';
import type { Webhook } from './webhook-configurations.js';
import { matchWebhook, type WebhookPluginDeps } from './webhook-match.js';

async function validateAll(deps: WebhookPluginDeps, hooks: readonly Webhook[], attributes: AdmissionAttributes): Promise<void> {
  const calls: Promise<unknown>[] = [];
  const failures: unknown[] = [];
  for (const hook of hooks) {
    const as = matchWebhook(hook, attributes, deps);
    if (as) calls.push(callWebhook(deps, hook, attributes, as).catch((error: unknown) => void failures.push(error)));
  }
  if (calls.length === 0) return;
  await Promise.all(calls);
  if (failures.length > 0) throw failures[0];
}

export function validatingWebhooks(deps: WebhookPluginDeps): AdmissionPlugin {
  return {
    name: 'ValidatingAdmissionWebhook',
    validate(attributes) {
      const hooks = deps.configurations.validating;
      if (hooks.length === 0) return;
      return validateAll(deps, hooks, attributes);
    },
  };
}
