// Reading and writing kubeconfig files: the cluster (server, CA), the user (token or client
// certificate) and the context that ties them, as kubectl and client-go read them.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';

export interface ClusterAccess {
  server: string;
  /** PEM of the CA that signed the server's certificate; undefined trusts the system roots. */
  caPem?: string;
  insecureSkipTlsVerify?: boolean;
  token?: string;
  clientCertPem?: string;
  clientKeyPem?: string;
  namespace?: string;
}

interface NamedEntry<T> {
  name: string;
  [key: string]: unknown;
  cluster?: T;
  user?: T;
  context?: T;
}

function pick<T>(entries: unknown, name: string | undefined, field: 'cluster' | 'user' | 'context', path: string): T {
  if (!Array.isArray(entries)) throw new Error(`${path}: no ${field}s`);
  const entry = (entries as NamedEntry<T>[]).find((e) => e && e.name === name);
  if (!entry || entry[field] === undefined) throw new Error(`${path}: ${field} "${name ?? ''}" not found`);
  return entry[field] as T;
}

function readMaybeRelative(file: string, base: string): string {
  return readFileSync(isAbsolute(file) ? file : resolve(dirname(base), file), 'utf8');
}

function decodeData(value: unknown): string | undefined {
  return typeof value === 'string' ? Buffer.from(value, 'base64').toString('utf8') : undefined;
}

/** Loads the access details of a kubeconfig's current context (or the named one). */
export function loadKubeconfig(path: string, contextName?: string): ClusterAccess {
  const doc = parseYaml(readFileSync(path, 'utf8')) as Record<string, unknown> | null;
  if (!doc || typeof doc !== 'object') throw new Error(`${path}: not a kubeconfig`);
  const name = contextName ?? (doc['current-context'] as string | undefined);
  const context = pick<Record<string, string>>(doc.contexts, name, 'context', path);
  const cluster = pick<Record<string, unknown>>(doc.clusters, context.cluster, 'cluster', path);
  const user = context.user ? pick<Record<string, unknown>>(doc.users, context.user, 'user', path) : {};
  if (typeof cluster.server !== 'string') throw new Error(`${path}: cluster "${context.cluster}" has no server`);
  const access: ClusterAccess = { server: cluster.server };
  access.caPem =
    decodeData(cluster['certificate-authority-data']) ??
    (typeof cluster['certificate-authority'] === 'string' ? readMaybeRelative(cluster['certificate-authority'], path) : undefined);
  if (cluster['insecure-skip-tls-verify'] === true) access.insecureSkipTlsVerify = true;
  if (typeof user.token === 'string') access.token = user.token;
  else if (typeof user.tokenFile === 'string') access.token = readMaybeRelative(user.tokenFile, path).trim();
  access.clientCertPem =
    decodeData(user['client-certificate-data']) ??
    (typeof user['client-certificate'] === 'string' ? readMaybeRelative(user['client-certificate'], path) : undefined);
  access.clientKeyPem =
    decodeData(user['client-key-data']) ?? (typeof user['client-key'] === 'string' ? readMaybeRelative(user['client-key'], path) : undefined);
  if (context.namespace) access.namespace = context.namespace;
  return access;
}

export interface KubeconfigSpec {
  /** Cluster, user and context share this name ("rudder"). */
  name: string;
  server: string;
  caPem: string;
  /** The user's bearer token, or (without one) its client certificate and key. */
  token?: string;
  clientCertPem?: string;
  clientKeyPem?: string;
  userName?: string;
}

function userCredentials(spec: KubeconfigSpec): Record<string, string> {
  if (spec.token !== undefined) return { token: spec.token };
  if (spec.clientCertPem === undefined || spec.clientKeyPem === undefined) throw new Error('a kubeconfig user needs a token or a client certificate and key');
  return { 'client-certificate-data': Buffer.from(spec.clientCertPem).toString('base64'), 'client-key-data': Buffer.from(spec.clientKeyPem).toString('base64') };
}

export function renderKubeconfig(spec: KubeconfigSpec): string {
  const user = spec.userName ?? `${spec.name}-admin`;
  return stringifyYaml({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: spec.name, cluster: { server: spec.server, 'certificate-authority-data': Buffer.from(spec.caPem).toString('base64') } }],
    users: [{ name: user, user: userCredentials(spec) }],
    contexts: [{ name: spec.name, context: { cluster: spec.name, user, namespace: 'default' } }],
    'current-context': spec.name,
    preferences: {},
  });
}

export function writeKubeconfig(path: string, spec: KubeconfigSpec): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, renderKubeconfig(spec), { mode: 0o600 });
}
