// One POST of an AdmissionReview to a webhook over HTTPS, bounded by the webhook's timeout. A
// failure reads as Go's HTTP client words it in kube-apiserver's errors: `Post "<url>": dial tcp
// <addr>: connect: connection refused`, `... context deadline exceeded`, an x509 verification error.
import { request } from 'node:https';
import type { Agent } from 'node:https';
import type { WebhookEndpoint } from './webhook-endpoint.js';

/** The webhook could not be called, or did not answer an AdmissionReview. */
export class WebhookCallError extends Error {}

/** At most this much of an answer is read (kube-apiserver's limit on a webhook response). */
const MAX_RESPONSE_BYTES = 3 * 1024 * 1024 + 512 * 1024;

function goError(error: NodeJS.ErrnoException, endpoint: WebhookEndpoint, timedOut: boolean): string {
  const address = `${endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host}:${endpoint.port}`;
  if (timedOut) return 'context deadline exceeded';
  switch (error.code) {
    case 'ECONNREFUSED':
      return `dial tcp ${address}: connect: connection refused`;
    case 'ECONNRESET':
      return `read tcp ${address}: read: connection reset by peer`;
    case 'EHOSTUNREACH':
      return `dial tcp ${address}: connect: no route to host`;
    case 'ENOTFOUND':
      return `dial tcp: lookup ${endpoint.host}: no such host`;
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return 'tls: failed to verify certificate: x509: certificate signed by unknown authority';
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `tls: failed to verify certificate: x509: certificate is not valid for ${endpoint.servername}`;
    default:
      return error.message;
  }
}

/** The answer's JSON body; throws WebhookCallError (with Go's wording) when the call fails. */
export function postAdmissionReview(endpoint: WebhookEndpoint, agent: Agent, body: string, timeoutMs: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let timedOut = false;
    const fail = (message: string): void => reject(new WebhookCallError(`Post "${endpoint.url}": ${message}`));
    const req = request(
      {
        host: endpoint.host,
        port: endpoint.port,
        path: endpoint.path,
        method: 'POST',
        servername: endpoint.servername,
        agent,
        headers: { 'content-type': 'application/json', accept: 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) {
            req.destroy();
            fail(`webhook response exceeds ${MAX_RESPONSE_BYTES} bytes`);
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', (error) => fail(goError(error, endpoint, timedOut)));
        res.on('end', () => {
          clearTimeout(timer);
          const text = Buffer.concat(chunks).toString();
          const status = res.statusCode ?? 0;
          if (status < 200 || status > 299) {
            reject(new WebhookCallError(`an error on the server (${JSON.stringify(text.slice(0, 256))}) has prevented the request from succeeding`));
            return;
          }
          try {
            resolve(JSON.parse(text));
          } catch (error) {
            reject(new WebhookCallError(`received invalid webhook response: ${(error as Error).message}`));
          }
        });
      },
    );
    const timer = setTimeout(() => {
      timedOut = true;
      req.destroy(new Error('timeout'));
    }, timeoutMs);
    req.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      fail(goError(error, endpoint, timedOut));
    });
    req.end(body);
  });
}
