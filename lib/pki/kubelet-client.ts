// The apiserver's client certificate toward kubelets, as kubeadm makes apiserver-kubelet-client.crt:
// CN=kube-apiserver-kubelet-client in O=system:masters, signed by the cluster CA, so the kubelet's
// API (logs, exec, attach, port-forward) knows its caller is the apiserver. <dir>/
// apiserver-kubelet-client.crt and .key, made once from the CA in the same directory.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pkiPaths } from './certs.js';
import { createClientCert } from './issue.js';
import { writeAtomically } from './raft-peer.js';
import { readCa } from './x509.js';

export const KUBELET_CLIENT_USER = 'kube-apiserver-kubelet-client';

export interface KubeletClientTls {
  cert: Buffer;
  key: Buffer;
  /** The cluster CA, which signs the kubelets' serving certificates. */
  ca: Buffer;
}

export async function ensureKubeletClientCert(dir: string): Promise<KubeletClientTls> {
  const certFile = join(dir, 'apiserver-kubelet-client.crt');
  const keyFile = join(dir, 'apiserver-kubelet-client.key');
  const ca = pkiPaths(dir);
  if (!existsSync(certFile) || !existsSync(keyFile)) {
    const made = await createClientCert(await readCa(ca.caCert, ca.caKey), KUBELET_CLIENT_USER, ['system:masters']);
    writeAtomically(keyFile, made.keyPem, 0o600);
    writeAtomically(certFile, made.certPem, 0o644);
  }
  return { cert: readFileSync(certFile), key: readFileSync(keyFile), ca: readFileSync(ca.caCert) };
}
