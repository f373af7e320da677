export * from './variable-rules.js';
export * from './variables.js';
export * from './lint.js';
