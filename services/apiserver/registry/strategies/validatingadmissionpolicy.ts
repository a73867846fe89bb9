// admissionregistration.k8s.io/v1 ValidatingAdmissionPolicys: their generation counts changes of what they configure,
// as Kubernetes counts them. Stored only: calling webhooks and evaluating policies is not done yet.
import { defineStrategy } from '../strategy.js';
import { served } from './served.js';

export const validatingadmissionpolicyStrategy = defineStrategy(served('admissionregistration.k8s.io', 'v1', 'validatingadmissionpolicies'), { tracksGeneration: true });
