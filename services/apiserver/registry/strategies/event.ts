// core/v1 Events: recorders PUT series updates whether the event still exists or not.
import { defineStrategy } from '../strategy.js';
import { served } from './served.js';

export const eventStrategy = defineStrategy(served('', 'v1', 'events'), { allowCreateOnUpdate: true });
