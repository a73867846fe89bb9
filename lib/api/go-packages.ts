// The Go package that holds an API group version's types. Kubernetes names both schemas after it:
// OpenAPI definitions by the package path with its domain reversed (io.k8s.api.apps.v1.Deployment),
// protobuf messages by the path with dots (k8s.io.api.apps.v1.Deployment).

/** Groups whose package is not k8s.io/api/<first DNS label of the group>. */
const GROUP_PACKAGES: Readonly<Record<string, string>> = {
  '': 'k8s.io/api/core',
  'meta.k8s.io': 'k8s.io/apimachinery/pkg/apis/meta',
  'internal.apiserver.k8s.io': 'k8s.io/api/apiserverinternal',
  'apiextensions.k8s.io': 'k8s.io/apiextensions-apiserver/pkg/apis/apiextensions',
  'apiregistration.k8s.io': 'k8s.io/kube-aggregator/pkg/apis/apiregistration',
};

/** The meta.k8s.io/v1 types (ObjectMeta, Status, DeleteOptions) every group shares. */
export const META_V1_PACKAGE = goPackageOf('meta.k8s.io', 'v1');
/** version.Info, the /version answer. */
export const VERSION_PACKAGE = 'k8s.io/apimachinery/pkg/version';

/** "" v1 → k8s.io/api/core/v1; rbac.authorization.k8s.io v1 → k8s.io/api/rbac/v1. */
export function goPackageOf(group: string, version: string): string {
  return `${GROUP_PACKAGES[group] ?? `k8s.io/api/${group.split('.')[0]}`}/${version}`;
}

/** k8s.io/api/apps/v1 → io.k8s.api.apps.v1 */
export function openApiPrefixOf(goPackage: string): string {
  const [domain = '', ...path] = goPackage.split('/');
  return [...domain.split('.').reverse(), ...path].join('.');
}

/** k8s.io/api/apps/v1 → k8s.io.api.apps.v1; go-to-protobuf writes dashes as underscores. */
export function protoPackageOf(goPackage: string): string {
  return goPackage.replaceAll('/', '.').replaceAll('-', '_');
}
