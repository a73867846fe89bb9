// How Kubernetes names the OpenAPI definitions of its types, and how encoding/json spells those
// types in decode errors.
import { goPackageOf, META_V1_PACKAGE, openApiPrefixOf, VERSION_PACKAGE } from '../go-packages.js';

export const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
export const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
export const VERSION_INFO = `${openApiPrefixOf(VERSION_PACKAGE)}.Info`;

/** The definition of a meta.k8s.io/v1 type: Status → io.k8s.apimachinery.pkg.apis.meta.v1.Status. */
export function metaDefinitionName(typeName: string): string {
  return `${openApiPrefixOf(META_V1_PACKAGE)}.${typeName}`;
}

/** The definition-name prefix of each group/version asked so far. */
const prefixes = new Map<string, string>();

/** The definition name of a kind: ("apps", "v1", "Deployment") → io.k8s.api.apps.v1.Deployment. */
export function kindDefinitionName(group: string, version: string, kind: string): string {
  const key = `${group}/${version}`;
  let prefix = prefixes.get(key);
  if (prefix === undefined) prefixes.set(key, (prefix = openApiPrefixOf(goPackageOf(group, version))));
  return `${prefix}.${kind}`;
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
