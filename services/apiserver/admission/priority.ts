// Priority admission (plugin/pkg/admission/priority): a new pod gets the priority and preemption
// policy of its PriorityClass — the one it names, else the global default class, else 0 and
// PreemptLowerPriority — and a pod that names an unknown class, or states a priority or preemption
// policy other than its class's, is refused. An update keeps what the pod was admitted with. A
// PriorityClass may be the global default only while no other class is.
import type { KubeObject } from '../../../lib/api/object.js';
import { isPlainObject } from '../../../lib/api/object.js';
import { findResource, storageKey, storagePrefix } from '../../../lib/api/resources.js';
import { errors } from '../../../lib/api/status.js';
import type { Store } from '../../../lib/native/store.js';
import type { AdmissionAttributes, AdmissionPlugin } from './plugin.js';

const PRIORITY_CLASSES = findResource('scheduling.k8s.io', 'v1', 'priorityclasses')!;
const PODS = { group: '', resource: 'pods' };

interface PriorityClassView {
  name: string;
  value: number;
  globalDefault: boolean;
  preemptionPolicy: string | undefined;
}

function view(obj: KubeObject): PriorityClassView {
  return {
    name: obj.metadata?.name ?? '',
    value: typeof obj.value === 'number' ? obj.value : 0,
    globalDefault: obj.globalDefault === true,
    preemptionPolicy: typeof obj.preemptionPolicy === 'string' ? obj.preemptionPolicy : undefined,
  };
}

export class PriorityClasses {
  constructor(private readonly store: Store) {}

  async get(name: string): Promise<PriorityClassView | undefined> {
    await this.store.linearizableRead();
    const kv = this.store.get<KubeObject>(storageKey(PRIORITY_CLASSES, undefined, name));
    return kv ? view(kv.value) : undefined;
  }

  /** The global default class; with several (created concurrently), the lowest, as Kubernetes picks. */
  async globalDefault(): Promise<PriorityClassView | undefined> {
    await this.store.linearizableRead();
    let found: PriorityClassView | undefined;
    for (const kv of this.store.range<KubeObject>(storagePrefix(PRIORITY_CLASSES)).kvs) {
      const pc = view(kv.value);
      if (pc.globalDefault && (!found || pc.value < found.value)) found = pc;
    }
    return found;
  }
}

function admitPodUpdate(spec: Record<string, unknown>, oldObject: KubeObject | null): void {
  const old = isPlainObject(oldObject?.spec) ? oldObject.spec : {};
  if ((spec.priority === undefined || spec.priority === null) && old.priority !== undefined) spec.priority = old.priority;
  if ((spec.preemptionPolicy === undefined || spec.preemptionPolicy === null) && old.preemptionPolicy !== undefined) spec.preemptionPolicy = old.preemptionPolicy;
}

async function admitPodCreate(classes: PriorityClasses, attributes: AdmissionAttributes, spec: Record<string, unknown>): Promise<void> {
  const forbid = (why: string) => errors.forbidden(PODS, attributes.name, why);
  const named = typeof spec.priorityClassName === 'string' ? spec.priorityClassName : '';
  let className = '';
  let priority = 0;
  let preemptionPolicy: string | undefined = 'PreemptLowerPriority';
  if (named === '') {
    const fallback = await classes.globalDefault();
    if (fallback) ({ name: className, value: priority, preemptionPolicy } = fallback);
  } else {
    const found = await classes.get(named);
    if (!found) throw forbid(`no PriorityClass with name ${named} was found`);
    ({ name: className, value: priority, preemptionPolicy } = found);
  }
  if (className !== '') spec.priorityClassName = className;
  if (typeof spec.priority === 'number' && spec.priority !== priority) {
    throw forbid(`the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${priority} from the given PriorityClass name`);
  }
  spec.priority = priority;
  if (preemptionPolicy !== undefined) {
    if (typeof spec.preemptionPolicy === 'string' && spec.preemptionPolicy !== preemptionPolicy) {
      throw forbid(
        `the string value of PreemptionPolicy (${spec.preemptionPolicy}) must not be provided in pod spec; priority admission controller computed ${preemptionPolicy} from the given PriorityClass name`,
      );
    }
    spec.preemptionPolicy = preemptionPolicy;
  }
}

export function priorityAdmission(store: Store): AdmissionPlugin {
  const classes = new PriorityClasses(store);
  return {
    name: 'Priority',
    async admit(attributes) {
      const { info, operation, subresource, object } = attributes;
      if (subresource !== undefined || info.group !== '' || info.resource !== 'pods' || !object) return;
      if (!isPlainObject(object.spec)) return;
      if (operation === 'UPDATE') admitPodUpdate(object.spec, attributes.oldObject);
      else if (operation === 'CREATE') await admitPodCreate(classes, attributes, object.spec);
    },
    async validate({ info, operation, subresource, object, name }) {
      if (subresource !== undefined || info !== PRIORITY_CLASSES || !object || object.globalDefault !== true) return;
      if (operation !== 'CREATE' && operation !== 'UPDATE') return;
      const existing = await classes.globalDefault();
      if (existing && (operation === 'CREATE' || existing.name !== name)) {
        throw errors.forbidden({ group: info.group, resource: info.resource }, name, `PriorityClass ${existing.name} is already marked as default. Only one default can exist`);
      }
    },
  };
}
