// Runs one probe of a container once, by its handler: exec, httpGet, tcpSocket or grpc, against
// the pod's IP (or the handler's host) within the probe's timeoutSeconds (default 1).
import type { Container, Probe } from 'kubernetes-types/core/v1.js';
import type { PodRuntime } from '../runtime/pod-runtime.js';
import { containerPort } from './container-port.js';
import { execProbe } from './exec-probe.js';
import { grpcProbe } from './grpc-probe.js';
import { httpProbe } from './http-probe.js';
import { probeError, type ProbeOutcome } from './probe-outcome.js';
import { tcpProbe } from './tcp-probe.js';

export interface ProbeTarget {
  runtime: PodRuntime;
  uid: string;
  container: Container;
  podIP: string;
}

export async function runProbe(probe: Probe, target: ProbeTarget): Promise<ProbeOutcome> {
  const timeoutSeconds = probe.timeoutSeconds || 1;
  const timeoutMs = timeoutSeconds * 1000;
  try {
    if (probe.exec) return await execProbe(target.runtime, target.uid, target.container.name, probe.exec.command ?? [], timeoutSeconds);
    if (probe.httpGet) {
      const get = probe.httpGet;
      const scheme = get.scheme === 'HTTPS' ? 'HTTPS' : 'HTTP';
      return await httpProbe({ scheme, host: get.host || target.podIP, port: containerPort(get.port, target.container), path: get.path ?? '/', headers: get.httpHeaders ?? [] }, timeoutMs);
    }
    if (probe.tcpSocket) return await tcpProbe(probe.tcpSocket.host || target.podIP, containerPort(probe.tcpSocket.port, target.container), timeoutMs);
    if (probe.grpc) return await grpcProbe(target.podIP, probe.grpc.port, probe.grpc.service ?? '', timeoutMs);
    return probeError('missing probe handler');
  } catch (error) {
    return probeError(error instanceof Error ? error.message : String(error));
  }
}
