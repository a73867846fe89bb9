// resource.k8s.io/v1 ResourceClaimTemplates: the resource claim controller makes a pod's claims from them.
import { defineStrategy } from '../strategy.js';
import { served } from './served.js';

export const resourceclaimtemplateStrategy = defineStrategy(served('resource.k8s.io', 'v1', 'resourceclaimtemplates'));
