// The strategy of a custom resource version, driven by its CustomResourceDefinition's schema:
// unknown fields pruned, defaults applied, the object validated against the structural schema and
// its x-kubernetes-validations CEL rules, metadata.generation counting changes of everything but
// metadata and status, and with a status subresource the status changed only through /status
// (and the spec never through it).
import type { Schema } from '../../../../lib/api/openapi/schema.js';
import { applySchemaDefaults } from '../../../../lib/api/crd/defaults.js';
import type { CustomVersion } from '../../../../lib/api/crd/definition.js';
import { hasRules, validateRules } from '../../../../lib/api/crd/cel-rules.js';
import { pruneCustomObject } from '../../../../lib/api/crd/prune.js';
import { validateCustomObject } from '../../../../lib/api/crd/validate-object.js';
import type { FieldError } from '../../../../lib/api/field-errors.js';
import type { KubeObject } from '../../../../lib/api/object.js';
import { errors } from '../../../../lib/api/status.js';
import { validateCreate, validateUpdate } from '../../../../lib/api/validation/index.js';
import { keepStatus, onlyStatus, type Strategy } from '../strategy.js';

type Rec = Record<string, unknown>;

/**
 * `terminating`: the definition is being deleted; its objects may still be read, changed and
 * deleted, but no new one is created (Kubernetes' 405).
 */
export function customResourceStrategy(version: CustomVersion, terminating = false): Strategy {
  const { info, schema } = version;
  const hasStatus = info.subresources.includes('status');
  const rules = hasRules(schema);
  const checkSchema = (obj: KubeObject, old?: KubeObject): FieldError[] => {
    const errors = validateCustomObject(schema, obj as Rec);
    if (errors.length === 0 && rules) errors.push(...validateRules(schema, obj as Rec, old as Rec | undefined));
    return errors;
  };
  return {
    info,
    tracksGeneration: true,
    allowCreateOnUpdate: false,
    prepareForCreate: (obj) => {
      if (terminating) throw errors.methodNotAllowed('create not allowed while custom resource definition is terminating');
      if (hasStatus) delete obj.status;
    },
    prepareForUpdate: (next, old) => (hasStatus ? keepStatus(next, old) : next),
    applyDefaults: (obj) => {
      pruneCustomObject(obj as Rec, schema);
      applySchemaDefaults(obj, schema);
    },
    validate: (obj) => [...validateCreate(info, obj), ...checkSchema(obj)],
    validateUpdate: (next, old) => [...validateUpdate(info, next, old), ...checkSchema(next, old)],
    canonicalize: (obj) => obj,
    fieldSchema: schema as Schema,
    deletion: { gracePeriodSeconds: () => 0 },
    ...(hasStatus
      ? {
          status: {
            prepareForUpdate: (next, old) => onlyStatus(next, old),
            validateUpdate: (next, old) => [...validateUpdate(info, next, old), ...checkSchema(next, old)],
          },
        }
      : {}),
  };
}
