// events.k8s.io/v1 Events: the core/v1 Events in the new API's shape (stored as core/v1, see
// lib/api/conversion/events.ts), validated by the new API's stricter rules.
import { defineStrategy } from '../strategy.js';
import { served } from './served.js';

export const eventV1Strategy = defineStrategy(served('events.k8s.io', 'v1', 'events'), { allowCreateOnUpdate: true });
