// admissionregistration.k8s.io/v1 ValidatingWebhookConfigurations: their generation counts changes of what they configure,
// as Kubernetes counts them. Admission calls their webhooks (services/apiserver/admission/validating-webhooks.ts).
import { defineStrategy } from '../strategy.js';
import { served } from './served.js';

export const validatingwebhookconfigurationStrategy = defineStrategy(served('admissionregistration.k8s.io', 'v1', 'validatingwebhookconfigurations'), { tracksGeneration: true });
