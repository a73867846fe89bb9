// The apiserver's list and watch filters are the shared compiled selectors.
export { compileFilter, MATCH_ALL, type ObjectFilter } from '../../../lib/api/object-filter.js';
