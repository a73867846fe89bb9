// storage.k8s.io/v1 VolumeAttributesClasses: cluster-scoped; driver and parameters never change.
import { defineStrategy } from '../strategy.js';
import { served } from './served.js';

export const volumeattributesclassStrategy = defineStrategy(served('storage.k8s.io', 'v1', 'volumeattributesclasses'));
