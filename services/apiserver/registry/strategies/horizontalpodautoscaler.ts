// autoscaling HorizontalPodAutoscalers: one storage, in autoscaling/v2; autoscaling/v1 is the same
// objects converted (lib/api/conversion/hpa.ts). The status is the autoscaler controller's, through
// /status; the spec counts no generations, as in Kubernetes.
import { defineStrategy } from '../strategy.js';
import { served } from './served.js';

export const hpaV2Strategy = defineStrategy(served('autoscaling', 'v2', 'horizontalpodautoscalers'));
export const hpaV1Strategy = defineStrategy(served('autoscaling', 'v1', 'horizontalpodautoscalers'));
