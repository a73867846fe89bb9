// The field manager of a served resource: built-in kinds are walked by their OpenAPI definition,
// custom resources by their definition's schema (with ObjectMeta for metadata), anything else as
// deduced JSON.
import { FieldManager } from '../../../lib/api/field-manager/field-manager.js';
import { DEDUCED, servedTypes, TypeResolver, type FieldType } from '../../../lib/api/field-manager/schema.js';
import { kindDefinitionName, metaDefinitionName } from '../../../lib/api/openapi/type-names.js';
import { apiVersionOf } from '../../../lib/api/resources.js';
import type { Strategy } from './strategy.js';

function customType(strategy: Strategy): FieldType {
  const root = new TypeResolver({}).of(strategy.fieldSchema!);
  if (root.kind !== 'struct') return root;
  const fields = new Map(root.fields);
  fields.set('metadata', () => servedTypes().definition(metaDefinitionName('ObjectMeta')));
  return { ...root, fields };
}

export function fieldManagerFor(strategy: Strategy): FieldManager {
  const { info } = strategy;
  let type: FieldType = DEDUCED;
  if (strategy.fieldSchema) type = customType(strategy);
  else {
    const name = kindDefinitionName(info.group, info.version, info.kind);
    type = servedTypes().definition(name);
  }
  return new FieldManager({ type, apiVersion: apiVersionOf(info), hasStatus: strategy.status !== undefined });
}
