// Conversions between a served resource and the version its objects are stored as, for the
// resources the table marks with a storageVersion.
import type { KubeObject } from '../object.js';
import type { ResourceInfo } from '../resources.js';
import { coreToEventV1, eventV1ToCore } from './events.js';
import { hpaV1ToV2, hpaV2ToV1 } from './hpa.js';

export interface Conversion {
  /** An object in the served version, as it is stored. */
  toStorage(obj: KubeObject): KubeObject;
  /** A stored object, in the served version. */
  fromStorage(obj: KubeObject): KubeObject;
}

const CONVERSIONS = new Map<string, Conversion>([
  ['events.k8s.io/v1/Event', { toStorage: eventV1ToCore, fromStorage: coreToEventV1 }],
  ['autoscaling/v1/HorizontalPodAutoscaler', { toStorage: hpaV1ToV2, fromStorage: hpaV2ToV1 }],
]);

/** The conversion of a resource stored as another version; undefined for one stored as itself. */
export function conversionOf(info: ResourceInfo): Conversion | undefined {
  if (!info.storageVersion) return undefined;
  const conversion = CONVERSIONS.get(`${info.group}/${info.version}/${info.kind}`);
  if (!conversion) throw new Error(`${info.resource} in ${info.group}/${info.version} is stored as another version but has no conversion`);
  return conversion;
}
