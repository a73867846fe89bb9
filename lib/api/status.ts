// Kubernetes Status objects and the error that carries one. Every failure the apiserver
// returns is built here, so reasons, codes and messages read as Kubernetes words them.
import { type FieldError, fieldErrorBody, formatFieldError } from './field-errors.js';

export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Expired'
  | 'Invalid'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'TooManyRequests'
  | 'InternalError'
  | 'ServiceUnavailable'
  | 'Timeout'
  | '';

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: { resourceVersion?: string; continue?: string };
  status: 'Success' | 'Failure';
  message?: string;
  reason?: StatusReason;
  details?: StatusDetails;
  code: number;
}

/** Names a resource in messages: "pods" or "deployments.apps", with the group kept apart for details. */
export interface ResourceRef {
  group: string;
  resource: string;
}

function qualified(ref: ResourceRef): string {
  return ref.group === '' ? ref.resource : `${ref.resource}.${ref.group}`;
}

export class StatusError extends Error {
  constructor(readonly status: Status) {
    super(status.message ?? status.reason ?? 'error');
    this.name = 'StatusError';
  }

  get code(): number {
    return this.status.code;
  }

  get reason(): StatusReason | undefined {
    return this.status.reason;
  }
}

export function failure(code: number, reason: StatusReason, message: string, details?: StatusDetails): StatusError {
  const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
  if (details) status.details = details;
  return new StatusError(status);
}

export function successStatus(details?: StatusDetails): Status {
  const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 200 };
  if (details) status.details = details;
  return status;
}

function refDetails(ref: ResourceRef, name: string): StatusDetails {
  const details: StatusDetails = { name, kind: ref.resource };
  if (ref.group !== '') details.group = ref.group;
  return details;
}

export const errors = {
  badRequest: (message: string): StatusError => failure(400, 'BadRequest', message),
  unauthorized: (): StatusError => failure(401, 'Unauthorized', 'Unauthorized'),
  forbidden: (ref: ResourceRef, name: string, why: string): StatusError =>
    failure(403, 'Forbidden', `${qualified(ref)} ${name ? `"${name}" ` : ''}is forbidden: ${why}`, refDetails(ref, name)),
  notFound: (ref: ResourceRef, name: string): StatusError =>
    failure(404, 'NotFound', `${qualified(ref)} "${name}" not found`, refDetails(ref, name)),
  /** A path the server does not serve at all. */
  noSuchResource: (): StatusError => failure(404, 'NotFound', 'the server could not find the requested resource', {}),
  alreadyExists: (ref: ResourceRef, name: string): StatusError =>
    failure(409, 'AlreadyExists', `${qualified(ref)} "${name}" already exists`, refDetails(ref, name)),
  conflict: (ref: ResourceRef, name: string, why: string): StatusError =>
    failure(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(ref)} "${name}": ${why}`, refDetails(ref, name)),
  staleObject: (ref: ResourceRef, name: string): StatusError =>
    errors.conflict(ref, name, 'the object has been modified; please apply your changes to the latest version and try again'),
  expired: (message: string): StatusError => failure(410, 'Expired', message),
  gone: (message: string): StatusError => failure(410, 'Gone', message),
  invalid: (kind: string, group: string, name: string, fieldErrors: readonly FieldError[]): StatusError => {
    const texts = fieldErrors.map(formatFieldError);
    const qualifiedKind = group === '' ? kind : `${kind}.${group}`;
    const message = `${qualifiedKind} "${name}" is invalid: ${texts.length === 1 ? texts[0] : `[${texts.join(', ')}]`}`;
    const details: StatusDetails = {
      name,
      kind,
      causes: fieldErrors.map((e) => ({ reason: e.type, message: fieldErrorBody(e), field: e.field })),
    };
    if (group !== '') details.group = group;
    return failure(422, 'Invalid', message, details);
  },
  methodNotAllowed: (message = 'the server does not allow this method on the requested resource'): StatusError => failure(405, 'MethodNotAllowed', message),
  notAcceptable: (accepted: string): StatusError =>
    failure(406, 'NotAcceptable', `the server was unable to respond with a content type that the client supports (${accepted})`),
  tooLarge: (limit: number): StatusError => failure(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limit}`),
  unsupportedMediaType: (contentType: string): StatusError =>
    failure(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf (got ${JSON.stringify(contentType)})`),
  tooManyRequests: (message: string, retryAfterSeconds: number): StatusError =>
    failure(429, 'TooManyRequests', message, { retryAfterSeconds }),
  internal: (message: string): StatusError => failure(500, 'InternalError', `Internal error occurred: ${message}`),
  unavailable: (message: string): StatusError => failure(503, 'ServiceUnavailable', message),
  timeout: (message: string): StatusError => failure(504, 'Timeout', message),
};

export function isStatusError(error: unknown): error is StatusError {
  return error instanceof StatusError;
}
