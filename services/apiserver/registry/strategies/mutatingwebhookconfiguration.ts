// admissionregistration.k8s.io/v1 MutatingWebhookConfigurations: their generation counts changes of what they configure,
// as Kubernetes counts them. Admission calls their webhooks (services/apiserver/admission/mutating-webhooks.ts).
import { defineStrategy } from '../strategy.js';
import { served } from './served.js';

export const mutatingwebhookconfigurationStrategy = defineStrategy(served('admissionregistration.k8s.io', 'v1', 'mutatingwebhookconfigurations'), { tracksGeneration: true });
