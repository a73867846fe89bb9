// The Mutating- and ValidatingWebhookConfigurations, kept current from the store's commit stream
// (as kube-apiserver keeps them from informers) and compiled once per change: selectors parsed,
// match conditions parsed, one HTTPS agent per webhook with its caBundle. Admission reads the
// compiled lists, sorted by configuration name as Kubernetes orders them, and never the store; with
// no configuration they are the same empty arrays, so a request pays one length check.
import { Agent } from 'node:https';
import type { MutatingWebhook, ValidatingWebhook, WebhookClientConfig } from 'kubernetes-types/admissionregistration/v1.js';
import { compileCel, type CompiledCel } from '../../../lib/api/crd/cel-rules.js';
import type { KubeObject } from '../../../lib/api/object.js';
import { findResource, storagePrefix } from '../../../lib/api/resources.js';
import type { LabelSelector } from '../../../lib/api/selectors/label-selector.js';
import { labelSelectorFromObject } from '../../../lib/api/selectors/label-selector-object.js';
import type { Store } from '../../../lib/native/store.js';
import { followPrefix } from './follow-prefix.js';
import type { WebhookRule } from './webhook-rules.js';

export type WebhookType = 'mutating' | 'validating';

export interface WebhookMatchCondition {
  readonly name: string;
  readonly expression: string;
  /** The parsed expression, or why it does not parse. */
  readonly program: CompiledCel | Error;
}

/** One webhook of a configuration, ready to match and call. */
export interface Webhook {
  readonly type: WebhookType;
  readonly name: string;
  /** Tells apart webhooks of the same name in different configurations (reinvocation). */
  readonly id: string;
  readonly rules: readonly WebhookRule[];
  readonly matchPolicy: 'Exact' | 'Equivalent';
  readonly namespaceSelector: LabelSelector;
  readonly objectSelector: LabelSelector;
  readonly matchConditions: readonly WebhookMatchCondition[];
  readonly failurePolicy: 'Fail' | 'Ignore';
  readonly sideEffects: string;
  readonly timeoutMs: number;
  /** The AdmissionReview version sent: v1 when the webhook accepts it, else v1beta1. */
  readonly reviewVersion: 'v1' | 'v1beta1';
  readonly clientConfig: WebhookClientConfig;
  /** Connections verified with the caBundle (the system's roots without one). */
  readonly agent: Agent;
  readonly reinvocationPolicy: 'Never' | 'IfNeeded';
}

const DEFAULT_TIMEOUT_SECONDS = 10;
/** The longest timeoutSeconds a webhook may have (validation refuses more than 30). */
const MAX_TIMEOUT_MS = 30_000;
const EMPTY: readonly Webhook[] = Object.freeze([]);

function compileWebhook(type: WebhookType, configuration: string, index: number, hook: MutatingWebhook | ValidatingWebhook): Webhook {
  const versions = hook.admissionReviewVersions ?? [];
  const caBundle = hook.clientConfig?.caBundle;
  return {
    type,
    name: hook.name,
    id: `${configuration}/${index}`,
    rules: (hook.rules ?? []) as WebhookRule[],
    matchPolicy: hook.matchPolicy === 'Exact' ? 'Exact' : 'Equivalent',
    namespaceSelector: labelSelectorFromObject(hook.namespaceSelector ?? {}),
    objectSelector: labelSelectorFromObject(hook.objectSelector ?? {}),
    matchConditions: (hook.matchConditions ?? []).map((c) => ({ name: c.name, expression: c.expression, program: compileCel(c.expression) })),
    failurePolicy: hook.failurePolicy === 'Ignore' ? 'Ignore' : 'Fail',
    sideEffects: hook.sideEffects ?? 'Unknown',
    timeoutMs: (hook.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
    reviewVersion: versions.includes('v1') || !versions.includes('v1beta1') ? 'v1' : 'v1beta1',
    clientConfig: hook.clientConfig ?? {},
    agent: new Agent({ keepAlive: true, ...(caBundle ? { ca: Buffer.from(caBundle, 'base64').toString() } : {}) }),
    reinvocationPolicy: type === 'mutating' && (hook as MutatingWebhook).reinvocationPolicy === 'IfNeeded' ? 'IfNeeded' : 'Never',
  };
}

/** The webhooks of one kind of configuration, in Kubernetes' order. */
class WebhookList {
  private readonly byKey = new Map<string, readonly Webhook[]>();
  current: readonly Webhook[] = EMPTY;
  private readonly unfollow: () => void;

  constructor(store: Store, resource: string, private readonly type: WebhookType) {
    const info = findResource('admissionregistration.k8s.io', 'v1', resource);
    if (!info) throw new Error(`${resource} are not served`);
    const prefix = storagePrefix(info);
    this.unfollow = followPrefix(store, prefix, {
      clear: () => {
        for (const key of [...this.byKey.keys()]) this.drop(key);
        this.rebuild();
      },
      put: (key, value) => {
        this.drop(key);
        this.byKey.set(key, this.compile(key.slice(prefix.length), value));
        this.rebuild();
      },
      remove: (key) => {
        this.drop(key);
        this.rebuild();
      },
    });
  }

  private compile(name: string, configuration: KubeObject): readonly Webhook[] {
    const hooks = Array.isArray(configuration.webhooks) ? (configuration.webhooks as (MutatingWebhook | ValidatingWebhook)[]) : [];
    const compiled: Webhook[] = [];
    hooks.forEach((hook, index) => {
      try {
        compiled.push(compileWebhook(this.type, name, index, hook));
      } catch {
        // Stored configurations were validated; one that still does not compile calls nothing.
      }
    });
    return compiled;
  }

  /** Forgets a configuration's webhooks; their connections close once calls in flight are over. */
  private drop(key: string, now = false): void {
    for (const hook of this.byKey.get(key) ?? []) {
      if (now) hook.agent.destroy();
      else setTimeout(() => hook.agent.destroy(), MAX_TIMEOUT_MS + 1000).unref();
    }
    this.byKey.delete(key);
  }

  private rebuild(): void {
    const keys = [...this.byKey.keys()].sort();
    const hooks = keys.flatMap((key) => this.byKey.get(key) ?? []);
    this.current = hooks.length === 0 ? EMPTY : hooks;
  }

  close(): void {
    this.unfollow();
    for (const key of [...this.byKey.keys()]) this.drop(key, true);
  }
}

export class WebhookConfigurations {
  private readonly mutatingList: WebhookList;
  private readonly validatingList: WebhookList;

  constructor(store: Store) {
    this.mutatingList = new WebhookList(store, 'mutatingwebhookconfigurations', 'mutating');
    this.validatingList = new WebhookList(store, 'validatingwebhookconfigurations', 'validating');
  }

  get mutating(): readonly Webhook[] {
    return this.mutatingList.current;
  }

  get validating(): readonly Webhook[] {
    return this.validatingList.current;
  }

  close(): void {
    this.mutatingList.close();
    this.validatingList.close();
  }
}
