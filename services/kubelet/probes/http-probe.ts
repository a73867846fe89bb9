// httpGet probes as Kubernetes' HTTP prober makes them: GET scheme://host:port/path with the
// probe's headers (User-Agent kube-probe/<version> and Accept */* unless given), TLS without
// verification for HTTPS; a status from 200 to 399 is success (a redirect is not followed).
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { dialError, failure, hostPort, success, type ProbeOutcome } from './probe-outcome.js';

export const PROBE_USER_AGENT = 'kube-probe/1.36';
const MAX_BODY = 10 * 1024;

export interface HttpProbeTarget {
  scheme: 'HTTP' | 'HTTPS';
  host: string;
  port: number;
  path: string;
  headers: { name: string; value: string }[];
}

export function probeUrl(target: HttpProbeTarget): string {
  const path = target.path.startsWith('/') ? target.path : `/${target.path}`;
  return `${target.scheme.toLowerCase()}://${hostPort(target.host, target.port)}${path}`;
}

export function httpProbe(target: HttpProbeTarget, timeoutMs: number): Promise<ProbeOutcome> {
  const url = probeUrl(target);
  const headers: Record<string, string[]> = {};
  for (const { name, value } of target.headers) (headers[name.toLowerCase()] ??= []).push(value);
  headers['user-agent'] ??= [PROBE_USER_AGENT];
  headers.accept ??= ['*/*'];
  const request = target.scheme === 'HTTPS' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = request(url, { method: 'GET', headers, rejectUnauthorized: false, timeout: timeoutMs }, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if (size < MAX_BODY) chunks.push(chunk);
        size += chunk.length;
      });
      res.on('end', () => {
        clearTimeout(timer);
        const status = res.statusCode ?? 0;
        const body = Buffer.concat(chunks).subarray(0, MAX_BODY).toString('utf8');
        resolve(status >= 200 && status < 400 ? success(body) : failure(`HTTP probe failed with statuscode: ${status}`));
      });
      res.on('error', (error) => finish(failure(`Get "${url}": ${error.message}`)));
    });
    const finish = (outcome: ProbeOutcome) => {
      clearTimeout(timer);
      req.destroy();
      resolve(outcome);
    };
    // The whole exchange, not only the connection, must fit the timeout.
    const timer = setTimeout(() => finish(failure(`Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`)), timeoutMs);
    req.on('timeout', () => finish(failure(`Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`)));
    req.on('error', (error) => finish(failure(`Get "${url}": ${dialError(hostPort(target.host, target.port), error)}`)));
    req.end();
  });
}
