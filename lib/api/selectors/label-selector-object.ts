// metav1.LabelSelector objects ({matchLabels, matchExpressions}) as controllers and the
// apiserver use them: converted to the same matcher as selector strings
// (metav1.LabelSelectorAsSelector) and validated field by field (metav1validation).
import type { LabelSelector as LabelSelectorObject, LabelSelectorRequirement } from 'kubernetes-types/meta/v1.js';
import { errors } from '../status.js';
import { type FieldError, type FieldPath, fieldErrors } from '../field-errors.js';
import {
  type LabelOperator,
  type LabelRequirement,
  type LabelSelector,
  LabelSelectorError,
  everythingSelector,
  labelSelectorOf,
  newLabelRequirement,
  nothingSelector,
} from './label-selector.js';
import { isQualifiedName, isValidLabelValue } from '../names.js';

const OBJECT_OPERATORS: Readonly<Record<string, LabelOperator>> = {
  In: 'in',
  NotIn: 'notin',
  Exists: 'exists',
  DoesNotExist: '!',
};

/**
 * The matcher for a LabelSelector object. A missing selector selects nothing, an empty one
 * everything. An invalid one throws a 400 BadRequest Status with Go's message.
 */
export function labelSelectorFromObject(selector: LabelSelectorObject | null | undefined): LabelSelector {
  if (selector === null || selector === undefined) return nothingSelector();
  const matchLabels = Object.entries(selector.matchLabels ?? {});
  const expressions = selector.matchExpressions ?? [];
  if (matchLabels.length + expressions.length === 0) return everythingSelector();
  try {
    const requirements: LabelRequirement[] = matchLabels.map(([key, value]) => newLabelRequirement(key, '=', [value]));
    for (const expression of expressions) {
      const operator = OBJECT_OPERATORS[expression.operator];
      if (!operator) throw new LabelSelectorError(`${JSON.stringify(expression.operator)} is not a valid label selector operator`);
      // Go copies the values into a nil slice, so an empty list prints as []string(nil).
      const values = expression.values && expression.values.length > 0 ? expression.values : null;
      requirements.push(newLabelRequirement(expression.key, operator, values));
    }
    return labelSelectorOf(requirements);
  } catch (error) {
    if (error instanceof LabelSelectorError) throw errors.badRequest(error.message);
    throw error;
  }
}

export interface LabelSelectorValidationOptions {
  /** Skip value syntax checks inside matchExpressions (as for objects stored before the check). */
  allowInvalidLabelValueInSelector?: boolean;
}

/** metav1validation.ValidateLabelName: one error per broken rule, all at the same path. */
export function validateLabelName(name: string, path: FieldPath): FieldError[] {
  return isQualifiedName(name).map((message) => fieldErrors.invalid(path.toString(), name, message));
}

/** metav1validation.ValidateLabels: keys and values of a label map, reported at the map's path. */
export function validateLabelMap(labels: Readonly<Record<string, string>> | null | undefined, path: FieldPath): FieldError[] {
  const found: FieldError[] = [];
  for (const [key, value] of Object.entries(labels ?? {})) {
    found.push(...validateLabelName(key, path));
    for (const message of isValidLabelValue(value)) found.push(fieldErrors.invalid(path.toString(), value, message));
  }
  return found;
}

function validateRequirement(requirement: LabelSelectorRequirement, options: LabelSelectorValidationOptions, path: FieldPath): FieldError[] {
  const found: FieldError[] = [];
  const values = requirement.values ?? [];
  switch (requirement.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) found.push(fieldErrors.required(path.child('values').toString(), "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) {
        found.push(fieldErrors.forbidden(path.child('values').toString(), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      }
      break;
    default:
      found.push(fieldErrors.invalid(path.child('operator').toString(), requirement.operator, 'not a valid selector operator'));
  }
  found.push(...validateLabelName(requirement.key, path.child('key')));
  if (!options.allowInvalidLabelValueInSelector) {
    values.forEach((value, i) => {
      for (const message of isValidLabelValue(value)) found.push(fieldErrors.invalid(path.child('values').index(i).toString(), value, message));
    });
  }
  return found;
}

/** metav1validation.ValidateLabelSelector, e.g. for spec.selector of a Deployment. */
export function validateLabelSelector(
  selector: LabelSelectorObject | null | undefined,
  path: FieldPath,
  options: LabelSelectorValidationOptions = {},
): FieldError[] {
  if (!selector) return [];
  const found = validateLabelMap(selector.matchLabels, path.child('matchLabels'));
  (selector.matchExpressions ?? []).forEach((requirement, i) => {
    found.push(...validateRequirement(requirement, options, path.child('matchExpressions').index(i)));
  });
  return found;
}
