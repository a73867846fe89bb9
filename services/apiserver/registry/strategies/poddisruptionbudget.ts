// policy/v1 PodDisruptionBudgets: the spec counts generations (an eviction trusts the status only
// once the disruption controller has observed the current one), and the status is the controller's
// and the eviction subresource's, through /status.
import { defineStrategy } from '../strategy.js';
import { served } from './served.js';

export const poddisruptionbudgetStrategy = defineStrategy(served('policy', 'v1', 'poddisruptionbudgets'), { tracksGeneration: true });
