// How a component (scheduler, controller-manager, kubelet) reaches the apiserver: a kubeconfig (the
// --kubeconfig of Kubernetes' components, with --master overriding its server), or without one the
// cluster CA from --cert-dir and the admin token of the apiserver's token file (how containers
// sharing the cluster's data volume connect).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { adminToken } from './admin.js';
import { loadKubeconfig, type ClusterAccess } from './kubeconfig.js';

export interface AccessSettings {
  kubeconfig: string;
  master: string;
  certDir: string;
  tokenAuthFile: string;
}

export function clusterAccess(settings: AccessSettings): ClusterAccess {
  if (settings.kubeconfig !== '') {
    const access = loadKubeconfig(settings.kubeconfig);
    return settings.master !== '' ? { ...access, server: settings.master } : access;
  }
  if (settings.master === '') throw new Error('give --kubeconfig, or --master with --cert-dir and --token-auth-file');
  if (settings.certDir === '' || settings.tokenAuthFile === '') throw new Error('--master without --kubeconfig needs --cert-dir (the cluster CA) and --token-auth-file (the admin token)');
  const token = adminToken(settings.tokenAuthFile);
  if (!token) throw new Error(`${settings.tokenAuthFile} has no admin token`);
  return { server: settings.master, caPem: readFileSync(join(settings.certDir, 'ca.crt'), 'utf8'), token };
}
