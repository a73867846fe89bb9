// Label and field selectors: parsing, matching and the per-kind field sets.
export * from './label-selector.js';
export * from './label-selector-object.js';
export * from './field-selector.js';
export * from './field-sets.js';
