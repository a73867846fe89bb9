// admissionregistration.k8s.io/v1 ValidatingWebhookConfigurations: their generation counts changes of what they configure,
// as Kubernetes counts them. Stored only: calling webhooks and evaluating policies is not done yet.
import { defineStrategy } from '../strategy.js';
import { served } from './served.js';

export const validatingwebhookconfigurationStrategy = defineStrategy(served('admissionregistration.k8s.io', 'v1', 'validatingwebhookconfigurations'), { tracksGeneration: true });
