// The Kubernetes release Rudder's API matches: its schemas are Kubernetes 1.36.3's own (see
// build-tools/kubernetes-release.ts), so /version reports 1.36 and clients (kubectl, client-go,
// a dispatcher picking a kubectl by server version) treat the server as a 1.36 apiserver.
// "+rudder" is semver build metadata, as distributions add theirs (v1.30.2+k3s1): Kubernetes'
// version parsers keep it apart from the release, and clients compare major and minor only.
// The emulation and minimum-compatibility versions are what kube-apiserver 1.36 reports by
// default: its own minor, and the one before it.
import type { Info } from 'kubernetes-types/version.js';

export const KUBERNETES_VERSION = {
  major: '1',
  minor: '36',
  gitVersion: 'v1.36.3+rudder',
  emulationMajor: '1',
  emulationMinor: '36',
  minCompatibilityMajor: '1',
  minCompatibilityMinor: '35',
} as const;

/** The /version answer (version.Info) as Kubernetes 1.36 writes it; kubernetes-types 1.30 lacks the emulation fields. */
export interface VersionInfo extends Info {
  emulationMajor?: string;
  emulationMinor?: string;
  minCompatibilityMajor?: string;
  minCompatibilityMinor?: string;
}
