// apps/v1 StatefulSets and ControllerRevisions (pkg/apis/apps/validation of Kubernetes 1.36): pod
// management and update strategies, the pod template, the few spec fields an update may change,
// the controller's status, and a revision's immutable data.
import { FieldPath, fieldErrors } from '../field-errors.js';
import { isDNS1123Label, isValidPercent, nameIsDNSLabel, nameIsDNSSubdomain } from '../names.js';
import { semanticEqual } from './equality.js';
import { GoValue, goIntOrString, goLabelSelector, goStringMap } from './go-format.js';
import { Errs, type Rec, asRec, int, intOrString, optInt, rec, recList, str, strMap } from './json.js';
import { type MetaRules, selectorFromLabelSelector, validateImmutable, validateLabelSelector, validateObjectMeta } from './meta.js';
import { validatePodTemplateSpec } from './pod-spec.js';

export const STATEFULSET_META: MetaRules = { nameRule: nameIsDNSLabel, namespaced: true, kubeFinalizers: true };
export const CONTROLLER_REVISION_META: MetaRules = { nameRule: nameIsDNSSubdomain, namespaced: true, kubeFinalizers: true };
const SPEC = FieldPath.root('spec');
const STATUS = FieldPath.root('status');

function nonNegative(errs: Errs, value: number | undefined, path: FieldPath): void {
  if (value !== undefined && value < 0) errs.invalid(path, value, ['must be greater than or equal to 0']);
}

function validateMaxUnavailable(errs: Errs, value: number | string, path: FieldPath): void {
  if (typeof value === 'string') errs.invalid(path, goIntOrString(value), isValidPercent(value));
  else if (value < 0) errs.invalid(path, value, ['must be greater than or equal to 0']);
  const number = typeof value === 'number' ? value : isValidPercent(value).length === 0 ? Number(value.slice(0, -1)) : 0;
  if (number === 0) errs.invalid(path, goIntOrString(value), ['cannot be 0']);
  if (typeof value === 'string' && number > 100) errs.invalid(path, goIntOrString(value), ['must not be greater than 100%']);
}

const RETENTION_POLICIES = ['Retain', 'Delete'];

interface SpecOptions {
  /** An update tolerates a serviceName stored before it was checked. */
  allowInvalidServiceName: boolean;
  /** An update whose stored spec is already invalid skips the template's pod checks. */
  skipPodTemplate: boolean;
}

function validateStatefulSetSpec(errs: Errs, spec: Rec, options: SpecOptions): void {
  const podManagementPolicy = str(errs, spec, 'podManagementPolicy', SPEC);
  if (podManagementPolicy === '') errs.add(fieldErrors.required(SPEC.child('podManagementPolicy').toString(), ''));
  else if (podManagementPolicy !== 'OrderedReady' && podManagementPolicy !== 'Parallel') {
    errs.invalid(SPEC.child('podManagementPolicy'), podManagementPolicy, ["must be 'OrderedReady' or 'Parallel'"]);
  }
  const strategyPath = SPEC.child('updateStrategy');
  const strategy = rec(errs, spec, 'updateStrategy', SPEC) ?? {};
  const type = str(errs, strategy, 'type', strategyPath);
  const rollingUpdate = rec(errs, strategy, 'rollingUpdate', strategyPath);
  if (type === '') errs.add(fieldErrors.required(strategyPath.toString(), ''));
  else if (type === 'OnDelete') {
    if (rollingUpdate) errs.invalid(strategyPath.child('rollingUpdate'), new GoValue('apps.RollingUpdateStatefulSetStrategy{...}'), ["only allowed for updateStrategy 'RollingUpdate'"]);
  } else if (type === 'RollingUpdate') {
    if (rollingUpdate) {
      const rp = strategyPath.child('rollingUpdate');
      nonNegative(errs, optInt(errs, rollingUpdate, 'partition', rp), rp.child('partition'));
      const maxUnavailable = intOrString(errs, rollingUpdate, 'maxUnavailable', rp);
      if (maxUnavailable !== undefined) validateMaxUnavailable(errs, maxUnavailable, rp.child('maxUnavailable'));
    }
  } else {
    errs.invalid(strategyPath, new GoValue(`apps.StatefulSetUpdateStrategy{Type:${JSON.stringify(type)}, RollingUpdate:...}`), ["must be 'RollingUpdate' or 'OnDelete'"]);
  }
  const retention = rec(errs, spec, 'persistentVolumeClaimRetentionPolicy', SPEC);
  if (retention) {
    const rp = SPEC.child('persistentVolumeClaimRetentionPolicy');
    for (const key of ['whenDeleted', 'whenScaled']) {
      const value = str(errs, retention, key, rp);
      if (!RETENTION_POLICIES.includes(value)) errs.add(fieldErrors.notSupported(rp.child(key).toString(), value, RETENTION_POLICIES));
    }
  }
  nonNegative(errs, int(errs, spec, 'replicas', SPEC), SPEC.child('replicas'));
  nonNegative(errs, int(errs, spec, 'minReadySeconds', SPEC), SPEC.child('minReadySeconds'));
  const ordinals = rec(errs, spec, 'ordinals', SPEC);
  if (ordinals) nonNegative(errs, int(errs, ordinals, 'start', SPEC.child('ordinals')), SPEC.child('ordinals.start'));
  const serviceName = str(errs, spec, 'serviceName', SPEC);
  if (!options.allowInvalidServiceName && serviceName !== '') errs.invalid(SPEC.child('serviceName'), serviceName, isDNS1123Label(serviceName));

  const selector = rec(errs, spec, 'selector', SPEC);
  if (!selector) errs.add(fieldErrors.required(SPEC.child('selector').toString(), ''));
  else {
    validateLabelSelector(errs, selector, SPEC.child('selector'));
    const terms = Object.keys(asRec(selector.matchLabels) ?? {}).length + (Array.isArray(selector.matchExpressions) ? selector.matchExpressions.length : 0);
    if (terms === 0) errs.invalid(SPEC.child('selector'), goLabelSelector(selector), ['empty selector is invalid for statefulset']);
  }
  const matcher = selectorFromLabelSelector(selector);
  const templatePath = SPEC.child('template');
  const template = rec(errs, spec, 'template', SPEC) ?? {};
  if (!matcher) errs.invalid(SPEC.child('selector'), goLabelSelector(selector), ['']);
  else {
    const labels = strMap(new Errs(), asRec(template.metadata), 'labels', templatePath);
    if (!matcher.empty && !matcher.matches(labels)) errs.invalid(templatePath.child('metadata').child('labels'), goStringMap(labels), ['`selector` does not match template `labels`']);
    if (!options.skipPodTemplate) validatePodTemplateSpec(errs, withClaimVolumes(template, spec), templatePath);
  }
  const podSpec = asRec(template.spec) ?? {};
  const restartPolicy = typeof podSpec.restartPolicy === 'string' ? podSpec.restartPolicy : '';
  if (restartPolicy !== 'Always') errs.add(fieldErrors.notSupported(templatePath.child('spec').child('restartPolicy').toString(), restartPolicy, ['Always']));
  if (podSpec.activeDeadlineSeconds !== undefined && podSpec.activeDeadlineSeconds !== null) {
    errs.add(fieldErrors.forbidden(templatePath.child('spec').child('activeDeadlineSeconds').toString(), 'activeDeadlineSeconds in StatefulSet is not Supported'));
  }
}

/**
 * The template as the pods will have it: the hostname and subdomain are the controller's, and each
 * volume claim template is a volume (so volume mounts may name it).
 */
function withClaimVolumes(template: Rec, spec: Rec): Rec {
  const claims = recList(new Errs(), spec, 'volumeClaimTemplates', SPEC);
  const podSpec = asRec(template.spec);
  if (!podSpec) return template;
  const copy = structuredClone(template);
  const copySpec = copy.spec as Rec;
  delete copySpec.hostname;
  delete copySpec.subdomain;
  if (claims.length > 0) {
    const names = new Set<string>();
    const volumes: Rec[] = [];
    for (const claim of claims) {
      const name = typeof asRec(claim.metadata)?.name === 'string' ? (asRec(claim.metadata)!.name as string) : '';
      names.add(name);
      volumes.push({ name, persistentVolumeClaim: { claimName: name } });
    }
    const own = Array.isArray(copySpec.volumes) ? copySpec.volumes : [];
    copySpec.volumes = [...volumes, ...own.filter((v) => !names.has(String(asRec(v)?.name ?? '')))];
  }
  return copy;
}

export function validateStatefulSet(errs: Errs, obj: Rec): void {
  validateObjectMeta(errs, obj, STATEFULSET_META);
  validateStatefulSetSpec(errs, rec(errs, obj, 'spec', FieldPath.root()) ?? {}, { allowInvalidServiceName: false, skipPodTemplate: false });
}

/** The spec fields an update may change; any other change is refused with Kubernetes' one message. */
const MUTABLE_SPEC_FIELDS = ['replicas', 'template', 'updateStrategy', 'minReadySeconds', 'ordinals', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy'];

export function validateStatefulSetUpdate(errs: Errs, obj: Rec, old: Rec): void {
  const spec = rec(errs, obj, 'spec', FieldPath.root()) ?? {};
  const oldSpec = asRec(old.spec) ?? {};
  const oldErrs = new Errs();
  validateStatefulSetSpec(oldErrs, oldSpec, { allowInvalidServiceName: true, skipPodTemplate: false });
  validateStatefulSetSpec(errs, spec, { allowInvalidServiceName: true, skipPodTemplate: oldErrs.length > 0 });
  const rest = (s: Rec): Rec => Object.fromEntries(Object.entries(s).filter(([key]) => !MUTABLE_SPEC_FIELDS.includes(key)));
  if (!semanticEqual(rest(spec), rest(oldSpec))) {
    errs.add(
      fieldErrors.forbidden(
        'spec',
        "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
      ),
    );
  }
}

export function validateStatefulSetStatus(errs: Errs, obj: Rec, old: Rec): void {
  const status = rec(errs, obj, 'status', FieldPath.root()) ?? {};
  const counts: Record<string, number> = {};
  for (const key of ['replicas', 'readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas']) {
    counts[key] = int(errs, status, key, STATUS);
    nonNegative(errs, counts[key], STATUS.child(key));
  }
  nonNegative(errs, optInt(errs, status, 'observedGeneration', STATUS), STATUS.child('observedGeneration'));
  const collisions = optInt(errs, status, 'collisionCount', STATUS);
  nonNegative(errs, collisions, STATUS.child('collisionCount'));
  for (const key of ['readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas']) {
    if (counts[key]! > counts.replicas!) errs.invalid(STATUS.child(key), counts[key], ['cannot be greater than status.replicas']);
  }
  if (counts.availableReplicas! > counts.readyReplicas!) errs.invalid(STATUS.child('availableReplicas'), counts.availableReplicas, ['cannot be greater than status.readyReplicas']);
  const before = optInt(new Errs(), asRec(old.status), 'collisionCount', STATUS);
  if (before !== undefined && (collisions === undefined || collisions < before)) errs.invalid(STATUS.child('collisionCount'), collisions ?? 0, ['cannot be decremented']);
}

// --- ControllerRevision ---

function validateRevision(errs: Errs, obj: Rec): void {
  validateObjectMeta(errs, obj, CONTROLLER_REVISION_META);
  nonNegative(errs, int(errs, obj, 'revision', FieldPath.root()), FieldPath.root('revision'));
}

export function validateControllerRevision(errs: Errs, obj: Rec): void {
  validateRevision(errs, obj);
  const data = obj.data;
  if (data === undefined || data === null) errs.add(fieldErrors.required('data', 'data is mandatory'));
  else if (!asRec(data)) errs.add(fieldErrors.required('data', 'data must be a valid JSON object'));
}

export function validateControllerRevisionUpdate(errs: Errs, obj: Rec, old: Rec): void {
  validateRevision(errs, obj);
  validateImmutable(errs, obj.data, old.data, FieldPath.root('data'), new GoValue('runtime.RawExtension{...}'));
}
