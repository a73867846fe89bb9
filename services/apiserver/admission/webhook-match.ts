// Which webhooks a request is sent to, as kube-apiserver decides before calling any: never for the
// admission configuration kinds themselves (a broken webhook could otherwise lock its own fix out),
// then the rules, the namespaceSelector (the namespace's labels; a Namespace's own labels; always
// for other cluster-scoped objects) and the objectSelector (the new or the old object's labels).
import type { KubeObject } from '../../../lib/api/object.js';
import type { ResourceInfo } from '../../../lib/api/resources.js';
import type { Labels } from '../../../lib/api/selectors/label-selector.js';
import type { AdmissionAttributes } from './plugin.js';
import type { WebhookCallDeps } from './webhook-call.js';
import type { Webhook, WebhookConfigurations } from './webhook-configurations.js';
import { matchRules, type ResourceLookup } from './webhook-rules.js';

/** What both webhook plugins work from. */
export interface WebhookPluginDeps extends WebhookCallDeps {
  configurations: WebhookConfigurations;
  lookup: ResourceLookup;
  /** A namespace's labels (none for one that does not exist). */
  namespaceLabels: (name: string) => Labels;
}

const EXEMPT = new Set([
  'validatingwebhookconfigurations',
  'mutatingwebhookconfigurations',
  'validatingadmissionpolicies',
  'validatingadmissionpolicybindings',
  'mutatingadmissionpolicies',
  'mutatingadmissionpolicybindings',
]);

export function isExemptFromWebhooks(info: ResourceInfo): boolean {
  return info.group === 'admissionregistration.k8s.io' && EXEMPT.has(info.resource);
}

function labelsOf(obj: KubeObject | null): Labels | undefined {
  return obj ? (obj.metadata?.labels ?? {}) : undefined;
}

function namespaceSelected(hook: Webhook, attributes: AdmissionAttributes, namespaceLabels: (name: string) => Labels): boolean {
  if (hook.namespaceSelector.isEmpty()) return true;
  const { info } = attributes;
  if (info.group === '' && info.resource === 'namespaces') {
    return hook.namespaceSelector.matches(labelsOf(attributes.object) ?? labelsOf(attributes.oldObject) ?? {});
  }
  if (!info.namespaced || attributes.namespace === undefined) return true;
  return hook.namespaceSelector.matches(namespaceLabels(attributes.namespace));
}

function objectSelected(hook: Webhook, attributes: AdmissionAttributes): boolean {
  if (hook.objectSelector.isEmpty()) return true;
  return [attributes.object, attributes.oldObject].some((obj) => obj !== null && hook.objectSelector.matches(labelsOf(obj)));
}

/** The resource the webhook sees the request as, or undefined when it is not called for it. */
export function matchWebhook(hook: Webhook, attributes: AdmissionAttributes, deps: Pick<WebhookPluginDeps, 'lookup' | 'namespaceLabels'>): ResourceInfo | undefined {
  if (isExemptFromWebhooks(attributes.info)) return undefined;
  const matched = matchRules(hook.rules, hook.matchPolicy, attributes, deps.lookup);
  if (!matched || !namespaceSelected(hook, attributes, deps.namespaceLabels) || !objectSelected(hook, attributes)) return undefined;
  return matched;
}
