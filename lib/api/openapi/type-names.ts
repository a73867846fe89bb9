// How a type in the kubernetes-types package is named in Kubernetes' OpenAPI documents, and
// which module of that package holds the types of an API group version.

/** A module of the kubernetes-types package, as its path without extension: "core/v1", "meta/v1". */
export type TypesModule = string;

/** Modules whose Go packages live outside k8s.io/api. */
const APIMACHINERY_PREFIXES: Record<string, string> = {
  'meta/v1': 'io.k8s.apimachinery.pkg.apis.meta.v1',
  'api/resource': 'io.k8s.apimachinery.pkg.api.resource',
  runtime: 'io.k8s.apimachinery.pkg.runtime',
  version: 'io.k8s.apimachinery.pkg.version',
  'apiextensions/v1': 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1',
};

/** IntOrString has no declaration in kubernetes-types (fields are typed `number | string`). */
export const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
export const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';

/** io.k8s.api.core.v1 for "core/v1", io.k8s.apimachinery.pkg.apis.meta.v1 for "meta/v1". */
export function definitionPrefix(module: TypesModule): string {
  const special = APIMACHINERY_PREFIXES[module];
  if (special) return special;
  const [dir, version] = module.split('/');
  if (!dir || !version) throw new Error(`unexpected kubernetes-types module ${module}`);
  return `io.k8s.api.${dir}.${version}`;
}

export function definitionName(module: TypesModule, typeName: string): string {
  return `${definitionPrefix(module)}.${typeName}`;
}

/** The module declaring the kinds of an API group version: "" v1 → core/v1, discovery.k8s.io v1 → discovery/v1. */
export function moduleOfGroupVersion(group: string, version: string): TypesModule {
  const dir = group === '' ? 'core' : group.split('.')[0];
  return `${dir}/${version}`;
}

/** The definition name of a served kind: ("apps", "v1", "Deployment") → io.k8s.api.apps.v1.Deployment. */
export function kindDefinitionName(group: string, version: string, kind: string): string {
  return definitionName(moduleOfGroupVersion(group, version), kind);
}

/**
 * The Go spelling of a definition's type as encoding/json prints it in decode errors:
 * io.k8s.api.core.v1.PodSpec → v1.PodSpec, io.k8s.apimachinery.pkg.api.resource.Quantity → resource.Quantity.
 */
export function goTypeName(definition: string): string {
  const parts = definition.split('.');
  return `${parts[parts.length - 2]}.${parts[parts.length - 1]}`;
}

/** The bare Go struct name: io.k8s.api.core.v1.PodSpec → PodSpec. */
export function goStructName(definition: string): string {
  return definition.slice(definition.lastIndexOf('.') + 1);
}
