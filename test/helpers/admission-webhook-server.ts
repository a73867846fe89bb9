// A webhook server for admission tests: HTTPS on a free loopback port with a certificate from its
// own CA (for 127.0.0.1, localhost and the Service name hook.default.svc), whose caBundle the
// test puts in its webhook configurations. Each path is one behaviour; every review is recorded.
//   /deny   refuses (403) with a message;
//   /label  adds the label mutated-by=webhook by JSONPatch, with a warning;
//   /count  counts its calls in the annotation `calls` (reinvocation);
//   /slow   allows after 3 s;
//   /break  adds a label whose value is not a valid label value;
//   /wrong-uid  answers with another uid;
//   others  allow.
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePki } from '../../lib/pki/certs.js';

export interface Review {
  apiVersion: string;
  request: {
    uid: string;
    operation: string;
    name: string;
    namespace?: string;
    dryRun: boolean;
    resource: { group: string; resource: string };
    object: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> } } | null;
  };
}

export interface WebhookServer {
  port: number;
  /** The CA of the server's certificate, base64 PEM, as clientConfig.caBundle takes it. */
  caBundle: string;
  /** Every review received, in order, with the path it was sent to. */
  seen: { path: string; review: Review }[];
  close(): void;
}

function jsonPatch(operations: unknown[]): string {
  return Buffer.from(JSON.stringify(operations)).toString('base64');
}

export async function startWebhookServer(): Promise<WebhookServer> {
  const pkiDir = mkdtempSync(join(tmpdir(), 'rudder-webhook-pki-'));
  const pki = await ensurePki(pkiDir, ['127.0.0.1', 'localhost', 'hook.default.svc']);
  const seen: WebhookServer['seen'] = [];
  const server = createServer({ key: readFileSync(pki.serverKey), cert: readFileSync(pki.serverCert) }, (req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      const review = JSON.parse(text) as Review;
      const path = (req.url ?? '').split('?')[0]!;
      seen.push({ path, review });
      const answer = (response: Record<string, unknown>): void => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ apiVersion: review.apiVersion, kind: 'AdmissionReview', response: { uid: review.request.uid, ...response } }));
      };
      const metadata = review.request.object?.metadata ?? {};
      switch (path) {
        case '/deny':
          return answer({ allowed: false, status: { code: 403, message: 'configmaps labelled deny=yes are refused' } });
        case '/label': {
          const patch = [...(metadata.labels ? [] : [{ op: 'add', path: '/metadata/labels', value: {} }]), { op: 'add', path: '/metadata/labels/mutated-by', value: 'webhook' }];
          return answer({ allowed: true, patchType: 'JSONPatch', patch: jsonPatch(patch), warnings: ['labelled by the test webhook'] });
        }
        case '/count': {
          const calls = String(Number(metadata.annotations?.calls ?? '0') + 1);
          const patch = [...(metadata.annotations ? [] : [{ op: 'add', path: '/metadata/annotations', value: {} }]), { op: 'add', path: '/metadata/annotations/calls', value: calls }];
          return answer({ allowed: true, patchType: 'JSONPatch', patch: jsonPatch(patch) });
        }
        case '/break': {
          const patch = [...(metadata.labels ? [] : [{ op: 'add', path: '/metadata/labels', value: {} }]), { op: 'add', path: '/metadata/labels/broken', value: 'not valid!' }];
          return answer({ allowed: true, patchType: 'JSONPatch', patch: jsonPatch(patch) });
        }
        case '/wrong-uid':
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ apiVersion: review.apiVersion, kind: 'AdmissionReview', response: { uid: 'someone-else', allowed: true } }));
          return;
        case '/slow':
          setTimeout(() => answer({ allowed: true }), 3000);
          return;
        default:
          return answer({ allowed: true });
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    caBundle: readFileSync(pki.caCert).toString('base64'),
    seen,
    close() {
      server.closeAllConnections();
      server.close();
      rmSync(pkiDir, { recursive: true, force: true });
    },
  };
}
