// PATCH: JSON patch, merge patch and strategic merge patch, and the strategy table it merges by.
export * from './apply-patch.js';
export * from './json-patch.js';
export * from './merge-patch.js';
export * from './strategic-merge-patch.js';
export * from './patch-strategies.js';
export { PatchError } from './patch-errors.js';
