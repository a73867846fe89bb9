// What one probe run found, as Kubernetes' probers report it: success or failure with the output
// shown in the "Unhealthy" event ("<Type> probe failed: <output>"), or an error of the prober
// itself ("<Type> probe errored: ..."), whose result the probe worker throws away.
export type ProbeResult = 'success' | 'failure';

export interface ProbeOutcome {
  result: ProbeResult | 'error';
  output: string;
}

export const success = (output = ''): ProbeOutcome => ({ result: 'success', output });
export const failure = (output: string): ProbeOutcome => ({ result: 'failure', output });
export const probeError = (output: string): ProbeOutcome => ({ result: 'error', output });

/** Go's rendering of a network error, as the output of a failed tcpSocket or httpGet probe. */
export function dialError(address: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ECONNREFUSED') return `dial tcp ${address}: connect: connection refused`;
  if (code === 'EHOSTUNREACH') return `dial tcp ${address}: connect: no route to host`;
  if (code === 'ENETUNREACH') return `dial tcp ${address}: connect: network is unreachable`;
  if (code === 'ETIMEDOUT') return `dial tcp ${address}: i/o timeout`;
  return `dial tcp ${address}: ${error instanceof Error ? error.message : String(error)}`;
}

/** host:port, with brackets around an IPv6 host. */
export function hostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}
