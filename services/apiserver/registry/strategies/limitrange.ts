// core/v1 LimitRanges: plain objects; the LimitRanger admission plugin reads them.
import { defineStrategy } from '../strategy.js';
import { served } from './served.js';

export const limitrangeStrategy = defineStrategy(served('', 'v1', 'limitranges'));
