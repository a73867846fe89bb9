// What differs between kinds in the generic storage (Kubernetes' per-kind REST strategies:
// pkg/registry/<group>/<kind>/strategy.go). The storage does the same for every kind — metadata,
// compare-and-swap, deletion, watch — and asks the kind's strategy at each step it may differ.
// A kind is served by a table entry (lib/api/resources.ts) and a strategy file in strategies/;
// custom resources will be one more strategy, built from their definition's schema.
import { canonicalForm } from '../../../lib/api/canonical-form.js';
import { applyDefaults } from '../../../lib/api/defaults/index.js';
import type { FieldError } from '../../../lib/api/field-errors.js';
import type { KubeObject, StoredObject } from '../../../lib/api/object.js';
import type { ResourceInfo } from '../../../lib/api/resources.js';
import type { Schema } from '../../../lib/api/openapi/schema.js';
import type { TokenUser } from '../../../lib/pki/tokens.js';
import { validateCreate, validateStatusUpdate, validateUpdate } from '../../../lib/api/validation/index.js';

/** How an update through a subresource (status) differs from one through the main resource. */
export interface SubresourceStrategy {
  /**
   * The object to store, from the one sent and the stored one (what the subresource may not change
   * is kept); `now` dates what the update stamps (a condition's times).
   */
  prepareForUpdate(next: KubeObject, old: StoredObject, now: Date): KubeObject;
  validateUpdate(next: KubeObject, old: StoredObject): FieldError[];
}

/** What deleting an object of the kind involves besides finalizers. */
export interface DeletionStrategy {
  /**
   * Seconds the object stays, marked with a deletionTimestamp, before it is removed (a Pod's
   * grace period for its kubelet); 0 removes it at once.
   */
  gracePeriodSeconds(obj: StoredObject, requested: number | undefined): number;
  /**
   * A kind whose deletion its controller finishes (a Namespace is emptied, then finalized): the
   * object as it is marked for that, or undefined when it can be deleted like any other.
   */
  markForController?(obj: StoredObject, now: string): StoredObject | undefined;
}

export interface Strategy {
  readonly info: ResourceInfo;
  /** metadata.generation counts changes of the spec (the workload controllers read it). */
  readonly tracksGeneration: boolean;
  /** A PUT of an object that does not exist creates it (AllowCreateOnUpdate). */
  readonly allowCreateOnUpdate: boolean;
  /**
   * Resets what a client may not set on create (a controller-owned status); `user` is who asks
   * (a CertificateSigningRequest records its requester).
   */
  prepareForCreate(obj: KubeObject, user?: TokenUser): void;
  /** An update through the main resource: what it may not change (status) is kept from `old`. */
  prepareForUpdate(next: KubeObject, old: StoredObject): KubeObject;
  /** Defaulting, before validation; `old` on update. */
  applyDefaults(obj: KubeObject, old?: StoredObject): void;
  validate(obj: KubeObject): FieldError[];
  validateUpdate(next: KubeObject, old: StoredObject): FieldError[];
  /** The object in the shape it is stored in. */
  canonicalize(obj: KubeObject): KubeObject;
  readonly deletion: DeletionStrategy;
  /** The schema server-side apply walks objects by, for kinds without a built-in definition (a custom resource's). */
  readonly fieldSchema?: Schema;
  /** The status subresource, for kinds that have one. */
  readonly status?: SubresourceStrategy;
  /** The approval subresource (CertificateSigningRequests). */
  readonly approval?: SubresourceStrategy;
  /** A namespace's finalize subresource: spec.finalizers, changed by the namespace controller. */
  readonly finalize?: SubresourceStrategy;
}

/** Keeps the stored status: a kind with a status subresource changes it only through /status. */
export function keepStatus(next: KubeObject, old: StoredObject): KubeObject {
  if (old.status === undefined) delete next.status;
  else next.status = structuredClone(old.status);
  return next;
}

/** An update through /status changes only the status (labels and annotations included, as for most kinds). */
export function onlyStatus(next: KubeObject, old: StoredObject): KubeObject {
  const merged: KubeObject = { ...structuredClone(old), status: next.status };
  if (next.status === undefined) delete merged.status;
  return merged;
}

const IMMEDIATE: DeletionStrategy = { gracePeriodSeconds: () => 0 };

export interface StrategyRules {
  tracksGeneration?: boolean;
  allowCreateOnUpdate?: boolean;
  prepareForCreate?: (obj: KubeObject, user?: TokenUser) => void;
  prepareForUpdate?: (next: KubeObject, old: StoredObject) => KubeObject;
  deletion?: DeletionStrategy;
  /** Replaces the status subresource's rules (a kind whose status keeps parts of the stored one). */
  status?: SubresourceStrategy;
  approval?: SubresourceStrategy;
  finalize?: SubresourceStrategy;
}

/**
 * A strategy whose validation and defaulting are the kind's rules in lib/api (validation/,
 * defaults/), whose status, when the table gives the kind one, is a subresource that changes only
 * the status, and whose other steps are the generic ones unless `rules` says otherwise.
 */
export function defineStrategy(info: ResourceInfo, rules: StrategyRules = {}): Strategy {
  const hasStatus = info.subresources.includes('status');
  const status: SubresourceStrategy | undefined =
    rules.status ?? (hasStatus ? { prepareForUpdate: onlyStatus, validateUpdate: (next, old) => validateStatusUpdate(info, next, old) } : undefined);
  return {
    info,
    tracksGeneration: rules.tracksGeneration ?? false,
    allowCreateOnUpdate: rules.allowCreateOnUpdate ?? false,
    prepareForCreate:
      rules.prepareForCreate ??
      ((obj) => {
        // Controllers own the status of kinds that have a status subresource; defaulting then
        // writes the initial one.
        if (hasStatus) obj.status = {};
      }),
    prepareForUpdate: rules.prepareForUpdate ?? (hasStatus ? keepStatus : (next) => next),
    applyDefaults: (obj, old) => applyDefaults(info, obj, old ? { operation: 'update', old } : { operation: 'create' }),
    validate: (obj) => validateCreate(info, obj),
    validateUpdate: (next, old) => validateUpdate(info, next, old),
    canonicalize: canonicalForm,
    deletion: rules.deletion ?? IMMEDIATE,
    ...(status ? { status } : {}),
    ...(rules.approval ? { approval: rules.approval } : {}),
    ...(rules.finalize ? { finalize: rules.finalize } : {}),
  };
}
