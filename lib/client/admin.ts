// A client of the apiserver's admin API (/admin/replica, /admin/replicas): a replica's Raft view
// and membership changes, used by `rudder` and the test harness.
import { request } from 'node:https';
import { readTokenFile } from '../pki/tokens.js';
import type { ReplicaReport } from '../api/replica-report.js';

export type { ReplicaReport };

export interface AdminResponse {
  status: number;
  body: string;
}

export function adminCall(url: string, caPem: string, token: string, method: string, path: string, body?: unknown, timeoutMs = 10_000): Promise<AdminResponse> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      `${url}${path}`,
      {
        method,
        ca: caPem,
        timeout: timeoutMs,
        headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(payload ? { 'content-type': 'application/json' } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

/** The replica's report, or undefined when it does not answer in time. */
export async function replicaReport(url: string, caPem: string, token: string, timeoutMs = 2000): Promise<ReplicaReport | undefined> {
  try {
    const res = await adminCall(url, caPem, token, 'GET', '/admin/replica', undefined, timeoutMs);
    return res.status === 200 ? (JSON.parse(res.body) as ReplicaReport) : undefined;
  } catch {
    return undefined;
  }
}

/** A token of system:masters from a static token file. */
export function adminToken(tokenFile: string): string | undefined {
  for (const [token, user] of readTokenFile(tokenFile)) if (user.groups.includes('system:masters')) return token;
  return undefined;
}
