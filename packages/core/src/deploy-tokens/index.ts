export * from './scopes.js';
export * from './validate.js';
export * from './api.js';
