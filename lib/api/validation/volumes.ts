// Pod volumes: one source per volume, and the checks of the sources pods commonly use. The
// remaining (mostly deprecated in-tree) sources are recognised and checked for their required
// fields only.
import { type FieldPath, fieldErrors } from '../field-errors.js';
import { VOLUME_FIELD_PATHS, validateObjectFieldSelector, validateResourceFieldSelector } from './container.js';
import { type Errs, type Rec, optInt, optStr, rec, recList, str, strList } from './json.js';
import { isDNS1123Label, nameIsDNSSubdomain } from '../names.js';
import { validateLocalDescendingPath, validateLocalNonReservedPath, validatePathNoBacksteps } from './paths.js';
import { isNegativeQuantity, tryParseQuantity } from './quantity.js';

const FILE_MODE_ERROR = 'must be a number between 0 and 0777 (octal), both inclusive';

/**
 * Volume source keys in the order Kubernetes checks them, with the name its errors use for
 * "more than one source" (two differ from the JSON key) and the fields each requires.
 */
export const SOURCES: { key: string; errName?: string; required?: string[] }[] = [
  { key: 'emptyDir' },
  { key: 'hostPath' },
  { key: 'gitRepo' },
  { key: 'gcePersistentDisk', required: ['pdName'] },
  { key: 'awsElasticBlockStore', required: ['volumeID'] },
  { key: 'secret' },
  { key: 'nfs' },
  { key: 'iscsi', required: ['targetPortal', 'iqn'] },
  { key: 'glusterfs', required: ['endpoints', 'path'] },
  { key: 'flocker' },
  { key: 'persistentVolumeClaim' },
  { key: 'rbd', required: ['monitors', 'image'] },
  { key: 'cinder', required: ['volumeID'] },
  { key: 'cephfs', errName: 'cephFS', required: ['monitors'] },
  { key: 'quobyte', required: ['volume'] },
  { key: 'downwardAPI', errName: 'downwarAPI' },
  { key: 'fc' },
  { key: 'flexVolume', required: ['driver'] },
  { key: 'configMap' },
  { key: 'azureFile', required: ['secretName', 'shareName'] },
  { key: 'vsphereVolume', required: ['volumePath'] },
  { key: 'photonPersistentDisk', required: ['pdID'] },
  { key: 'portworxVolume', required: ['volumeID'] },
  { key: 'azureDisk', required: ['diskName', 'diskURI'] },
  { key: 'storageos', required: ['volumeName'] },
  { key: 'projected' },
  { key: 'scaleIO', required: ['gateway', 'system', 'volumeName'] },
  { key: 'csi' },
  { key: 'ephemeral' },
  { key: 'image' },
];

function validateMode(errs: Errs, o: Rec, key: string, path: FieldPath): void {
  const mode = optInt(errs, o, key, path);
  if (mode !== undefined && (mode > 0o777 || mode < 0)) errs.invalid(path.child(key), mode, [FILE_MODE_ERROR]);
}

function validateKeyToPath(errs: Errs, item: Rec, path: FieldPath): string {
  if (str(errs, item, 'key', path) === '') errs.add(fieldErrors.required(path.child('key').toString(), ''));
  const target = str(errs, item, 'path', path);
  if (target === '') errs.add(fieldErrors.required(path.child('path').toString(), ''));
  validateLocalNonReservedPath(errs, target, path.child('path'));
  validateMode(errs, item, 'mode', path);
  return target;
}

function validateDownwardAPIFile(errs: Errs, file: Rec, path: FieldPath): string {
  const target = str(errs, file, 'path', path);
  if (target === '') errs.add(fieldErrors.required(path.child('path').toString(), ''));
  validateLocalNonReservedPath(errs, target, path.child('path'));
  const fieldRef = rec(errs, file, 'fieldRef', path);
  const resourceFieldRef = rec(errs, file, 'resourceFieldRef', path);
  if (fieldRef) {
    validateObjectFieldSelector(errs, fieldRef, VOLUME_FIELD_PATHS, path.child('fieldRef'));
    if (resourceFieldRef) errs.invalid(path, 'resource', ['fieldRef and resourceFieldRef can not be specified simultaneously']);
  } else if (resourceFieldRef) {
    validateResourceFieldSelector(errs, resourceFieldRef, path.child('resourceFieldRef'), true);
  } else {
    errs.add(fieldErrors.required(path.toString(), 'one of fieldRef and resourceFieldRef is required'));
  }
  validateMode(errs, file, 'mode', path);
  return target;
}

const HOST_PATH_TYPES = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'];

function validateProjected(errs: Errs, projected: Rec, path: FieldPath): void {
  validateMode(errs, projected, 'defaultMode', path);
  const seenPaths = new Set<string>();
  const claim = (target: string, shown: unknown): void => {
    if (target === '') return;
    if (seenPaths.has(target)) errs.invalid(path, shown, ['conflicting duplicate paths']);
    seenPaths.add(target);
  };
  recList(errs, projected, 'sources', path).forEach((source, i) => {
    const sp = path.child('sources').index(i);
    let count = 0;
    for (const key of ['secret', 'configMap']) {
      const s = rec(errs, source, key, sp);
      if (!s) continue;
      count++;
      const name = str(errs, s, 'name', sp.child(key));
      if (name === '') errs.add(fieldErrors.required(sp.child(key).child('name').toString(), ''));
      recList(errs, s, 'items', sp.child(key)).forEach((item, j) => claim(validateKeyToPath(errs, item, sp.child(key).child('items').index(j)), name));
    }
    const downward = rec(errs, source, 'downwardAPI', sp);
    if (downward) {
      count++;
      for (const file of recList(errs, downward, 'items', sp.child('downwardAPI'))) {
        const target = validateDownwardAPIFile(errs, file, sp.child('downwardAPI'));
        claim(target, target);
      }
    }
    const token = rec(errs, source, 'serviceAccountToken', sp);
    if (token) {
      count++;
      const tp = sp.child('serviceAccountToken');
      const expiration = optInt(errs, token, 'expirationSeconds', tp) ?? 0;
      if (expiration < 600) errs.invalid(tp.child('expirationSeconds'), expiration, ['may not specify a duration less than 10 minutes']);
      if (expiration > 2 ** 32) errs.invalid(tp.child('expirationSeconds'), expiration, ['may not specify a duration larger than 2^32 seconds']);
      const target = str(errs, token, 'path', tp);
      if (target === '') errs.add(fieldErrors.required(path.child('path').toString(), ''));
      else validateLocalNonReservedPath(errs, target, path.child('path'));
    }
    const bundle = rec(errs, source, 'clusterTrustBundle', sp);
    if (bundle) {
      count++;
      const bp = sp.child('clusterTrustBundle');
      const target = str(errs, bundle, 'path', bp);
      if (target === '') errs.add(fieldErrors.required(bp.child('path').toString(), ''));
      validateLocalNonReservedPath(errs, target, bp.child('path'));
      claim(target, target);
    }
    if (count > 1) errs.add(fieldErrors.forbidden(sp.toString(), 'may not specify more than 1 volume type per source'));
  });
}

export function validateSource(errs: Errs, key: string, source: Rec, path: FieldPath, required: string[] | undefined): void {
  switch (key) {
    case 'emptyDir': {
      const limit = source.sizeLimit;
      if (limit !== undefined && limit !== null) {
        const q = tryParseQuantity(limit);
        if (typeof q === 'string') errs.invalid(path.child('sizeLimit'), limit, [q]);
        else if (isNegativeQuantity(q)) errs.add(fieldErrors.forbidden(path.child('sizeLimit').toString(), 'SizeLimit field must be a valid resource quantity'));
      }
      return;
    }
    case 'hostPath': {
      const target = str(errs, source, 'path', path);
      if (target === '') {
        errs.add(fieldErrors.required(path.child('path').toString(), ''));
        return;
      }
      validatePathNoBacksteps(errs, target, path.child('path'));
      const type = optStr(errs, source, 'type', path);
      if (type !== undefined && !HOST_PATH_TYPES.includes(type)) errs.add(fieldErrors.notSupported(path.child('type').toString(), type, HOST_PATH_TYPES));
      return;
    }
    case 'gitRepo':
      if (str(errs, source, 'repository', path) === '') errs.add(fieldErrors.required(path.child('repository').toString(), ''));
      validateLocalDescendingPath(errs, str(errs, source, 'directory', path), path.child('directory'));
      return;
    case 'secret':
    case 'configMap': {
      const nameKey = key === 'secret' ? 'secretName' : 'name';
      if (str(errs, source, nameKey, path) === '') errs.add(fieldErrors.required(path.child(nameKey).toString(), ''));
      validateMode(errs, source, 'defaultMode', path);
      recList(errs, source, 'items', path).forEach((item, i) => validateKeyToPath(errs, item, path.child('items').index(i)));
      return;
    }
    case 'nfs': {
      if (str(errs, source, 'server', path) === '') errs.add(fieldErrors.required(path.child('server').toString(), ''));
      const target = str(errs, source, 'path', path);
      if (target === '') errs.add(fieldErrors.required(path.child('path').toString(), ''));
      if (!target.startsWith('/')) errs.invalid(path.child('path'), target, ['must be an absolute path']);
      return;
    }
    case 'persistentVolumeClaim':
      if (str(errs, source, 'claimName', path) === '') errs.add(fieldErrors.required(path.child('claimName').toString(), ''));
      return;
    case 'downwardAPI':
      validateMode(errs, source, 'defaultMode', path);
      for (const file of recList(errs, source, 'items', path)) validateDownwardAPIFile(errs, file, path);
      return;
    case 'projected':
      validateProjected(errs, source, path);
      return;
    case 'csi': {
      const driver = str(errs, source, 'driver', path);
      if (driver === '') errs.add(fieldErrors.required(path.child('driver').toString(), ''));
      if (driver.length > 63) errs.add(fieldErrors.tooLong(path.child('driver').toString(), 63));
      errs.invalid(path.child('driver'), driver, nameIsDNSSubdomain(driver.toLowerCase(), false));
      return;
    }
    case 'ephemeral':
      if (!rec(errs, source, 'volumeClaimTemplate', path)) errs.add(fieldErrors.required(path.child('volumeClaimTemplate').toString(), ''));
      return;
    case 'fc':
      if (strList(errs, source, 'targetWWNs', path).length === 0 && strList(errs, source, 'wwids', path).length === 0) {
        errs.add(fieldErrors.required(path.child('targetWWNs').toString(), 'must specify either targetWWNs or wwids, but not both'));
      }
      return;
    case 'flocker':
      if (str(errs, source, 'datasetName', path) === '' && str(errs, source, 'datasetUUID', path) === '') {
        errs.add(fieldErrors.required(path.toString(), 'one of datasetName and datasetUUID is required'));
      }
      return;
    default:
      for (const field of required ?? []) {
        const v = source[field];
        const empty = v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
        if (empty) errs.add(fieldErrors.required(path.child(field).toString(), ''));
      }
  }
}

/** Validates spec.volumes and returns the volumes that are valid, by name, for mount checks. */
export function validateVolumes(errs: Errs, volumes: Rec[], path: FieldPath): Map<string, Rec> {
  const valid = new Map<string, Rec>();
  volumes.forEach((vol, i) => {
    const p = path.index(i);
    const before = errs.length;
    let count = 0;
    for (const { key, errName, required } of SOURCES) {
      const source = rec(errs, vol, key, p);
      if (!source) continue;
      if (count > 0) {
        errs.add(fieldErrors.forbidden(p.child(errName ?? key).toString(), 'may not specify more than 1 volume type'));
        continue;
      }
      count++;
      validateSource(errs, key, source, p.child(key), required);
    }
    if (count === 0) errs.add(fieldErrors.required(p.toString(), 'must specify a volume type'));
    const name = str(errs, vol, 'name', p);
    if (name === '') errs.add(fieldErrors.required(p.child('name').toString(), ''));
    else errs.invalid(p.child('name'), name, isDNS1123Label(name));
    if (valid.has(name)) errs.add(fieldErrors.duplicate(p.child('name').toString(), name));
    if (errs.length === before) valid.set(name, vol);
  });
  return valid;
}
