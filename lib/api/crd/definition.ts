// What a CustomResourceDefinition serves: one resource per served version (the resource table's
// shape, so discovery, routing, storage keys and tables treat it as any other), each with its
// schema, subresources and printer columns. Every version is stored under the same key prefix
// (/registry/<group>/<plural>/), in the storage version's apiVersion.
import { isPlainObject } from '../object.js';
import type { PrinterColumn, ResourceInfo, ScalePaths, Subresource } from '../resources.js';
import { asSchema, type JSONSchemaProps } from './schema.js';

type Rec = Record<string, unknown>;

export interface CustomVersion {
  readonly info: ResourceInfo;
  readonly schema: JSONSchemaProps;
  /** The version objects are stored as. */
  readonly storageVersion: string;
  readonly deprecated?: { warning: string };
}

function rec(value: unknown): Rec {
  return isPlainObject(value) ? value : {};
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((s): s is string => typeof s === 'string') : [];
}

/** Kubernetes' version priority: GA before beta before alpha, higher numbers first, then others by name. */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string): [number, number, number, string] => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [3, 0, 0, v];
    const stage = m[2] === undefined ? 0 : m[2] === 'beta' ? 1 : 2;
    return [stage, -Number(m[1]), -Number(m[3] ?? 0), v];
  };
  const [x, y] = [parse(a), parse(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
  return x[3] < y[3] ? -1 : x[3] > y[3] ? 1 : 0;
}

/** Without additionalPrinterColumns, Kubernetes prints a custom resource's Age. */
const AGE: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };

function printerColumns(version: Rec): PrinterColumn[] {
  const columns = Array.isArray(version.additionalPrinterColumns) ? version.additionalPrinterColumns.filter(isPlainObject) : [];
  if (columns.length === 0) return [AGE];
  return columns.map((c) => ({
    name: String(c.name),
    type: String(c.type),
    jsonPath: String(c.jsonPath),
    ...(typeof c.format === 'string' ? { format: c.format } : {}),
    ...(typeof c.description === 'string' ? { description: c.description } : {}),
    ...(typeof c.priority === 'number' ? { priority: c.priority } : {}),
  }));
}

function scalePaths(subresources: Rec): ScalePaths | undefined {
  if (!isPlainObject(subresources.scale)) return undefined;
  const scale = subresources.scale;
  return {
    specReplicasPath: String(scale.specReplicasPath),
    statusReplicasPath: String(scale.statusReplicasPath),
    ...(typeof scale.labelSelectorPath === 'string' && scale.labelSelectorPath !== '' ? { labelSelectorPath: scale.labelSelectorPath } : {}),
  };
}

/** The served versions of a definition, in discovery order (highest priority first). */
export function servedVersions(crd: Rec): CustomVersion[] {
  const spec = rec(crd.spec);
  const names = rec(rec(crd.status).acceptedNames);
  const specNames = rec(spec.names);
  const group = String(spec.group);
  const kind = String(names.kind ?? specNames.kind);
  const plural = String(names.plural ?? specNames.plural);
  const versions = Array.isArray(spec.versions) ? spec.versions.filter(isPlainObject) : [];
  const storage = versions.find((v) => v.storage === true)?.name;
  const out: CustomVersion[] = [];
  for (const v of versions) {
    if (v.served !== true || typeof v.name !== 'string') continue;
    const subresources = rec(v.subresources);
    const subs: Subresource[] = [];
    if (isPlainObject(subresources.status)) subs.push('status');
    if (isPlainObject(subresources.scale)) subs.push('scale');
    const scale = scalePaths(subresources);
    const columns = printerColumns(v);
    const info: ResourceInfo = {
      group,
      version: v.name,
      resource: plural,
      singular: String(names.singular ?? specNames.singular ?? kind.toLowerCase()),
      kind,
      listKind: String(names.listKind ?? specNames.listKind ?? `${kind}List`),
      namespaced: spec.scope === 'Namespaced',
      shortNames: strings(names.shortNames ?? specNames.shortNames),
      categories: strings(names.categories ?? specNames.categories),
      subresources: subs,
      protobuf: false,
      printerColumns: columns,
      ...(scale ? { scalePaths: scale } : {}),
      ...(v.name !== storage ? { storageVersion: { group, version: String(storage), resource: plural } } : {}),
    };
    out.push({
      info,
      schema: asSchema(rec(v.schema).openAPIV3Schema) ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      storageVersion: String(storage),
      ...(v.deprecated === true ? { deprecated: { warning: typeof v.deprecationWarning === 'string' ? v.deprecationWarning : `${group}/${v.name} ${kind} is deprecated` } } : {}),
    });
  }
  return out.sort((a, b) => compareVersions(a.info.version, b.info.version));
}

/** Whether the definition's Established condition is True (its kinds are served). */
export function isEstablished(crd: Rec): boolean {
  const conditions = Array.isArray(rec(crd.status).conditions) ? (rec(crd.status).conditions as unknown[]) : [];
  return conditions.some((c) => isPlainObject(c) && c.type === 'Established' && c.status === 'True');
}
