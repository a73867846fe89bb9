// admissionregistration.k8s.io/v1 webhook configurations, ValidatingAdmissionPolicies and their
// bindings (pkg/apis/admissionregistration/validation of Kubernetes 1.36): webhook names, rules
// (operations, groups, versions, resources with their wildcard combinations, scope), client
// configuration (exactly one of an https URL or a service), side effects, timeouts, admission
// review versions, match conditions and policy validations whose CEL must parse, and a binding's
// policy, parameter reference and validation actions. Rudder stores these; calling the webhooks
// and evaluating the policies is not done yet.
import { FieldPath, fieldErrors } from '../field-errors.js';
import { isDNS1035Label, isDNS1123Subdomain, isQualifiedName, isValidPathSegmentName, isValidPortNum, nameIsDNSSubdomain } from '../names.js';
import { celSyntaxError } from './cel.js';
import { goStringSlice } from './go-format.js';
import { Errs, type Rec, optInt, optStr, rec, recList, str, strList } from './json.js';
import { type MetaRules, validateLabelSelector, validateObjectMeta } from './meta.js';

const ADMISSION_META: MetaRules = { nameRule: nameIsDNSSubdomain, namespaced: false, kubeFinalizers: false };

const OPERATIONS = ['*', 'CONNECT', 'CREATE', 'DELETE', 'UPDATE'];
const SCOPES = ['*', 'Cluster', 'Namespaced'];
const FAILURE_POLICIES = ['Fail', 'Ignore'];
const MATCH_POLICIES = ['Equivalent', 'Exact'];
const SIDE_EFFECTS = ['None', 'NoneOnDryRun'];
const REINVOCATION_POLICIES = ['IfNeeded', 'Never'];
const ADMISSION_REVIEW_VERSIONS = ['v1', 'v1beta1'];
const VALIDATION_ACTIONS = ['Audit', 'Deny', 'Warn'];
const POLICY_REASONS = ['Forbidden', 'Invalid', 'RequestEntityTooLarge', 'Unauthorized'];
const PARAMETER_NOT_FOUND_ACTIONS = ['Allow', 'Deny'];
const MAX_MATCH_CONDITIONS = 64;
const CEL_IDENTIFIER = /^[_a-zA-Z][_a-zA-Z0-9]*$/;

/** Kubernetes' IsFullyQualifiedName: a DNS subdomain of three or more labels. */
function validateFullyQualifiedName(errs: Errs, name: string, path: FieldPath): void {
  if (name === '') {
    errs.add(fieldErrors.required(path.toString(), ''));
    return;
  }
  const problems = isDNS1123Subdomain(name);
  if (problems.length > 0) errs.invalid(path, name, [problems.join(',')]);
  else if (name.split('.').length < 3) errs.invalid(path, name, ['should be a domain with at least three segments separated by dots']);
}

function validateCel(errs: Errs, expression: string, path: FieldPath): void {
  const problem = celSyntaxError(expression);
  if (problem) errs.invalid(path, expression, [problem]);
}

function validateResources(errs: Errs, resources: string[], path: FieldPath): void {
  if (resources.length === 0) errs.add(fieldErrors.required(path.toString(), ''));
  const wildcardSubresources = new Set<string>();
  const wildcardResources = new Set<string>();
  let doubleWildcard = false;
  let singleWildcard = false;
  let withoutSubresource = false;
  resources.forEach((entry, i) => {
    if (entry === '') {
      errs.add(fieldErrors.required(path.index(i).toString(), ''));
      return;
    }
    if (entry === '*/*') doubleWildcard = true;
    if (entry === '*') singleWildcard = true;
    const slash = entry.indexOf('/');
    if (slash < 0) {
      withoutSubresource = entry !== '*';
      return;
    }
    const resource = entry.slice(0, slash);
    const sub = entry.slice(slash + 1);
    if (wildcardSubresources.has(resource)) errs.invalid(path.index(i), entry, [`if '${resource}/*' is present, must not specify ${entry}`]);
    if (wildcardResources.has(sub)) errs.invalid(path.index(i), entry, [`if '*/${sub}' is present, must not specify ${entry}`]);
    if (sub === '*') wildcardSubresources.add(resource);
    if (resource === '*') wildcardResources.add(sub);
  });
  if (resources.length > 1 && doubleWildcard) errs.invalid(path, goStringSlice(resources), ["if '*/*' is present, must not specify other resources"]);
  if (singleWildcard && withoutSubresource) errs.invalid(path, goStringSlice(resources), ["if '*' is present, must not specify other resources without subresources"]);
}

function validateRuleWithOperations(errs: Errs, rule: Rec, path: FieldPath): void {
  const operations = strList(errs, rule, 'operations', path);
  if (operations.length === 0) errs.add(fieldErrors.required(path.child('operations').toString(), ''));
  if (operations.length > 1 && operations.includes('*')) {
    errs.invalid(path.child('operations'), goStringSlice(operations, 'admissionregistration.OperationType'), ["if '*' is present, must not specify other operations"]);
  }
  operations.forEach((op, i) => {
    if (!OPERATIONS.includes(op)) errs.add(fieldErrors.notSupported(path.child('operations').index(i).toString(), op, OPERATIONS));
  });
  const groups = strList(errs, rule, 'apiGroups', path);
  if (groups.length === 0) errs.add(fieldErrors.required(path.child('apiGroups').toString(), ''));
  if (groups.length > 1 && groups.includes('*')) errs.invalid(path.child('apiGroups'), goStringSlice(groups), ["if '*' is present, must not specify other API groups"]);
  const versions = strList(errs, rule, 'apiVersions', path);
  if (versions.length === 0) errs.add(fieldErrors.required(path.child('apiVersions').toString(), ''));
  if (versions.length > 1 && versions.includes('*')) errs.invalid(path.child('apiVersions'), goStringSlice(versions), ["if '*' is present, must not specify other API versions"]);
  versions.forEach((v, i) => {
    if (v === '') errs.add(fieldErrors.required(path.child('apiVersions').index(i).toString(), ''));
  });
  validateResources(errs, strList(errs, rule, 'resources', path), path.child('resources'));
  const scope = optStr(errs, rule, 'scope', path);
  if (scope !== undefined && !SCOPES.includes(scope)) errs.add(fieldErrors.notSupported(path.child('scope').toString(), scope, SCOPES));
}

function validateMatchConditions(errs: Errs, parent: Rec, parentPath: FieldPath): void {
  const conditions = recList(errs, parent, 'matchConditions', parentPath);
  const listPath = parentPath.child('matchConditions');
  if (conditions.length > MAX_MATCH_CONDITIONS) errs.add(fieldErrors.tooMany(listPath.toString(), conditions.length, MAX_MATCH_CONDITIONS));
  const names = new Set<string>();
  conditions.forEach((condition, i) => {
    const p = listPath.index(i);
    const expression = str(errs, condition, 'expression', p).trim();
    if (expression === '') errs.add(fieldErrors.required(p.child('expression').toString(), ''));
    else validateCel(errs, expression, p.child('expression'));
    const name = str(errs, condition, 'name', p);
    if (name === '') errs.add(fieldErrors.required(p.child('name').toString(), ''));
    else errs.invalid(p.child('name'), name, isQualifiedName(name));
    if (name !== '') {
      if (names.has(name)) errs.add(fieldErrors.duplicate(p.child('name').toString(), name));
      names.add(name);
    }
  });
}

function validateWebhookUrl(errs: Errs, raw: string, path: FieldPath): void {
  const form = '; desired format: https://host[/path]';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // Go's url.Parse reads most such text as a relative reference: no scheme, no host.
    errs.invalid(path, '', [`'https' is the only allowed URL scheme${form}`]);
    errs.invalid(path, '', [`host must be specified${form}`]);
    return;
  }
  const scheme = url.protocol.replace(/:$/, '');
  if (scheme !== 'https') errs.invalid(path, scheme, [`'https' is the only allowed URL scheme${form}`]);
  if (url.host === '') errs.invalid(path, url.host, [`host must be specified${form}`]);
  if (url.username !== '' || url.password !== '') errs.invalid(path, url.password === '' ? url.username : `${url.username}:${url.password}`, ['user information is not permitted in the URL']);
  if (url.hash !== '') errs.invalid(path, url.hash.slice(1), ['fragments are not permitted in the URL']);
  if (url.search !== '') errs.invalid(path, url.search.slice(1), ['query parameters are not permitted in the URL']);
}

function validateWebhookService(errs: Errs, service: Rec, path: FieldPath): void {
  if (str(errs, service, 'name', path) === '') errs.add(fieldErrors.required(path.child('name').toString(), 'service name is required'));
  if (str(errs, service, 'namespace', path) === '') errs.add(fieldErrors.required(path.child('namespace').toString(), 'service namespace is required'));
  const port = optInt(errs, service, 'port', path) ?? 443;
  const portProblems = isValidPortNum(port);
  if (portProblems.length > 0) errs.invalid(path.child('port'), port, [`port is not valid: ${portProblems.join(', ')}`]);
  const urlPath = optStr(errs, service, 'path', path);
  if (urlPath === undefined || urlPath === '' || urlPath === '/') return;
  const p = path.child('path');
  if (urlPath === '//') {
    errs.invalid(p, urlPath, ['segment[0] may not be empty']);
    return;
  }
  if (!urlPath.startsWith('/')) errs.invalid(p, urlPath, ["must start with a '/'"]);
  let toCheck = urlPath.slice(1);
  if (toCheck.endsWith('/')) toCheck = toCheck.slice(0, -1);
  toCheck.split('/').forEach((step, i) => {
    if (step === '') errs.invalid(p, urlPath, [`segment[${i}] may not be empty`]);
    else errs.invalid(p, urlPath, isDNS1123Subdomain(step).map((m) => `segment[${i}]: ${m}`));
  });
}

function validateAdmissionReviewVersions(errs: Errs, versions: string[], path: FieldPath): void {
  if (versions.length === 0) {
    errs.add(fieldErrors.required(path.toString(), `must specify one of ${ADMISSION_REVIEW_VERSIONS.join(', ')}`));
    return;
  }
  const seen = new Set<string>();
  versions.forEach((v, i) => {
    if (seen.has(v)) {
      errs.invalid(path.index(i), v, ['duplicate version']);
      return;
    }
    seen.add(v);
    errs.invalid(path.index(i), v, isDNS1035Label(v));
  });
  if (!versions.some((v) => ADMISSION_REVIEW_VERSIONS.includes(v))) {
    errs.invalid(path, goStringSlice(versions), [`must include at least one of ${ADMISSION_REVIEW_VERSIONS.join(', ')}`]);
  }
}

function validateEnum(errs: Errs, o: Rec, key: string, path: FieldPath, supported: readonly string[]): void {
  const value = optStr(errs, o, key, path);
  if (value !== undefined && !supported.includes(value)) errs.add(fieldErrors.notSupported(path.child(key).toString(), value, supported));
}

function validateWebhook(errs: Errs, hook: Rec, mutating: boolean, path: FieldPath): void {
  validateFullyQualifiedName(errs, str(errs, hook, 'name', path), path.child('name'));
  recList(errs, hook, 'rules', path).forEach((rule, j) => validateRuleWithOperations(errs, rule, path.child('rules').index(j)));
  validateEnum(errs, hook, 'failurePolicy', path, FAILURE_POLICIES);
  validateEnum(errs, hook, 'matchPolicy', path, MATCH_POLICIES);
  if (mutating) validateEnum(errs, hook, 'reinvocationPolicy', path, REINVOCATION_POLICIES);
  const sideEffects = optStr(errs, hook, 'sideEffects', path);
  if (sideEffects === undefined) errs.add(fieldErrors.required(path.child('sideEffects').toString(), `must specify one of ${SIDE_EFFECTS.join(', ')}`));
  else if (!SIDE_EFFECTS.includes(sideEffects)) errs.add(fieldErrors.notSupported(path.child('sideEffects').toString(), sideEffects, SIDE_EFFECTS));
  const timeout = optInt(errs, hook, 'timeoutSeconds', path);
  if (timeout !== undefined && (timeout < 1 || timeout > 30)) errs.invalid(path.child('timeoutSeconds'), timeout, ['the timeout value must be between 1 and 30 seconds']);
  validateLabelSelector(errs, rec(errs, hook, 'namespaceSelector', path), path.child('namespaceSelector'));
  validateLabelSelector(errs, rec(errs, hook, 'objectSelector', path), path.child('objectSelector'));
  validateAdmissionReviewVersions(errs, strList(errs, hook, 'admissionReviewVersions', path), path.child('admissionReviewVersions'));
  const clientConfig = rec(errs, hook, 'clientConfig', path) ?? {};
  const url = optStr(errs, clientConfig, 'url', path.child('clientConfig'));
  const service = rec(errs, clientConfig, 'service', path.child('clientConfig'));
  if ((url === undefined) === (service === undefined)) errs.add(fieldErrors.required(path.child('clientConfig').toString(), 'exactly one of url or service is required'));
  else if (url !== undefined) validateWebhookUrl(errs, url, path.child('clientConfig').child('url'));
  else validateWebhookService(errs, service!, path.child('clientConfig').child('service'));
  validateMatchConditions(errs, hook, path);
}

function webhookNames(obj: Rec | undefined): string[] {
  const hooks = obj?.webhooks;
  return Array.isArray(hooks) ? hooks.map((h: unknown) => (h && typeof h === 'object' && typeof (h as Rec).name === 'string' ? ((h as Rec).name as string) : '')) : [];
}

/** Webhook names must be unique, except on an update of a configuration that already repeated one. */
function validateWebhookConfiguration(errs: Errs, obj: Rec, mutating: boolean, old?: Rec): void {
  validateObjectMeta(errs, obj, ADMISSION_META);
  const oldNames = webhookNames(old);
  const requireUnique = old === undefined || new Set(oldNames).size === oldNames.length;
  const names = new Set<string>();
  recList(errs, obj, 'webhooks', FieldPath.root()).forEach((hook, i) => {
    const path = FieldPath.root('webhooks').index(i);
    validateWebhook(errs, hook, mutating, path);
    const name = typeof hook.name === 'string' ? hook.name : '';
    if (requireUnique && names.has(name)) errs.add(fieldErrors.duplicate(path.child('name').toString(), name));
    names.add(name);
  });
}

export function validateValidatingWebhookConfiguration(errs: Errs, obj: Rec, old?: Rec): void {
  validateWebhookConfiguration(errs, obj, false, old);
}

export function validateMutatingWebhookConfiguration(errs: Errs, obj: Rec, old?: Rec): void {
  validateWebhookConfiguration(errs, obj, true, old);
}

function validateMatchResources(errs: Errs, match: Rec, path: FieldPath): void {
  const matchPolicy = optStr(errs, match, 'matchPolicy', path);
  if (matchPolicy === undefined) errs.add(fieldErrors.required(path.child('matchPolicy').toString(), ''));
  else if (!MATCH_POLICIES.includes(matchPolicy)) errs.add(fieldErrors.notSupported(path.child('matchPolicy').toString(), matchPolicy, MATCH_POLICIES));
  for (const key of ['namespaceSelector', 'objectSelector']) {
    const selector = rec(errs, match, key, path);
    if (!selector) errs.add(fieldErrors.required(path.child(key).toString(), ''));
    else validateLabelSelector(errs, selector, path.child(key));
  }
  for (const key of ['resourceRules', 'excludeResourceRules']) {
    recList(errs, match, key, path).forEach((rule, i) => {
      const p = path.child(key).index(i);
      strList(errs, rule, 'resourceNames', p).forEach((name, j) => errs.invalid(p.child('resourceNames').index(j), name, isValidPathSegmentName(name)));
      validateRuleWithOperations(errs, rule, p);
    });
  }
}

function validateParamKind(errs: Errs, paramKind: Rec, path: FieldPath): void {
  const apiVersion = str(errs, paramKind, 'apiVersion', path);
  if (apiVersion === '') errs.add(fieldErrors.required(path.child('apiVersion').toString(), ''));
  else {
    const parts = apiVersion.split('/');
    if (parts.length > 2) errs.invalid(path.child('apiVersion'), apiVersion, [`unexpected GroupVersion string: ${apiVersion}`]);
    else {
      const [group, version] = parts.length === 2 ? (parts as [string, string]) : ['', parts[0]!];
      if (group !== '') errs.invalid(path.child('apiVersion'), group, isDNS1123Subdomain(group));
      if (version === '') errs.invalid(path.child('apiVersion'), apiVersion, ['version must be specified']);
      else errs.invalid(path.child('apiVersion'), version, isDNS1035Label(version));
    }
  }
  const kind = str(errs, paramKind, 'kind', path);
  if (kind === '') errs.add(fieldErrors.required(path.child('kind').toString(), ''));
  else {
    const problems = isDNS1035Label(kind.toLowerCase());
    if (problems.length > 0) errs.invalid(path.child('kind'), kind, [`may have mixed case, but should otherwise match: ${problems.join(',')}`]);
  }
}

function validateValidation(errs: Errs, validation: Rec, path: FieldPath): void {
  const expression = str(errs, validation, 'expression', path);
  if (expression.trim() === '') errs.add(fieldErrors.required(path.child('expression').toString(), 'expression is not specified'));
  else validateCel(errs, expression, path.child('expression'));
  const messageExpression = str(errs, validation, 'messageExpression', path);
  if (messageExpression !== '' && messageExpression.trim() === '') errs.invalid(path.child('messageExpression'), messageExpression, ['must be non-empty if specified']);
  else if (messageExpression.trim() !== '') validateCel(errs, messageExpression, path.child('messageExpression'));
  const message = str(errs, validation, 'message', path);
  if (message !== '' && message.trim() === '') errs.invalid(path.child('message'), message, ['message must be non-empty if specified']);
  else if (/[\r\n]/.test(message.trim())) errs.invalid(path.child('message'), message, ['message must not contain line breaks']);
  validateEnum(errs, validation, 'reason', path, POLICY_REASONS);
}

export function validateValidatingAdmissionPolicy(errs: Errs, obj: Rec): void {
  validateObjectMeta(errs, obj, ADMISSION_META);
  const path = FieldPath.root('spec');
  const spec = rec(errs, obj, 'spec', FieldPath.root()) ?? {};
  const failurePolicy = optStr(errs, spec, 'failurePolicy', path);
  if (failurePolicy === undefined) errs.add(fieldErrors.required(path.child('failurePolicy').toString(), ''));
  else if (!FAILURE_POLICIES.includes(failurePolicy)) errs.add(fieldErrors.notSupported(path.child('failurePolicy').toString(), failurePolicy, FAILURE_POLICIES));
  const paramKind = rec(errs, spec, 'paramKind', path);
  if (paramKind) validateParamKind(errs, paramKind, path.child('paramKind'));
  const constraints = rec(errs, spec, 'matchConstraints', path);
  if (!constraints) errs.add(fieldErrors.required(path.child('matchConstraints').toString(), ''));
  else {
    validateMatchResources(errs, constraints, path.child('matchConstraints'));
    if (recList(errs, constraints, 'resourceRules', path.child('matchConstraints')).length === 0) {
      errs.add(fieldErrors.required(path.child('matchConstraints').child('resourceRules').toString(), ''));
    }
  }
  validateMatchConditions(errs, spec, path);
  const validations = recList(errs, spec, 'validations', path);
  const auditAnnotations = recList(errs, spec, 'auditAnnotations', path);
  if (validations.length === 0 && auditAnnotations.length === 0) {
    errs.add(fieldErrors.required(path.child('validations').toString(), 'validations or auditAnnotations must contain at least one item'));
    errs.add(fieldErrors.required(path.child('auditAnnotations').toString(), 'validations or auditAnnotations must contain at least one item'));
  }
  validations.forEach((v, i) => validateValidation(errs, v, path.child('validations').index(i)));
  const keys = new Set<string>();
  auditAnnotations.forEach((annotation, i) => {
    const p = path.child('auditAnnotations').index(i);
    const key = str(errs, annotation, 'key', p);
    if (key === '') errs.add(fieldErrors.required(p.child('key').toString(), ''));
    else if (keys.has(key)) errs.add(fieldErrors.duplicate(p.child('key').toString(), key));
    keys.add(key);
    const valueExpression = str(errs, annotation, 'valueExpression', p);
    if (valueExpression.trim() === '') errs.add(fieldErrors.required(p.child('valueExpression').toString(), 'valueExpression is not specified'));
    else validateCel(errs, valueExpression, p.child('valueExpression'));
  });
  recList(errs, spec, 'variables', path).forEach((variable, i) => {
    const p = path.child('variables').index(i);
    const name = str(errs, variable, 'name', p);
    if (name.trim() === '') errs.add(fieldErrors.required(p.child('name').toString(), 'name is not specified'));
    else if (!CEL_IDENTIFIER.test(name)) errs.invalid(p.child('name'), name, ['name is not a valid CEL identifier']);
    const expression = str(errs, variable, 'expression', p);
    if (expression.trim() === '') errs.add(fieldErrors.required(p.child('expression').toString(), 'expression is not specified'));
    else validateCel(errs, expression, p.child('expression'));
  });
}

function validateParamRef(errs: Errs, paramRef: Rec, path: FieldPath): void {
  const name = str(errs, paramRef, 'name', path);
  if (name !== '') {
    errs.invalid(path.child('name'), name, isValidPathSegmentName(name));
    if (paramRef.selector !== undefined && paramRef.selector !== null) errs.add(fieldErrors.forbidden(path.child('name').toString(), 'name and selector are mutually exclusive'));
  }
  const namespace = str(errs, paramRef, 'namespace', path);
  if (namespace !== '') errs.invalid(path.child('namespace'), namespace, isValidPathSegmentName(namespace));
  const action = str(errs, paramRef, 'parameterNotFoundAction', path);
  if (action === '') errs.add(fieldErrors.required(path.child('parameterNotFoundAction').toString(), ''));
  else if (!PARAMETER_NOT_FOUND_ACTIONS.includes(action)) errs.add(fieldErrors.notSupported(path.child('parameterNotFoundAction').toString(), action, PARAMETER_NOT_FOUND_ACTIONS));
  validateLabelSelector(errs, rec(errs, paramRef, 'selector', path), path.child('selector'));
}

export function validateValidatingAdmissionPolicyBinding(errs: Errs, obj: Rec): void {
  validateObjectMeta(errs, obj, ADMISSION_META);
  const path = FieldPath.root('spec');
  const spec = rec(errs, obj, 'spec', FieldPath.root()) ?? {};
  const policyName = str(errs, spec, 'policyName', path);
  if (policyName === '') errs.add(fieldErrors.required(path.child('policyName').toString(), ''));
  else errs.invalid(path.child('policyName'), policyName, nameIsDNSSubdomain(policyName, false));
  const paramRef = rec(errs, spec, 'paramRef', path);
  if (paramRef) validateParamRef(errs, paramRef, path.child('paramRef'));
  const match = rec(errs, spec, 'matchResources', path);
  // Kubernetes names this path "matchResouces" in its errors; kept so messages read the same.
  if (match) validateMatchResources(errs, match, path.child('matchResouces'));
  const actions = strList(errs, spec, 'validationActions', path);
  const seen = new Set<string>();
  actions.forEach((action, i) => {
    const p = path.child('validationActions').index(i);
    if (!VALIDATION_ACTIONS.includes(action)) errs.add(fieldErrors.notSupported(p.toString(), action, VALIDATION_ACTIONS));
    if (seen.has(action)) errs.add(fieldErrors.duplicate(p.toString(), action));
    seen.add(action);
  });
  if (seen.has('Deny') && seen.has('Warn')) {
    errs.invalid(path.child('validationActions'), goStringSlice(actions, 'admissionregistration.ValidationAction'), [
      'must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)',
    ]);
  }
  if (seen.size === 0) errs.add(fieldErrors.required(path.child('validationActions').toString(), 'at least one validation action is required'));
}
