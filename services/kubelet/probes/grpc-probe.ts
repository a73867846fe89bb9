// grpc probes as Kubernetes' gRPC prober makes them: grpc.health.v1.Health/Check on host:port
// without TLS, for the probe's service; SERVING is success, anything else a failure with
// Kubernetes' output.
import { Client, credentials, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { deserializeResponse, HEALTH_CHECK_PATH, serializeRequest, type HealthCheckRequest, type HealthCheckResponse } from './grpc-health.js';
import { failure, hostPort, success, type ProbeOutcome } from './probe-outcome.js';
import { PROBE_USER_AGENT } from './http-probe.js';

export function grpcProbe(host: string, port: number, service: string, timeoutMs: number): Promise<ProbeOutcome> {
  const seconds = `${timeoutMs / 1000}s`;
  const client = new Client(hostPort(host, port), credentials.createInsecure(), { 'grpc.primary_user_agent': PROBE_USER_AGENT });
  return new Promise<ProbeOutcome>((resolve) => {
    client.makeUnaryRequest<HealthCheckRequest, HealthCheckResponse>(HEALTH_CHECK_PATH, serializeRequest, deserializeResponse, { service }, { deadline: Date.now() + timeoutMs }, (error: ServiceError | null, response?: HealthCheckResponse) => {
      if (error) {
        if (error.code === GrpcStatus.UNIMPLEMENTED) resolve(failure(`error: this server does not implement the grpc health protocol (grpc.health.v1.Health): ${error.details}`));
        else if (error.code === GrpcStatus.DEADLINE_EXCEEDED) resolve(failure(`timeout: health rpc did not complete within ${seconds}`));
        else if (error.code === GrpcStatus.UNAVAILABLE) resolve(failure(`timeout: failed to connect service "${hostPort(host, port)}" within ${seconds}: ${error.details}`));
        else resolve(failure(`error: health rpc probe failed: ${error.details}`));
        return;
      }
      const status = response?.status ?? 'UNKNOWN';
      resolve(status === 'SERVING' ? success() : failure(`service unhealthy (responded with "${status}")`));
    });
  }).finally(() => client.close());
}
