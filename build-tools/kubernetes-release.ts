// The Kubernetes release Rudder's API schemas come from: v1.36.3, the release of the upstream
// components Rudder runs against (the kube-peers). The staging modules k8s.io/api and
// k8s.io/apimachinery are published as v0.<minor>.<patch> of the same release. The hashes are
// the go.sum lines of a module that requires k8s.io/kubernetes v1.36.3.
import type { GoModule } from './go-modules/go-module.js';

export const KUBERNETES_MODULE: GoModule = {
  path: 'k8s.io/kubernetes',
  version: 'v1.36.3',
  h1: 'h1:qDQdoMiluAE2Eab6Fa52YV+WjiGz9mZFFoagEA6cI+o=',
};

export const API_MODULE: GoModule = {
  path: 'k8s.io/api',
  version: 'v0.36.3',
  h1: 'h1:NxB+05W2UGqXWFXcLO0RB5cnqnUPP5v5sVlaOH0Iz4w=',
};

export const APIMACHINERY_MODULE: GoModule = {
  path: 'k8s.io/apimachinery',
  version: 'v0.36.3',
  h1: 'h1:PkzMRBRG8joFD8EhCuQAtNPvJlxb82FwplP26HIzvAM=',
};

/** The OpenAPI v2 document kube-apiserver of the release serves, as the release commits it. */
export const SWAGGER_FILE = 'api/openapi-spec/swagger.json';

/** The Container Runtime Interface of the release: the kubelet's gRPC API to container runtimes. */
export const CRI_API_MODULE: GoModule = {
  path: 'k8s.io/cri-api',
  version: 'v0.36.3',
  h1: 'h1:QFEMKGim6DSdlaW3JwpjVCjUQgTnkKG7i3McAaBW6Fo=',
};

/** CRI v1's services and messages, in the module. */
export const CRI_PROTO_FILE = 'pkg/apis/runtime/v1/api.proto';
