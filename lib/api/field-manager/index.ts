export * from './field-set.js';
export * from './schema.js';
export * from './typed-value.js';
export * from './managed-fields.js';
export * from './field-manager.js';
