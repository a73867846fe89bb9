// Admission, as kube-apiserver runs it between decoding a request and storing its object: mutating
// plugins may change the object (LimitRanger's defaults, Priority's priority), validating plugins
// may only refuse it (NamespaceLifecycle, ResourceQuota). A refusal is a StatusError with
// Kubernetes' message. A validating plugin may also ask for compares and writes that commit in the
// same transaction as the object (ResourceQuota's usage), so what it admitted and what it counted
// never diverge.
import type { KubeObject, StoredObject } from '../../../lib/api/object.js';
import type { ResourceInfo } from '../../../lib/api/resources.js';
import type { TokenUser } from '../../../lib/pki/tokens.js';
import type { WriteExtras } from '../registry/write-hooks.js';

export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE';

export interface AdmissionAttributes {
  readonly operation: AdmissionOperation;
  readonly info: ResourceInfo;
  readonly subresource: string | undefined;
  readonly namespace: string | undefined;
  readonly name: string;
  /** The object to be stored (CREATE, UPDATE); mutating plugins change it in place. */
  readonly object: KubeObject | null;
  /** The stored object (UPDATE, DELETE). */
  readonly oldObject: StoredObject | null;
  readonly dryRun: boolean;
  /** Who asked, when the request was authenticated. */
  readonly user: TokenUser | undefined;
  /** Adds a warning to the response (a Warning header), as a webhook's warnings reach the client. */
  readonly warn?: (message: string) => void;
  /** Adds an annotation to the request's audit event (kube-apiserver's AddAnnotation), e.g. PodSecurity's audit-violations. */
  readonly annotate?: (key: string, value: string) => void;
}

export interface AdmissionPlugin {
  readonly name: string;
  /** Mutating admission: may change `attributes.object`; throws a StatusError to refuse. */
  admit?(attributes: AdmissionAttributes): void | Promise<void>;
  /** Validating admission: throws a StatusError to refuse; may return writes that commit with the object. */
  validate?(attributes: AdmissionAttributes): void | WriteExtras | Promise<void | WriteExtras>;
}
