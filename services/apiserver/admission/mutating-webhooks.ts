// MutatingAdmissionWebhook: the matching mutating webhooks are called one after another, after the
// built-in mutating plugins, each seeing what the ones before it made; a webhook's JSONPatch is
// applied to the object (the object is validated afterwards, as any other). A webhook with
// reinvocationPolicy IfNeeded is called once more when a later webhook changed the object after it
// ran, as kube-apiserver reinvokes it. DELETE requests reach them too (they may deny, not patch).
// Without configured webhooks it returns at once, synchronously.
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../../../lib/api/object.js';
import { applyJsonPatch } from '../../../lib/api/patch/json-patch.js';
import { errors, isStatusError } from '../../../lib/api/status.js';
import { fromSent } from './admission-review.js';
import type { AdmissionAttributes, AdmissionPlugin } from './plugin.js';
import { callWebhook } from './webhook-call.js';
import type { Webhook } from './webhook-configurations.js';
import { matchWebhook, type WebhookPluginDeps } from './webhook-match.js';

/** Makes `target` hold exactly what `next` holds (the request's object is changed in place). */
function replaceContents(target: KubeObject, next: KubeObject): void {
  for (const key of Object.keys(target)) if (!(key in next)) delete (target as Record<string, unknown>)[key];
  Object.assign(target, next);
}

/** Calls one webhook and applies its patch; whether the object changed. */
async function mutateWith(deps: WebhookPluginDeps, hook: Webhook, attributes: AdmissionAttributes): Promise<boolean> {
  const as = matchWebhook(hook, attributes, deps);
  if (!as) return false;
  const answer = await callWebhook(deps, hook, attributes, as);
  const patch = answer?.response.patch;
  if (!answer || patch === undefined || (Array.isArray(patch) && patch.length === 0)) return false;
  const { object } = attributes;
  const seen = answer.request.object;
  if (!object || !seen) throw errors.internal(`admission webhook ${JSON.stringify(hook.name)} attempted to modify the object, which is not supported for this operation`);
  let patched: KubeObject;
  try {
    patched = applyJsonPatch(seen as Record<string, unknown>, patch) as KubeObject;
  } catch (error) {
    if (!isStatusError(error)) throw error;
    throw errors.internal(error.status.details?.causes?.[0]?.message ?? error.message);
  }
  const next = fromSent(patched, { ...attributes, object }, as);
  if (isDeepStrictEqual(next, object)) return false;
  replaceContents(object, next);
  return true;
}

async function admitAll(deps: WebhookPluginDeps, hooks: readonly Webhook[], attributes: AdmissionAttributes): Promise<void> {
  const invokedReinvocable = new Set<string>();
  const reinvoke = new Set<string>();
  for (const hook of hooks) {
    if (await mutateWith(deps, hook, attributes)) {
      // Everything called before this change may want to see it.
      for (const id of invokedReinvocable) reinvoke.add(id);
      invokedReinvocable.clear();
    }
    if (hook.reinvocationPolicy === 'IfNeeded') invokedReinvocable.add(hook.id);
  }
  for (const hook of hooks) if (reinvoke.has(hook.id)) await mutateWith(deps, hook, attributes);
}

export function mutatingWebhooks(deps: WebhookPluginDeps): AdmissionPlugin {
  return {
    name: 'MutatingAdmissionWebhook',
    admit(attributes) {
      const hooks = deps.configurations.mutating;
      if (hooks.length === 0) return;
      return admitAll(deps, hooks, attributes);
    },
    // A DELETE is only validated by the storage: its mutating webhooks are called then.
    validate(attributes) {
      if (attributes.operation !== 'DELETE') return;
      const hooks = deps.configurations.mutating;
      if (hooks.length === 0) return;
      return admitAll(deps, hooks, attributes);
    },
  };
}
