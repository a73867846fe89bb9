// Secrets: the generic steps; the data a type requires and immutability are validation rules.
import { defineStrategy } from '../strategy.js';
import { served } from './served.js';

export const secretStrategy = defineStrategy(served('', 'v1', 'secrets'));
