// Pod and container security contexts.
import { type FieldPath, fieldErrors } from '../field-errors.js';
import { type Errs, type Rec, optBool, optInt, optStr, rec, recList, str, strList } from './json.js';
import { byteLength, edgedRun, isValidGroupID, isValidUserID } from '../names.js';
import { validateLocalDescendingPath } from './paths.js';

export function validateSeccompProfile(errs: Errs, profile: Rec | undefined, path: FieldPath): void {
  if (!profile) return;
  const type = str(errs, profile, 'type', path);
  const typePath = path.child('type').toString();
  if (type === '') errs.add(fieldErrors.required(typePath, 'type is required when seccompProfile is set'));
  else if (!['Localhost', 'RuntimeDefault', 'Unconfined'].includes(type)) {
    errs.add(fieldErrors.notSupported(typePath, type, ['Localhost', 'RuntimeDefault', 'Unconfined']));
  }
  const localhost = optStr(errs, profile, 'localhostProfile', path);
  if (type === 'Localhost') {
    if (localhost === undefined) {
      errs.add(fieldErrors.required(path.child('localhostProfile').toString(), 'must be set when seccomp type is Localhost'));
    } else {
      validateLocalDescendingPath(errs, localhost, path.child('localhostProfile'));
    }
  } else if (localhost !== undefined) {
    errs.invalid(path.child('localhostProfile'), profile, ['can only be set when seccomp type is Localhost']);
  }
}

export function validateAppArmorProfile(errs: Errs, profile: Rec | undefined, path: FieldPath): void {
  if (!profile) return;
  const type = str(errs, profile, 'type', path);
  const localhost = optStr(errs, profile, 'localhostProfile', path);
  const lpPath = path.child('localhostProfile');
  if (type === 'Localhost') {
    if (localhost === undefined) {
      errs.add(fieldErrors.required(lpPath.toString(), 'must be set when AppArmor type is Localhost'));
    } else {
      if (localhost.trim() !== localhost) errs.invalid(lpPath, localhost, ['must not be padded with whitespace']);
      else if (localhost === '') errs.add(fieldErrors.required(lpPath.toString(), 'must be set when AppArmor type is Localhost'));
      if (byteLength(localhost) > 4095) errs.add(fieldErrors.tooLong(lpPath.toString(), 4095));
    }
  } else if (type === 'RuntimeDefault' || type === 'Unconfined') {
    if (localhost !== undefined) errs.invalid(lpPath, localhost, ['can only be set when AppArmor type is Localhost']);
  } else if (type === '') {
    errs.add(fieldErrors.required(path.child('type').toString(), 'type is required when appArmorProfile is set'));
  } else {
    errs.add(fieldErrors.notSupported(path.child('type').toString(), type, ['Localhost', 'RuntimeDefault', 'Unconfined']));
  }
}

function validateID(errs: Errs, o: Rec, key: string, path: FieldPath, check: (n: number) => string[]): void {
  const v = optInt(errs, o, key, path);
  if (v !== undefined) errs.invalid(path.child(key), v, check(v));
}

export function validateContainerSecurityContext(errs: Errs, sc: Rec | undefined, path: FieldPath, hostUsers: boolean): void {
  if (!sc) return;
  const privileged = optBool(errs, sc, 'privileged', path);
  validateID(errs, sc, 'runAsUser', path, isValidUserID);
  validateID(errs, sc, 'runAsGroup', path, isValidGroupID);
  const procMount = optStr(errs, sc, 'procMount', path);
  if (procMount !== undefined) {
    if (procMount !== 'Default' && procMount !== 'Unmasked') {
      errs.add(fieldErrors.notSupported(path.child('procMount').toString(), procMount, ['Default', 'Unmasked']));
    }
    if (hostUsers && procMount === 'Unmasked') errs.invalid(path.child('procMount'), procMount, ['`hostUsers` must be false to use `Unmasked`']);
  }
  validateSeccompProfile(errs, rec(errs, sc, 'seccompProfile', path), path.child('seccompProfile'));
  if (optBool(errs, sc, 'allowPrivilegeEscalation', path) === false) {
    if (privileged === true) errs.invalid(path, sc, ['cannot set `allowPrivilegeEscalation` to false and `privileged` to true']);
    const added = strList(errs, rec(errs, sc, 'capabilities', path), 'add', path.child('capabilities'));
    if (added.includes('CAP_SYS_ADMIN')) {
      errs.invalid(path, sc, ['cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN']);
    }
  }
  validateAppArmorProfile(errs, rec(errs, sc, 'appArmorProfile', path), path.child('appArmorProfile'));
}

const SYSCTL_SEGMENT = '[a-z0-9]([-_a-z0-9]*[a-z0-9])?';
/** "(segment[./])*segment" */
function isSysctlName(name: string): boolean {
  return name.split(/[./]/).every((s) => edgedRun(s, /^[-_a-z0-9]*$/, /[a-z0-9]/));
}

/** Which host namespace a sysctl belongs to, if it is namespaced by net or ipc. */
function sysctlNamespace(name: string): 'net' | 'ipc' | undefined {
  const dotted = name.split('/').join('.');
  if (dotted.startsWith('net.')) return 'net';
  if (dotted === 'kernel.sem' || dotted.startsWith('kernel.shm') || dotted.startsWith('kernel.msg') || dotted.startsWith('fs.mqueue.')) return 'ipc';
  return undefined;
}

/** spec.securityContext, which in v1 also depends on the host* fields beside it in the spec. */
export function validatePodSecurityContext(errs: Errs, spec: Rec, specPath: FieldPath): void {
  const sc = rec(errs, spec, 'securityContext', specPath);
  const path = specPath.child('securityContext');
  if (!sc) return;
  validateID(errs, sc, 'fsGroup', path, isValidGroupID);
  validateID(errs, sc, 'runAsUser', path, isValidUserID);
  validateID(errs, sc, 'runAsGroup', path, isValidGroupID);
  const groups = sc.supplementalGroups;
  if (Array.isArray(groups)) {
    groups.forEach((g, i) => {
      if (typeof g === 'number') errs.invalid(path.child('supplementalGroups').index(i), g, isValidGroupID(g));
    });
  }
  const hostPID = spec.hostPID === true;
  const hostNetwork = spec.hostNetwork === true;
  const hostIPC = spec.hostIPC === true;
  if (spec.shareProcessNamespace === true && hostPID) {
    errs.invalid(path.child('shareProcessNamespace'), true, ['ShareProcessNamespace and HostPID cannot both be enabled']);
  }
  const seen = new Set<string>();
  recList(errs, sc, 'sysctls', path).forEach((s, i) => {
    const p = path.child('sysctls').index(i).child('name');
    const name = str(errs, s, 'name', p);
    if (name === '') errs.add(fieldErrors.required(p.toString(), ''));
    else if (byteLength(name) > 253 || !isSysctlName(name)) {
      errs.invalid(p, name, [`must have at most 253 characters and match regex ^(${SYSCTL_SEGMENT}[\\./])*${SYSCTL_SEGMENT}$`]);
    } else if (seen.has(name)) errs.add(fieldErrors.duplicate(p.toString(), name));
    const ns = sysctlNamespace(name);
    if (hostNetwork && ns === 'net') errs.invalid(p, name, ["may not be specified when 'hostNetwork' is true"]);
    else if (hostIPC && ns === 'ipc') errs.invalid(p, name, ["may not be specified when 'hostIPC' is true"]);
    seen.add(name);
  });
  const fsGroupChangePolicy = optStr(errs, sc, 'fsGroupChangePolicy', path);
  if (fsGroupChangePolicy !== undefined && fsGroupChangePolicy !== 'OnRootMismatch' && fsGroupChangePolicy !== 'Always') {
    errs.add(fieldErrors.notSupported(path.child('fsGroupChangePolicy').toString(), fsGroupChangePolicy, ['Always', 'OnRootMismatch']));
  }
  validateSeccompProfile(errs, rec(errs, sc, 'seccompProfile', path), path.child('seccompProfile'));
  validateAppArmorProfile(errs, rec(errs, sc, 'appArmorProfile', path), path.child('appArmorProfile'));
  const groupsPolicy = optStr(errs, sc, 'supplementalGroupsPolicy', path);
  if (groupsPolicy !== undefined && groupsPolicy !== 'Merge' && groupsPolicy !== 'Strict') {
    errs.add(fieldErrors.notSupported(path.child('supplementalGroupsPolicy').toString(), groupsPolicy, ['Merge', 'Strict']));
  }
  const seLinuxChangePolicy = optStr(errs, sc, 'seLinuxChangePolicy', path);
  if (seLinuxChangePolicy !== undefined && seLinuxChangePolicy !== 'Recursive' && seLinuxChangePolicy !== 'MountOption') {
    errs.add(fieldErrors.notSupported(path.child('seLinuxChangePolicy').toString(), seLinuxChangePolicy, ['MountOption', 'Recursive']));
  }
}
