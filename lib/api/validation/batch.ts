// batch/v1 Jobs and CronJobs (pkg/apis/batch/validation of Kubernetes 1.36): completions and
// parallelism, the Indexed completion mode's limits, backoff limits per index, pod failure and
// success policies, the generated selector, what an update may change, the status the job
// controller writes, and CronJob schedules and time zones.
import { FieldPath, fieldErrors } from '../field-errors.js';
import { isDNS1123Label, isDNS1123Subdomain } from '../names.js';
import { cronScheduleError, isTimeZone } from './cron-schedule.js';
import { semanticEqual } from './equality.js';
import { GoValue, goLabelSelector, goStringMap } from './go-format.js';
import { Errs, type Rec, asRec, int, optBool, optInt, optStr, rec, recList, str, strMap } from './json.js';
import { type MetaRules, selectorFromLabelSelector, validateImmutable, validateLabelSelector, validateObjectMeta } from './meta.js';
import { nameIsDNSSubdomain } from '../names.js';
import { validatePodTemplateSpec } from './pod-spec.js';

export const BATCH_META: MetaRules = { nameRule: nameIsDNSSubdomain, namespaced: true, kubeFinalizers: true };
const SPEC = FieldPath.root('spec');
const STATUS = FieldPath.root('status');

const MAX_PARALLELISM_INDEXED = 100_000;
const MAX_FAILED_INDEXES = 100_000;
const COMPLETIONS_SOFT_LIMIT = 100_000;
const PARALLELISM_LIMIT_HIGH_COMPLETIONS = 10_000;
const MAX_FAILED_INDEXES_HIGH_COMPLETIONS = 10_000;
const MAX_POD_FAILURE_POLICY_RULES = 20;
const MAX_EXIT_CODES = 255;
const MAX_POD_CONDITION_PATTERNS = 20;
const MAX_MANAGED_BY_LENGTH = 63;
const MAX_SUCCEEDED_INDEXES_LENGTH = 64 * 1024;
const MAX_SUCCESS_POLICY_RULES = 20;

const POD_FAILURE_ACTIONS = ['Count', 'FailIndex', 'FailJob', 'Ignore'];
const EXIT_CODE_OPERATORS = ['In', 'NotIn'];
const CONDITION_STATUSES = ['False', 'True', 'Unknown'];
const JOB_NAME = 'job-name';
const CONTROLLER_UID = 'controller-uid';
const BATCH_JOB_NAME = 'batch.kubernetes.io/job-name';
const BATCH_CONTROLLER_UID = 'batch.kubernetes.io/controller-uid';

/** Go's %q of a []string, as Kubernetes prints the valid values in "Required value" details. */
function goQuotedList(values: readonly string[]): string {
  return `[${values.map((v) => JSON.stringify(v)).join(' ')}]`;
}

/** Structs Go prints with %#v and pointer addresses no client can predict: shown by type only. */
function goStruct(type: string): GoValue {
  return new GoValue(`${type}{...}`);
}

function nonNegative(errs: Errs, value: number | undefined, path: FieldPath): void {
  if (value !== undefined && value < 0) errs.invalid(path, value, ['must be greater than or equal to 0']);
}

// --- index intervals ("1,3-5,7"): succeededIndexes, completedIndexes, failedIndexes ---

class IndexesError extends Error {}

function parseIndexInterval(interval: string, completions: number): [number, number] {
  const limits = interval.split('-');
  if (limits.length > 2) throw new IndexesError(`the fragment ${JSON.stringify(interval)} violates the requirement that an index interval can have at most two parts separated by '-'`);
  const parse = (text: string): number => {
    if (!/^[+-]?[0-9]+$/.test(text)) throw new IndexesError(`cannot convert string to integer for index: ${JSON.stringify(text)}`);
    const value = Number(text);
    if (value >= completions) throw new IndexesError(`too large index: ${JSON.stringify(text)}`);
    return value;
  };
  const x = parse(limits[0]!);
  if (limits.length === 1) return [x, x];
  const y = parse(limits[1]!);
  if (x >= y) throw new IndexesError(`non-increasing order, previous: ${x}, current: ${y}`);
  return [x, y];
}

/** The number of indexes the text lists, or the parse error. */
function countIndexes(text: string, completions: number): number | IndexesError {
  if (text === '') return 0;
  let last: number | undefined;
  let total = 0;
  try {
    for (const interval of text.split(',')) {
      const [x, y] = parseIndexInterval(interval, completions);
      if (last !== undefined && last >= x) throw new IndexesError(`non-increasing order, previous: ${last}, current: ${x}`);
      total += y - x + 1;
      last = y;
    }
  } catch (error) {
    if (error instanceof IndexesError) return error;
    throw error;
  }
  return total;
}

/** IsDomainPrefixedPath: "example.com/controller". */
export function validateDomainPrefixedPath(errs: Errs, value: string, path: FieldPath): void {
  if (value === '') {
    errs.add(fieldErrors.required(path.toString(), ''));
    return;
  }
  const slash = value.indexOf('/');
  if (slash <= 0 || slash === value.length - 1) {
    errs.invalid(path, value, ['must be a domain-prefixed path (such as "acme.io/foo")']);
    return;
  }
  const host = value.slice(0, slash);
  errs.invalid(path, host, isDNS1123Subdomain(host));
  const rest = value.slice(slash + 1);
  if (!/^[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$/.test(rest)) {
    errs.invalid(path, rest, ["Invalid path: regex used for validation is '[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+'"]);
  }
}

// --- JobSpec ---

function validatePodFailurePolicy(errs: Errs, spec: Rec, policy: Rec, path: FieldPath): void {
  const rulesPath = path.child('rules');
  const rules = recList(errs, policy, 'rules', path);
  if (rules.length > MAX_POD_FAILURE_POLICY_RULES) errs.add(fieldErrors.tooMany(rulesPath.toString(), rules.length, MAX_POD_FAILURE_POLICY_RULES));
  const podSpec = asRec(asRec(spec.template)?.spec);
  const containerNames = new Set(
    [...recList(new Errs(), podSpec, 'containers', path), ...recList(new Errs(), podSpec, 'initContainers', path)].map((c) => (typeof c.name === 'string' ? c.name : '')),
  );
  rules.forEach((rule, i) => {
    const rulePath = rulesPath.index(i);
    const actionPath = rulePath.child('action');
    const action = str(errs, rule, 'action', rulePath);
    if (action === '') errs.add(fieldErrors.required(actionPath.toString(), `valid values: ${goQuotedList(POD_FAILURE_ACTIONS)}`));
    else if (action === 'FailIndex') {
      if (spec.backoffLimitPerIndex === undefined || spec.backoffLimitPerIndex === null) errs.invalid(actionPath, action, ['requires the backoffLimitPerIndex to be set']);
    } else if (!POD_FAILURE_ACTIONS.includes(action)) errs.add(fieldErrors.notSupported(actionPath.toString(), action, POD_FAILURE_ACTIONS));

    const onExitCodes = rec(errs, rule, 'onExitCodes', rulePath);
    if (onExitCodes) validateOnExitCodes(errs, onExitCodes, rulePath.child('onExitCodes'), containerNames);
    const onPodConditions = recList(errs, rule, 'onPodConditions', rulePath);
    if (onPodConditions.length > 0) validateOnPodConditions(errs, onPodConditions, rulePath.child('onPodConditions'));
    if (onExitCodes && onPodConditions.length > 0) errs.add(fieldErrors.invalid(rulePath.toString(), undefined, 'specifying both OnExitCodes and OnPodConditions is not supported'));
    if (!onExitCodes && onPodConditions.length === 0) errs.add(fieldErrors.invalid(rulePath.toString(), undefined, 'specifying one of OnExitCodes and OnPodConditions is required'));
  });
}

function validateOnExitCodes(errs: Errs, onExitCodes: Rec, path: FieldPath, containerNames: Set<string>): void {
  const operatorPath = path.child('operator');
  const operator = str(errs, onExitCodes, 'operator', path);
  if (operator === '') errs.add(fieldErrors.required(operatorPath.toString(), `valid values: ${goQuotedList(EXIT_CODE_OPERATORS)}`));
  else if (!EXIT_CODE_OPERATORS.includes(operator)) errs.add(fieldErrors.notSupported(operatorPath.toString(), operator, EXIT_CODE_OPERATORS));
  const containerName = optStr(errs, onExitCodes, 'containerName', path);
  if (containerName !== undefined && !containerNames.has(containerName)) {
    errs.invalid(path.child('containerName'), containerName, ['must be one of the container or initContainer names in the pod template']);
  }
  const valuesPath = path.child('values');
  const raw = Array.isArray(onExitCodes.values) ? onExitCodes.values : [];
  const values = raw.map((v) => (typeof v === 'number' ? v : 0));
  const shown = new GoValue(`[]int32{${values.join(', ')}}`);
  if (values.length === 0) errs.invalid(valuesPath, new GoValue('[]int32(nil)'), ['at least one value is required']);
  else if (values.length > MAX_EXIT_CODES) errs.add(fieldErrors.tooMany(valuesPath.toString(), values.length, MAX_EXIT_CODES));
  const seen = new Set<number>();
  let ordered = true;
  values.forEach((value, j) => {
    const valuePath = valuesPath.index(j);
    if (operator === 'In' && value === 0) errs.invalid(valuePath, value, ['must not be 0 for the In operator']);
    if (seen.has(value)) errs.add(fieldErrors.duplicate(valuePath.toString(), value));
    else seen.add(value);
    if (j > 0 && values[j - 1]! > value) ordered = false;
  });
  if (!ordered) errs.invalid(valuesPath, shown, ['must be ordered']);
}

function validateOnPodConditions(errs: Errs, patterns: Rec[], path: FieldPath): void {
  if (patterns.length > MAX_POD_CONDITION_PATTERNS) errs.add(fieldErrors.tooMany(path.toString(), patterns.length, MAX_POD_CONDITION_PATTERNS));
  patterns.forEach((pattern, j) => {
    const patternPath = path.index(j);
    const type = str(errs, pattern, 'type', patternPath);
    if (type === '') errs.add(fieldErrors.required(patternPath.child('type').toString(), ''));
    const status = str(errs, pattern, 'status', patternPath);
    const statusPath = patternPath.child('status');
    if (status === '') errs.add(fieldErrors.required(statusPath.toString(), `valid values: ${goQuotedList(CONDITION_STATUSES)}`));
    else if (!CONDITION_STATUSES.includes(status)) errs.add(fieldErrors.notSupported(statusPath.toString(), status, CONDITION_STATUSES));
  });
}

function validateSuccessPolicy(errs: Errs, completions: number, policy: Rec, path: FieldPath): void {
  const rulesPath = path.child('rules');
  const rules = recList(errs, policy, 'rules', path);
  if (rules.length === 0) errs.add(fieldErrors.required(rulesPath.toString(), 'at least one rules must be specified when the successPolicy is specified'));
  if (rules.length > MAX_SUCCESS_POLICY_RULES) errs.add(fieldErrors.tooMany(rulesPath.toString(), rules.length, MAX_SUCCESS_POLICY_RULES));
  rules.forEach((rule, i) => {
    const rulePath = rulesPath.index(i);
    const indexes = optStr(errs, rule, 'succeededIndexes', rulePath);
    const count = optInt(errs, rule, 'succeededCount', rulePath);
    if (indexes === undefined && count === undefined) errs.add(fieldErrors.required(rulePath.toString(), 'at least one of succeededCount or succeededIndexes must be specified'));
    let total = 0;
    if (indexes !== undefined) {
      const indexesPath = rulePath.child('succeededIndexes');
      if (indexes.length > MAX_SUCCEEDED_INDEXES_LENGTH) errs.add(fieldErrors.tooLong(indexesPath.toString(), MAX_SUCCEEDED_INDEXES_LENGTH));
      const counted = countIndexes(indexes, completions);
      if (counted instanceof IndexesError) errs.invalid(indexesPath, indexes, [`error parsing succeededIndexes: ${counted.message}`]);
      else total = counted;
    }
    if (count !== undefined) {
      const countPath = rulePath.child('succeededCount');
      nonNegative(errs, count, countPath);
      if (count > completions) errs.invalid(countPath, count, [`must be less than or equal to ${completions} (the number of specified completions)`]);
      if (indexes !== undefined && count > total) errs.invalid(countPath, count, [`must be less than or equal to ${total} (the number of indexes in the specified succeededIndexes field)`]);
    }
  });
}

function validateIndexedLimits(errs: Errs, spec: Rec, path: FieldPath): void {
  const completions = optInt(new Errs(), spec, 'completions', path);
  const parallelism = optInt(new Errs(), spec, 'parallelism', path);
  const maxFailedIndexes = optInt(new Errs(), spec, 'maxFailedIndexes', path);
  const perIndex = optInt(new Errs(), spec, 'backoffLimitPerIndex', path);
  if (completions === undefined) errs.add(fieldErrors.required(path.child('completions').toString(), 'when completion mode is Indexed'));
  if (parallelism !== undefined && parallelism > MAX_PARALLELISM_INDEXED) {
    errs.invalid(path.child('parallelism'), parallelism, [`must be less than or equal to ${MAX_PARALLELISM_INDEXED} when completion mode is Indexed`]);
  }
  if (completions !== undefined && maxFailedIndexes !== undefined && maxFailedIndexes > completions) {
    errs.invalid(path.child('maxFailedIndexes'), maxFailedIndexes, ['must be less than or equal to completions']);
  }
  if (maxFailedIndexes !== undefined && maxFailedIndexes > MAX_FAILED_INDEXES) {
    errs.invalid(path.child('maxFailedIndexes'), maxFailedIndexes, [`must be less than or equal to ${MAX_FAILED_INDEXES}`]);
  }
  if (completions !== undefined && completions > COMPLETIONS_SOFT_LIMIT && perIndex !== undefined) {
    const when = `when completions are above ${COMPLETIONS_SOFT_LIMIT} and used with backoff limit per index`;
    if (maxFailedIndexes === undefined) errs.add(fieldErrors.required(path.child('maxFailedIndexes').toString(), `must be specified when completions is above ${COMPLETIONS_SOFT_LIMIT}`));
    if (parallelism !== undefined && parallelism > PARALLELISM_LIMIT_HIGH_COMPLETIONS) {
      errs.invalid(path.child('parallelism'), parallelism, [`must be less than or equal to ${PARALLELISM_LIMIT_HIGH_COMPLETIONS} ${when}`]);
    }
    if (maxFailedIndexes !== undefined && maxFailedIndexes > MAX_FAILED_INDEXES_HIGH_COMPLETIONS) {
      errs.invalid(path.child('maxFailedIndexes'), maxFailedIndexes, [`must be less than or equal to ${MAX_FAILED_INDEXES_HIGH_COMPLETIONS} ${when}`]);
    }
  }
}

/** validateJobSpec: everything but the selector (a CronJob's job template has none). */
function validateJobSpecBody(errs: Errs, spec: Rec, path: FieldPath): void {
  for (const key of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished', 'backoffLimitPerIndex', 'maxFailedIndexes']) {
    nonNegative(errs, optInt(errs, spec, key, path), path.child(key));
  }
  const perIndex = optInt(new Errs(), spec, 'backoffLimitPerIndex', path);
  const maxFailedIndexes = optInt(new Errs(), spec, 'maxFailedIndexes', path);
  if (maxFailedIndexes !== undefined && perIndex === undefined) errs.add(fieldErrors.required(path.child('backoffLimitPerIndex').toString(), 'when maxFailedIndexes is specified'));
  const managedBy = optStr(errs, spec, 'managedBy', path);
  if (managedBy !== undefined) {
    validateDomainPrefixedPath(errs, managedBy, path.child('managedBy'));
    if (managedBy.length > MAX_MANAGED_BY_LENGTH) errs.add(fieldErrors.tooLong(path.child('managedBy').toString(), MAX_MANAGED_BY_LENGTH));
  }
  const mode = optStr(errs, spec, 'completionMode', path);
  if (mode !== undefined) {
    if (mode !== 'NonIndexed' && mode !== 'Indexed') errs.add(fieldErrors.notSupported(path.child('completionMode').toString(), mode, ['NonIndexed', 'Indexed']));
    if (mode === 'Indexed') validateIndexedLimits(errs, spec, path);
  }
  if (mode === undefined || mode === 'NonIndexed') {
    if (perIndex !== undefined) errs.invalid(path.child('backoffLimitPerIndex'), perIndex, ['requires indexed completion mode']);
    if (maxFailedIndexes !== undefined) errs.invalid(path.child('maxFailedIndexes'), maxFailedIndexes, ['requires indexed completion mode']);
  }
  const podFailurePolicy = rec(errs, spec, 'podFailurePolicy', path);
  if (podFailurePolicy) validatePodFailurePolicy(errs, spec, podFailurePolicy, path.child('podFailurePolicy'));
  const successPolicy = rec(errs, spec, 'successPolicy', path);
  if (successPolicy) {
    if (mode !== 'Indexed') errs.invalid(path.child('successPolicy'), goStruct('batch.SuccessPolicy'), ['requires indexed completion mode']);
    else validateSuccessPolicy(errs, int(new Errs(), spec, 'completions', path), successPolicy, path.child('successPolicy'));
  }
  const replacement = optStr(errs, spec, 'podReplacementPolicy', path);
  if (replacement !== undefined) {
    if (podFailurePolicy) {
      if (replacement !== 'Failed') errs.add(fieldErrors.notSupported(path.child('podReplacementPolicy').toString(), replacement, ['Failed']));
    } else if (replacement !== 'Failed' && replacement !== 'TerminatingOrFailed') {
      errs.add(fieldErrors.notSupported(path.child('podReplacementPolicy').toString(), replacement, ['Failed', 'TerminatingOrFailed']));
    }
  }
  const template = rec(errs, spec, 'template', path) ?? {};
  validatePodTemplateSpec(errs, template, path.child('template'));
  const restartPolicy = str(new Errs(), asRec(template.spec), 'restartPolicy', path);
  const restartPath = path.child('template').child('spec').child('restartPolicy');
  if (restartPolicy === 'Always' || restartPolicy === '') errs.add(fieldErrors.required(restartPath.toString(), 'valid values: "OnFailure", "Never"'));
  else if (restartPolicy !== 'OnFailure' && restartPolicy !== 'Never') errs.add(fieldErrors.notSupported(restartPath.toString(), restartPolicy, ['OnFailure', 'Never']));
  else if (podFailurePolicy && restartPolicy !== 'Never') errs.invalid(restartPath, restartPolicy, ['only "Never" is supported when podFailurePolicy is specified']);
}

function templateLabels(spec: Rec): Record<string, string> | undefined {
  return strMap(new Errs(), asRec(asRec(spec.template)?.metadata), 'labels', SPEC);
}

function validateJobSpec(errs: Errs, spec: Rec): void {
  validateJobSpecBody(errs, spec, SPEC);
  const selector = rec(errs, spec, 'selector', SPEC);
  if (!selector) errs.add(fieldErrors.required(SPEC.child('selector').toString(), ''));
  else validateLabelSelector(errs, selector, SPEC.child('selector'));
  const matcher = selectorFromLabelSelector(selector);
  const labels = templateLabels(spec);
  if (matcher && !matcher.matches(labels)) {
    errs.invalid(SPEC.child('template').child('metadata').child('labels'), goStringMap(labels), ['`selector` does not match template `labels`']);
  }
}

function validateHasLabel(errs: Errs, labels: Record<string, string> | undefined, key: string, expected: string): void {
  const path = SPEC.child('template').child('metadata').child('labels').key(key);
  if (!labels || !(key in labels)) errs.add(fieldErrors.required(path.toString(), expected));
  else if (labels[key] !== expected) errs.invalid(path, goStringMap(labels), [`must be '${expected}'`]);
}

/** A server-generated selector must still be the one the server generated. */
function validateGeneratedSelector(errs: Errs, job: Rec, spec: Rec, batchLabels: boolean): void {
  if (spec.manualSelector === true || spec.selector === undefined || spec.selector === null) return;
  const meta = asRec(job.metadata) ?? {};
  const uid = typeof meta.uid === 'string' ? meta.uid : '';
  const name = typeof meta.name === 'string' ? meta.name : '';
  if (uid === '') errs.add(fieldErrors.required('metadata.uid', ''));
  const labels = templateLabels(spec);
  validateHasLabel(errs, labels, CONTROLLER_UID, uid);
  validateHasLabel(errs, labels, JOB_NAME, name);
  const expected: Record<string, string> = {};
  if (batchLabels) {
    validateHasLabel(errs, labels, BATCH_CONTROLLER_UID, uid);
    validateHasLabel(errs, labels, BATCH_JOB_NAME, name);
    expected[BATCH_CONTROLLER_UID] = uid;
    expected[BATCH_JOB_NAME] = name;
  }
  expected[CONTROLLER_UID] = uid;
  expected[JOB_NAME] = name;
  const matcher = selectorFromLabelSelector(spec.selector);
  if (matcher && !matcher.matches(expected)) errs.invalid(SPEC.child('selector'), goLabelSelector(spec.selector), ['`selector` not auto-generated']);
}

/** ValidateJob. `batchLabels`: the batch.kubernetes.io labels are required (always, unless an old Job lacked them). */
export function validateJob(errs: Errs, job: Rec, batchLabels = true): void {
  validateObjectMeta(errs, job, BATCH_META);
  const spec = rec(errs, job, 'spec', FieldPath.root()) ?? {};
  validateGeneratedSelector(errs, job, spec, batchLabels);
  validateJobSpec(errs, spec);
  const completions = optInt(new Errs(), spec, 'completions', SPEC);
  const name = str(new Errs(), asRec(job.metadata), 'name', FieldPath.root('metadata'));
  if (spec.completionMode === 'Indexed' && completions !== undefined && completions > 0) {
    const hostname = `${name}-${completions - 1}`;
    if (isDNS1123Label(hostname).length > 0) errs.invalid(FieldPath.root('metadata').child('name'), name, [`will not able to create pod with invalid DNS label: ${hostname}`]);
  }
}

function hadBatchLabels(old: Rec): boolean {
  const labels = templateLabels(asRec(old.spec) ?? {}) ?? {};
  return BATCH_JOB_NAME in labels && BATCH_CONTROLLER_UID in labels;
}

function conditionTrue(status: Rec | undefined, type: string): boolean {
  const conditions = Array.isArray(status?.conditions) ? status.conditions : [];
  return conditions.some((c) => asRec(c)?.type === type && asRec(c)?.status === 'True');
}

/**
 * What a suspended Job that has not started may change in its template: the scheduling directives
 * (node affinity, node selector, tolerations, scheduling gates, labels, annotations) and, while it
 * has no active pods, its containers' resources. Returns the old template with those taken from
 * the new one, to compare the rest.
 */
function mutableTemplateBase(spec: Rec, oldSpec: Rec, old: Rec): Rec {
  const base = structuredClone(asRec(oldSpec.template) ?? {});
  const suspended = oldSpec.suspend === true;
  const oldStatus = asRec(old.status);
  const notStarted = oldStatus?.startTime === undefined || oldStatus.startTime === null;
  if (!suspended || !notStarted) return base;
  const template = asRec(spec.template) ?? {};
  const next = asRec(template.spec) ?? {};
  const baseSpec = (asRec(base.spec) ?? {}) as Rec;
  base.spec = baseSpec;
  const baseMeta = (asRec(base.metadata) ?? {}) as Rec;
  base.metadata = baseMeta;
  const nextMeta = asRec(template.metadata) ?? {};
  for (const key of ['labels', 'annotations'] as const) {
    if (nextMeta[key] === undefined) delete baseMeta[key];
    else baseMeta[key] = nextMeta[key];
  }
  for (const key of ['nodeSelector', 'tolerations', 'schedulingGates'] as const) {
    if (next[key] === undefined) delete baseSpec[key];
    else baseSpec[key] = next[key];
  }
  const affinity = asRec(next.affinity);
  const baseAffinity = asRec(baseSpec.affinity);
  if (!affinity && baseAffinity) {
    delete baseAffinity.nodeAffinity;
    if (Object.keys(baseAffinity).length === 0) delete baseSpec.affinity;
  } else if (affinity) {
    baseSpec.affinity = { ...(baseAffinity ?? {}), nodeAffinity: affinity.nodeAffinity };
    if (affinity.nodeAffinity === undefined) delete (baseSpec.affinity as Rec).nodeAffinity;
  }
  if ((typeof oldStatus?.active === 'number' ? oldStatus.active : 0) === 0) {
    for (const key of ['containers', 'initContainers'] as const) {
      const mine = Array.isArray(baseSpec[key]) ? (baseSpec[key] as unknown[]) : [];
      const theirs = Array.isArray(next[key]) ? (next[key] as unknown[]) : [];
      if (mine.length !== theirs.length) continue;
      mine.forEach((c, i) => {
        const ours = asRec(c);
        const new_ = asRec(theirs[i]);
        if (ours && new_ && ours.name === new_.name) {
          if (new_.resources === undefined) delete ours.resources;
          else ours.resources = new_.resources;
        }
      });
    }
  }
  return base;
}

export function validateJobUpdate(errs: Errs, job: Rec, old: Rec): void {
  validateJob(errs, job, hadBatchLabels(old));
  const spec = asRec(job.spec) ?? {};
  const oldSpec = asRec(old.spec) ?? {};
  if (spec.completionMode === 'Indexed') {
    if (!semanticEqual(spec.completions, oldSpec.completions) && typeof spec.completions === 'number' && spec.completions !== spec.parallelism) {
      errs.invalid(SPEC.child('completions'), spec.completions, ['can only be modified in tandem with spec.parallelism']);
    }
  } else {
    validateImmutable(errs, spec.completions, oldSpec.completions, SPEC.child('completions'));
  }
  validateImmutable(errs, spec.selector, oldSpec.selector, SPEC.child('selector'), goLabelSelector(spec.selector));
  validateImmutable(errs, spec.template, mutableTemplateBase(spec, oldSpec, old), SPEC.child('template'), goStruct('core.PodTemplateSpec'));
  validateImmutable(errs, spec.completionMode, oldSpec.completionMode, SPEC.child('completionMode'));
  validateImmutable(errs, spec.podFailurePolicy, oldSpec.podFailurePolicy, SPEC.child('podFailurePolicy'), goStruct('batch.PodFailurePolicy'));
  validateImmutable(errs, spec.backoffLimitPerIndex, oldSpec.backoffLimitPerIndex, SPEC.child('backoffLimitPerIndex'));
  validateImmutable(errs, spec.managedBy, oldSpec.managedBy, SPEC.child('managedBy'));
  validateImmutable(errs, spec.successPolicy, oldSpec.successPolicy, SPEC.child('successPolicy'), goStruct('batch.SuccessPolicy'));
}

/** The job controller's status writes: counters never go back, terminal conditions stay. */
export function validateJobStatus(errs: Errs, job: Rec, old: Rec): void {
  const status = rec(errs, job, 'status', FieldPath.root()) ?? {};
  const oldStatus = asRec(old.status) ?? {};
  const counts: Record<string, number> = {};
  for (const key of ['active', 'succeeded', 'failed']) {
    counts[key] = int(errs, status, key, STATUS);
    nonNegative(errs, counts[key], STATUS.child(key));
  }
  const ready = optInt(errs, status, 'ready', STATUS);
  nonNegative(errs, ready, STATUS.child('ready'));
  nonNegative(errs, optInt(errs, status, 'terminating', STATUS), STATUS.child('terminating'));
  const uncounted = rec(errs, status, 'uncountedTerminatedPods', STATUS);
  if (uncounted) {
    const seen = new Set<string>();
    for (const list of ['succeeded', 'failed']) {
      const uids = Array.isArray(uncounted[list]) ? uncounted[list] : [];
      uids.forEach((uid, i) => {
        const p = STATUS.child('uncountedTerminatedPods').child(list).index(i);
        const text = typeof uid === 'string' ? uid : '';
        if (text === '') errs.invalid(p, text, ['must not be empty']);
        else if (seen.has(text)) errs.add(fieldErrors.duplicate(p.toString(), text));
        else seen.add(text);
      });
    }
  }
  const complete = conditionTrue(status, 'Complete');
  const failed = conditionTrue(status, 'Failed');
  const finished = complete || failed;
  const changed = (key: string): boolean => !semanticEqual(status[key], oldStatus[key]);
  const finishedChanged = finished !== (conditionTrue(oldStatus, 'Complete') || conditionTrue(oldStatus, 'Failed'));
  const completeChanged = complete !== conditionTrue(oldStatus, 'Complete');
  if ((completeChanged || failed !== conditionTrue(oldStatus, 'Failed')) && complete && failed) {
    errs.add(fieldErrors.invalid(STATUS.child('conditions').toString(), undefined, 'cannot set Complete=True and Failed=true conditions'));
  }
  if ((completeChanged || changed('completionTime')) && status.completionTime !== undefined && status.completionTime !== null && !complete) {
    errs.invalid(STATUS.child('completionTime'), status.completionTime, ['cannot set completionTime when there is no Complete=True condition']);
  }
  if ((completeChanged || changed('completionTime')) && (status.completionTime === undefined || status.completionTime === null) && complete) {
    errs.add(fieldErrors.required(STATUS.child('completionTime').toString(), 'completionTime is required for Complete jobs'));
  }
  if ((finishedChanged || changed('active')) && counts.active! > 0 && finished) errs.invalid(STATUS.child('active'), counts.active, ['active>0 is invalid for finished job']);
  if ((changed('ready') || changed('active')) && ready !== undefined && ready > counts.active!) errs.invalid(STATUS.child('ready'), ready, ['cannot set more ready pods than active']);
  for (const type of ['Failed', 'Complete', 'FailureTarget']) {
    if (conditionTrue(oldStatus, type) && !conditionTrue(status, type)) {
      errs.add(fieldErrors.invalid(STATUS.child('conditions').toString(), undefined, `cannot disable the terminal ${type}=True condition`));
    }
  }
  if (counts.failed! < int(new Errs(), oldStatus, 'failed', STATUS)) errs.invalid(STATUS.child('failed'), counts.failed, ['cannot decrease the failed counter']);
  const spec = asRec(job.spec) ?? {};
  const decreasingSucceededAllowed = spec.completionMode === 'Indexed' && spec.completions === spec.parallelism;
  if (!decreasingSucceededAllowed && counts.succeeded! < int(new Errs(), oldStatus, 'succeeded', STATUS)) {
    errs.invalid(STATUS.child('succeeded'), counts.succeeded, ['cannot decrease the succeeded counter']);
  }
  if (oldStatus.completionTime !== undefined && status.completionTime !== undefined && status.completionTime !== null && status.completionTime !== oldStatus.completionTime) {
    errs.invalid(STATUS.child('completionTime'), status.completionTime, ['field is immutable']);
  }
  if (conditionTrue(oldStatus, 'SuccessCriteriaMet') && !conditionTrue(status, 'SuccessCriteriaMet')) {
    errs.add(fieldErrors.invalid(STATUS.child('conditions').toString(), undefined, 'cannot disable the SuccessCriteriaMet=True condition'));
  }
}

// --- CronJob ---

const CONCURRENCY_POLICIES = ['Allow', 'Forbid', 'Replace'];
const TIME_ZONE_PART = /^[A-Za-z.\-_0-9+]{1,14}$/;

function validateTimeZone(errs: Errs, zone: string | undefined, path: FieldPath): void {
  if (zone === undefined) return;
  if (zone === '') {
    errs.invalid(path, zone, ['timeZone must be nil or non-empty string']);
    return;
  }
  for (const part of zone.split('/')) {
    if (part === '.' || part === '..' || part.startsWith('-') || !TIME_ZONE_PART.test(part)) {
      errs.invalid(path, zone, [`unknown time zone ${zone}`]);
      return;
    }
  }
  if (zone.toLowerCase() === 'local') errs.invalid(path, zone, ['timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones']);
  else if (!isTimeZone(zone)) errs.invalid(path, zone, [`unknown time zone ${zone}`]);
}

function validateCronJobSpec(errs: Errs, spec: Rec, oldSpec: Rec | undefined): void {
  const schedule = str(errs, spec, 'schedule', SPEC);
  const schedulePath = SPEC.child('schedule');
  const timeZone = optStr(errs, spec, 'timeZone', SPEC);
  if (schedule === '') errs.add(fieldErrors.required(schedulePath.toString(), ''));
  else {
    const problem = cronScheduleError(schedule);
    if (problem !== undefined) errs.invalid(schedulePath, schedule, [problem]);
    // An object stored before TZ was refused keeps it; nothing new may use it.
    const allowTZ = typeof oldSpec?.schedule === 'string' && oldSpec.schedule.includes('TZ');
    if (allowTZ && schedule.includes('TZ') && timeZone !== undefined) errs.invalid(schedulePath, schedule, ['cannot use both timeZone field and TZ or CRON_TZ in schedule']);
    else if (!allowTZ && schedule.includes('TZ')) errs.invalid(schedulePath, schedule, ['cannot use TZ or CRON_TZ in schedule, use timeZone field instead']);
  }
  nonNegative(errs, optInt(errs, spec, 'startingDeadlineSeconds', SPEC), SPEC.child('startingDeadlineSeconds'));
  if (!oldSpec || oldSpec.timeZone !== spec.timeZone) validateTimeZone(errs, timeZone, SPEC.child('timeZone'));
  const policy = str(errs, spec, 'concurrencyPolicy', SPEC);
  if (policy === '') errs.add(fieldErrors.required(SPEC.child('concurrencyPolicy').toString(), ''));
  else if (!CONCURRENCY_POLICIES.includes(policy)) errs.add(fieldErrors.notSupported(SPEC.child('concurrencyPolicy').toString(), policy, CONCURRENCY_POLICIES));
  const jobTemplatePath = SPEC.child('jobTemplate');
  const jobSpecPath = jobTemplatePath.child('spec');
  const jobSpec = rec(errs, rec(errs, spec, 'jobTemplate', SPEC), 'spec', jobTemplatePath) ?? {};
  validateJobSpecBody(errs, jobSpec, jobSpecPath);
  if (jobSpec.selector !== undefined && jobSpec.selector !== null) errs.invalid(jobSpecPath.child('selector'), goLabelSelector(jobSpec.selector), ['`selector` will be auto-generated']);
  const manual = optBool(errs, jobSpec, 'manualSelector', jobSpecPath);
  if (manual === true) errs.add(fieldErrors.notSupported(jobSpecPath.child('manualSelector').toString(), manual, ['nil', 'false']));
  for (const key of ['successfulJobsHistoryLimit', 'failedJobsHistoryLimit']) nonNegative(errs, optInt(errs, spec, key, SPEC), SPEC.child(key));
}

export function validateCronJob(errs: Errs, cronJob: Rec): void {
  validateObjectMeta(errs, cronJob, BATCH_META);
  validateCronJobSpec(errs, rec(errs, cronJob, 'spec', FieldPath.root()) ?? {}, undefined);
  // Job names add 11 characters (a dash and the scheduled time) to the CronJob's.
  const name = str(new Errs(), asRec(cronJob.metadata), 'name', FieldPath.root('metadata'));
  if (name.length > 52) errs.invalid(FieldPath.root('metadata').child('name'), name, ['must be no more than 52 characters']);
}

export function validateCronJobUpdate(errs: Errs, cronJob: Rec, old: Rec): void {
  validateCronJobSpec(errs, rec(errs, cronJob, 'spec', FieldPath.root()) ?? {}, asRec(old.spec) ?? {});
}
