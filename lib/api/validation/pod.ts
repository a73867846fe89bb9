// Pods: create, update (most of the spec is immutable), status updates and bindings.
import { FieldPath, fieldErrors } from '../field-errors.js';
import { validateImageWhitespace } from './container.js';
import { isDualStack, validateIP } from './ip.js';
import { Errs, type Rec, asRec, optInt, rec, recList, scalarText, str, strMap } from './json.js';
import { type MetaRules, validateImmutable, validateObjectMeta } from './meta.js';
import { isQualifiedName, nameIsDNSSubdomain } from '../names.js';
import { validatePodSpec, validatePodSpecificAnnotations } from './pod-spec.js';
import { validateTolerations } from './scheduling.js';
import { semanticEqual } from './equality.js';

const SPEC = FieldPath.root('spec');
const METADATA = FieldPath.root('metadata');
export const POD_META: MetaRules = { nameRule: nameIsDNSSubdomain, namespaced: true, kubeFinalizers: true };
const MAX_INT32 = 2147483647;

function specOf(errs: Errs, pod: Rec): Rec {
  return rec(errs, pod, 'spec', FieldPath.root()) ?? {};
}

function annotationsOf(pod: Rec): Record<string, string> | undefined {
  return strMap(new Errs(), asRec(pod.metadata), 'annotations', METADATA);
}

/** validatePodMetadataAndSpec: shared by create and update. */
function validatePodMetadataAndSpec(errs: Errs, pod: Rec): void {
  validateObjectMeta(errs, pod, POD_META);
  const spec = specOf(errs, pod);
  validatePodSpecificAnnotations(errs, annotationsOf(pod), spec, METADATA.child('annotations'));
  validatePodSpec(errs, spec, SPEC, { resourceIsPod: true });
  if (!spec.serviceAccountName) {
    recList(new Errs(), spec, 'volumes', SPEC).forEach((vol, vi) => {
      const sources = asRec(vol.projected)?.sources;
      if (!Array.isArray(sources)) return;
      sources.forEach((source: unknown, si) => {
        if (asRec(source)?.serviceAccountToken) {
          const p = SPEC.child('volumes').index(vi).child('projected').child('sources').index(si).child('serviceAccountToken');
          errs.add(fieldErrors.forbidden(p.toString(), 'must not be specified when serviceAccountName is not set'));
        }
      });
    });
  }
  for (const key of ['containers', 'initContainers']) {
    recList(new Errs(), spec, key, SPEC).forEach((c, i) => validateImageWhitespace(errs, c, SPEC.child(key).index(i)));
  }
}

export function validatePodCreate(errs: Errs, pod: Rec): void {
  validatePodMetadataAndSpec(errs, pod);
  const spec = specOf(new Errs(), pod);
  if (Array.isArray(spec.ephemeralContainers) && spec.ephemeralContainers.length > 0) {
    errs.add(fieldErrors.forbidden(SPEC.child('ephemeralContainers').toString(), 'cannot be set on create'));
  }
  if (spec.nodeName && Array.isArray(spec.schedulingGates) && spec.schedulingGates.length > 0) {
    errs.add(fieldErrors.forbidden(SPEC.child('nodeName').toString(), 'cannot be set until all schedulingGates have been cleared'));
  }
}

function validatePodAnnotationUpdates(errs: Errs, pod: Rec, old: Rec): void {
  const next = annotationsOf(pod) ?? {};
  const prev = annotationsOf(old) ?? {};
  const path = METADATA.child('annotations');
  const guarded = (k: string): 'AppArmor annotations' | 'mirror pod annotation' | undefined =>
    k.startsWith('container.apparmor.security.beta.kubernetes.io/') ? 'AppArmor annotations' : k === 'kubernetes.io/config.mirror' ? 'mirror pod annotation' : undefined;
  for (const [k, v] of Object.entries(prev)) {
    const what = guarded(k);
    if (what && next[k] !== v) errs.add(fieldErrors.forbidden(path.key(k).toString(), `may not remove or update ${what}`));
  }
  for (const k of Object.keys(next)) {
    const what = guarded(k);
    if (what && !Object.hasOwn(prev, k)) errs.add(fieldErrors.forbidden(path.key(k).toString(), `may not add ${what}`));
  }
  validatePodSpecificAnnotations(errs, next, specOf(new Errs(), pod), path);
}

const UPDATABLE_POD_SPEC_FIELDS = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

function containerList(spec: Rec, key: string): Rec[] {
  return recList(new Errs(), spec, key, SPEC);
}

/** Lists where two specs differ, one "path: old → new" line each, to explain a forbidden update. */
function describeDiff(prev: unknown, next: unknown, path: string, out: string[]): void {
  if (semanticEqual(prev, next)) return;
  const bothObjects = asRec(prev) && asRec(next);
  const bothLists = Array.isArray(prev) && Array.isArray(next) && prev.length === next.length;
  if (bothObjects) {
    const a = prev as Rec;
    const b = next as Rec;
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) describeDiff(a[k], b[k], `${path}.${k}`, out);
  } else if (bothLists) {
    (prev as unknown[]).forEach((x, i) => describeDiff(x, (next as unknown[])[i], `${path}[${i}]`, out));
  } else {
    out.push(`  ${path}: ${JSON.stringify(prev ?? null)} -> ${JSON.stringify(next ?? null)}`);
  }
}

function sameToleration(a: Rec, b: Rec): boolean {
  return semanticEqual({ ...a, tolerationSeconds: undefined }, { ...b, tolerationSeconds: undefined });
}

export function validatePodUpdate(errs: Errs, pod: Rec, old: Rec): void {
  validatePodMetadataAndSpec(errs, pod);
  validatePodAnnotationUpdates(errs, pod, old);
  const spec = specOf(new Errs(), pod);
  const oldSpec = specOf(new Errs(), old);
  for (const key of ['containers', 'initContainers']) {
    const next = containerList(spec, key);
    const prev = containerList(oldSpec, key);
    if (next.length !== prev.length) {
      errs.add(fieldErrors.forbidden(SPEC.child(key).toString(), 'pod updates may not add or remove containers'));
      return;
    }
    next.forEach((c, i) => {
      const image = typeof c.image === 'string' ? c.image : '';
      if (image === '') errs.add(fieldErrors.required(SPEC.child(key).index(i).child('image').toString(), ''));
      validateImageWhitespace(errs, c, SPEC.child(key).index(i));
    });
  }
  const deadlinePath = SPEC.child('activeDeadlineSeconds');
  const deadline = optInt(new Errs(), spec, 'activeDeadlineSeconds', SPEC);
  const oldDeadline = optInt(new Errs(), oldSpec, 'activeDeadlineSeconds', SPEC);
  if (deadline !== undefined) {
    if (deadline < 0 || deadline > MAX_INT32) {
      errs.invalid(deadlinePath, deadline, [`must be between 0 and ${MAX_INT32}, inclusive`]);
      return;
    }
    if (oldDeadline !== undefined && oldDeadline < deadline) {
      errs.invalid(deadlinePath, deadline, ['must be less than or equal to previous value']);
      return;
    }
  } else if (oldDeadline !== undefined) {
    errs.invalid(deadlinePath, null, ['must not update from a positive integer to nil value']);
  }
  const tolerations = recList(new Errs(), spec, 'tolerations', SPEC);
  const oldTolerations = recList(new Errs(), oldSpec, 'tolerations', SPEC);
  if (!oldTolerations.every((t) => tolerations.some((n) => sameToleration(t, n)))) {
    errs.add(fieldErrors.forbidden(SPEC.child('tolerations').toString(), 'existing toleration can not be modified except its tolerationSeconds'));
  } else {
    validateTolerations(errs, tolerations, SPEC.child('tolerations'));
  }
  const oldGates = new Set(recList(new Errs(), oldSpec, 'schedulingGates', SPEC).map((g) => g.name));
  const gates = recList(new Errs(), spec, 'schedulingGates', SPEC);
  gates.forEach((g, i) => {
    if (!oldGates.has(g.name)) {
      errs.add(fieldErrors.forbidden(SPEC.child('schedulingGates').index(i).child('name').toString(), `only deletion is allowed, but found new scheduling gate '${scalarText(g.name)}'`));
    }
  });
  if (semanticEqual(spec, oldSpec)) return;

  // Put back every field an update may change, then anything still different is forbidden.
  const munged: Rec = { ...spec };
  for (const key of ['containers', 'initContainers']) {
    const prev = containerList(oldSpec, key);
    if (Array.isArray(spec[key])) munged[key] = containerList(spec, key).map((c, i) => ({ ...c, image: prev[i]?.image }));
  }
  munged.activeDeadlineSeconds = oldSpec.activeDeadlineSeconds;
  munged.schedulingGates = oldSpec.schedulingGates;
  munged.tolerations = oldSpec.tolerations;
  const oldGrace = oldSpec.terminationGracePeriodSeconds;
  if (typeof oldGrace === 'number' && oldGrace < 0 && munged.terminationGracePeriodSeconds === 1) munged.terminationGracePeriodSeconds = oldGrace;
  if (oldGates.size > 0 && !semanticEqual(munged.nodeSelector, oldSpec.nodeSelector)) {
    const next = asRec(munged.nodeSelector) ?? {};
    const prev = asRec(oldSpec.nodeSelector) ?? {};
    if (Object.entries(prev).some(([k, v]) => next[k] !== v)) {
      errs.invalid(SPEC.child('nodeSelector'), munged.nodeSelector, ['only additions to spec.nodeSelector are allowed (no mutations or deletions)']);
    }
    munged.nodeSelector = oldSpec.nodeSelector;
  }
  if (!semanticEqual(munged, oldSpec)) {
    const diff: string[] = [];
    describeDiff(oldSpec, munged, 'spec', diff);
    errs.add(fieldErrors.forbidden(SPEC.toString(), `pod updates may not change fields other than ${UPDATABLE_POD_SPEC_FIELDS.join(',')}\n${diff.join('\n')}`));
  }
}

const SYSTEM_CONDITIONS = new Set(['PodScheduled', 'Ready', 'Initialized']);

function terminated(status: Rec): Rec | undefined {
  return asRec(asRec(status.state)?.terminated);
}

function validateStateTransitions(errs: Errs, next: Rec[], prev: Rec[], path: FieldPath, mayRestart: (s: Rec) => boolean): void {
  prev.forEach((oldStatus, i) => {
    const done = terminated(oldStatus);
    if (!done || mayRestart(oldStatus)) return;
    for (const s of next) {
      if (s.name === oldStatus.name && !terminated(s)) errs.add(fieldErrors.forbidden(path.index(i).child('state').toString(), 'may not be transitioned to non-terminated state'));
    }
  });
}

function validateIPList(errs: Errs, ips: Rec[], path: FieldPath): void {
  ips.forEach((ip, i) => validateIP(errs, path.index(i), typeof ip.ip === 'string' ? ip.ip : ''));
  if (ips.length <= 1) return;
  const values = ips.map((ip) => (typeof ip.ip === 'string' ? ip.ip : ''));
  if (!isDualStack(values) || values.length > 2) errs.invalid(path, ips, ['may specify no more than one IP for each IP family']);
  const seen = new Set<string>();
  values.forEach((v, i) => {
    if (seen.has(v)) errs.add(fieldErrors.duplicate(path.index(i).toString(), ips[i]));
    seen.add(v);
  });
}

export function validatePodStatusUpdate(errs: Errs, pod: Rec, old: Rec): void {
  validatePodAnnotationUpdates(errs, pod, old);
  const status = rec(errs, pod, 'status', FieldPath.root()) ?? {};
  const oldStatus = asRec(old.status) ?? {};
  const statusPath = FieldPath.root('status');
  recList(errs, status, 'conditions', statusPath).forEach((c, i) => {
    const type = typeof c.type === 'string' ? c.type : '';
    // Kubernetes reports these under metadata.conditions.
    if (!SYSTEM_CONDITIONS.has(type)) errs.invalid(METADATA.child('conditions').index(i).child('Type'), type, isQualifiedName(type));
  });
  const spec = specOf(new Errs(), pod);
  const oldSpec = specOf(new Errs(), old);
  if ((spec.nodeName ?? '') !== (oldSpec.nodeName ?? '')) errs.add(fieldErrors.forbidden(statusPath.child('nodeName').toString(), 'may not be changed directly'));
  const nominated = str(errs, status, 'nominatedNodeName', statusPath);
  if (nominated !== '' && nominated !== oldStatus.nominatedNodeName) {
    errs.invalid(statusPath.child('nominatedNodeName'), nominated, nameIsDNSSubdomain(nominated, false));
  }
  validateImmutable(errs, str(errs, status, 'qosClass', statusPath), typeof oldStatus.qosClass === 'string' ? oldStatus.qosClass : '', statusPath.child('qosClass'));
  const restartPolicy = typeof oldSpec.restartPolicy === 'string' ? oldSpec.restartPolicy : '';
  if (restartPolicy !== 'Always') {
    const failedMayRestart = (s: Rec): boolean => restartPolicy === 'OnFailure' && terminated(s)?.exitCode !== 0;
    const statuses = (o: Rec, key: string): Rec[] => recList(new Errs(), o, key, statusPath);
    validateStateTransitions(errs, statuses(status, 'containerStatuses'), statuses(oldStatus, 'containerStatuses'), statusPath.child('containerStatuses'), failedMayRestart);
    const sidecars = new Set(recList(new Errs(), oldSpec, 'initContainers', SPEC).filter((c) => c.restartPolicy === 'Always').map((c) => c.name));
    validateStateTransitions(errs, statuses(status, 'initContainerStatuses'), statuses(oldStatus, 'initContainerStatuses'), statusPath.child('initContainerStatuses'), (s) => failedMayRestart(s) || sidecars.has(s.name));
  }
  validateStateTransitions(
    errs,
    recList(new Errs(), status, 'ephemeralContainerStatuses', statusPath),
    recList(new Errs(), oldStatus, 'ephemeralContainerStatuses', statusPath),
    statusPath.child('ephemeralContainerStatuses'),
    () => false,
  );
  validateIPList(errs, recList(errs, status, 'podIPs', statusPath), statusPath.child('podIPs'));
  const hostIPs = recList(errs, status, 'hostIPs', statusPath);
  if (hostIPs.length > 0) {
    const first = typeof hostIPs[0]!.ip === 'string' ? hostIPs[0]!.ip : '';
    if (str(errs, status, 'hostIP', statusPath) !== first) errs.invalid(statusPath.child('hostIPs').index(0).child('ip'), first, ['must be equal to `hostIP`']);
    validateIPList(errs, hostIPs, statusPath.child('hostIPs'));
  }
}

/** The body of pods/binding: a target that is a Node (or kind left empty) with a name. */
export function validateBindingBody(errs: Errs, binding: Rec): void {
  const target = rec(errs, binding, 'target', FieldPath.root()) ?? {};
  const path = FieldPath.root('target');
  const kind = str(errs, target, 'kind', path);
  if (kind !== '' && kind !== 'Node') errs.add(fieldErrors.notSupported(path.child('kind').toString(), kind, ['Node', '<empty>']));
  if (str(errs, target, 'name', path) === '') errs.add(fieldErrors.required(path.child('name').toString(), ''));
}
