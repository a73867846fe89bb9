// core/v1 ResourceQuotas: the status (hard and used) is the quota's own bookkeeping, written
// through /status and by the ResourceQuota admission plugin in the transaction of each counted write.
import { defineStrategy } from '../strategy.js';
import { served } from './served.js';

export const resourcequotaStrategy = defineStrategy(served('', 'v1', 'resourcequotas'));
