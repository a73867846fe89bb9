// The gRPC health checking protocol (grpc.health.v1.Health/Check) as protobufjs messages and a
// grpc-js service definition, for grpc probes (and for servers that answer them).
import type { ServiceDefinition } from '@grpc/grpc-js';
import protobuf from 'protobufjs';

const root = protobuf.Root.fromJSON({
  nested: {
    grpc: {
      nested: {
        health: {
          nested: {
            v1: {
              nested: {
                HealthCheckRequest: { fields: { service: { type: 'string', id: 1 } } },
                HealthCheckResponse: {
                  fields: { status: { type: 'ServingStatus', id: 1 } },
                  nested: { ServingStatus: { values: { UNKNOWN: 0, SERVING: 1, NOT_SERVING: 2, SERVICE_UNKNOWN: 3 } } },
                },
              },
            },
          },
        },
      },
    },
  },
});

const Request = root.lookupType('grpc.health.v1.HealthCheckRequest');
const Response = root.lookupType('grpc.health.v1.HealthCheckResponse');
const ServingStatus = root.lookupEnum('grpc.health.v1.HealthCheckResponse.ServingStatus');

export type ServingStatusName = 'UNKNOWN' | 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN';

export interface HealthCheckRequest {
  service: string;
}

export interface HealthCheckResponse {
  status: ServingStatusName;
}

export const HEALTH_CHECK_PATH = '/grpc.health.v1.Health/Check';

export function serializeRequest(request: HealthCheckRequest): Buffer {
  return Buffer.from(Request.encode(Request.create(request)).finish());
}

export function deserializeRequest(bytes: Buffer): HealthCheckRequest {
  return Request.toObject(Request.decode(bytes), { defaults: true }) as HealthCheckRequest;
}

export function serializeResponse(response: HealthCheckResponse): Buffer {
  return Buffer.from(Response.encode(Response.create({ status: ServingStatus.values[response.status] })).finish());
}

export function deserializeResponse(bytes: Buffer): HealthCheckResponse {
  return Response.toObject(Response.decode(bytes), { defaults: true, enums: String }) as HealthCheckResponse;
}

/** The Health service with its Check method, for grpc-js servers. */
export const HEALTH_SERVICE: ServiceDefinition = {
  check: {
    path: HEALTH_CHECK_PATH,
    requestStream: false,
    responseStream: false,
    requestSerialize: serializeRequest,
    requestDeserialize: deserializeRequest,
    responseSerialize: serializeResponse,
    responseDeserialize: deserializeResponse,
  },
};
