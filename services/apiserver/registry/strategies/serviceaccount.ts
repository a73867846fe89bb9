// ServiceAccounts: the generic steps.
import { defineStrategy } from '../strategy.js';
import { served } from './served.js';

export const serviceaccountStrategy = defineStrategy(served('', 'v1', 'serviceaccounts'));
