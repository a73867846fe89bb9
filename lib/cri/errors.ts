// A failed CRI call: the RPC, the gRPC status code and the runtime's message, so callers can treat
// NotFound as done (as the kubelet does on removal) and report the rest.
import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';

export class CriError extends Error {
  constructor(
    readonly method: string,
    /** The gRPC status code (NOT_FOUND is 5, DEADLINE_EXCEEDED 4, UNAVAILABLE 14). */
    readonly code: number,
    readonly details: string,
  ) {
    super(`CRI ${method}: ${GrpcStatus[code] ?? code}: ${details}`);
    this.name = 'CriError';
  }

  static from(method: string, error: ServiceError): CriError {
    return new CriError(method, error.code, error.details || error.message);
  }
}

/** Whether the runtime answered that the object does not exist. */
export function isNotFound(error: unknown): boolean {
  return error instanceof CriError && error.code === GrpcStatus.NOT_FOUND;
}
