// The Kubernetes release Rudder's API matches: the kubernetes-types package it is built from
// is 1.30, so /version reports 1.30 and kubectl (or a dispatcher picking a kubectl by server
// version) treats the server as a 1.30 apiserver.

export const KUBERNETES_VERSION = {
  major: '1',
  minor: '30',
  gitVersion: 'v1.30.0+rudder',
} as const;
